import { Liquid } from 'liquidjs';

/** Bounds on one template, so that a careless or hostile template cannot stall a worker. */
export const templateLimits = {
  /** Characters of template source parsed at once. */
  parseLimit: 100_000,
  /** Milliseconds of rendering. */
  renderLimit: 200,
  /** Roughly bytes allocated by strings and arrays while rendering. */
  memoryLimit: 10_000_000,
  /** Characters of rendered output per part (subject, text, HTML). */
  outputLimit: 1_000_000,
} as const;

/**
 * The one Liquid configuration, used to check templates on write and to render them.
 * `outputEscape` is set per render for HTML bodies; subjects and text bodies stay raw.
 */
export function createLiquidEngine(options: { escapeOutput: boolean }): Liquid {
  return new Liquid({
    ownPropertyOnly: true,
    strictFilters: true,
    strictVariables: false,
    // No file system: `include` and `render` have nothing to read.
    relativeReference: false,
    fs: {
      exists: async () => false,
      existsSync: () => false,
      readFile: () => Promise.reject(new Error('templates cannot include files')),
      readFileSync: () => {
        throw new Error('templates cannot include files');
      },
      resolve: (_root: string, file: string) => file,
    },
    parseLimit: templateLimits.parseLimit,
    renderLimit: templateLimits.renderLimit,
    memoryLimit: templateLimits.memoryLimit,
    cache: 500,
    ...(options.escapeOutput ? { outputEscape: 'escape' as const } : {}),
  });
}
