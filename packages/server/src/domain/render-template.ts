import { LiquidError, ParseError, type Template, TokenizationError } from 'liquidjs';
import { createLiquidEngine, templateLimits } from './liquid-engine.js';

/** The three Liquid parts of a template. */
export type TemplatePart = 'subject' | 'text_body' | 'html_body';

/** What one template renders to for one contact. */
export interface RenderedMail {
  subject: string;
  text_body: string | null;
  html_body: string | null;
}

/** A template as stored, with the version that tells its parsed copies apart. */
export interface RenderableTemplate {
  template_id: string;
  /** Changes whenever the template does, such as `updated_at` in milliseconds. */
  version: string;
  subject: string;
  text_body: string | null;
  html_body: string | null;
}

/** Where a template's variables come from: the event, its entity and one contact of it. */
export interface TemplateVariableSources {
  event: {
    event_id: string;
    event_type: string;
    entity_id: string;
    data: Record<string, unknown>;
    created_at: string;
  };
  entity: {
    entity_id: string;
    entity_type: string;
    name: string | null;
    attributes: Record<string, unknown>;
  };
  contact: {
    contact_id?: string;
    email: string;
    name: string | null;
    role: string;
    attributes?: Record<string, unknown>;
  };
}

/**
 * A part of a template that cannot be rendered: it does not parse, fails while rendering, or
 * goes over a limit. `reason` says what to change; the message also names the part.
 */
export class TemplateRenderError extends Error {
  override name = 'TemplateRenderError';

  constructor(
    readonly part: TemplatePart,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${part}: ${reason}`, options);
  }
}

/**
 * The variables a template sees (DESIGN.md, "Template variables"): the event's data keys at top
 * level, the named variables, and the objects `contact`, `entity`, `event` and `data`.
 *
 * @example
 * buildTemplateVariables({ event, entity, contact }).contact_name // "Jane Smith"
 */
export function buildTemplateVariables(input: TemplateVariableSources): Record<string, unknown> {
  const { event, entity, contact } = input;
  const named = {
    contact_name: contact.name?.trim() ? contact.name : contact.email,
    contact_email: contact.email,
    contact_role: contact.role,
    entity_name: entity.name,
    entity_id: entity.entity_id,
    entity_type: entity.entity_type,
    event_type: event.event_type,
    contact: { ...contact, attributes: contact.attributes ?? {} },
    entity,
    event,
    data: event.data,
  };

  // Named variables come last so a data key cannot pose as one (`contact_name`). Spread
  // rather than Object.assign: a "__proto__" data key stays an own key, not a prototype.
  return { ...event.data, ...named };
}

/**
 * Renders a template's subject and bodies. HTML bodies escape variables unless a filter says
 * `| raw`; subjects and text bodies are left as they are, and a subject is made one line.
 *
 * @throws TemplateRenderError naming the part that failed.
 */
export async function renderTemplate(
  template: RenderableTemplate,
  variables: Record<string, unknown>,
): Promise<RenderedMail> {
  const subject = await renderPart(template, 'subject', variables);
  return {
    subject: oneLine(subject),
    text_body: await renderOptionalPart(template, 'text_body', variables),
    html_body: await renderOptionalPart(template, 'html_body', variables),
  };
}

/** A line break in a subject would start a new mail header, so each run becomes a space. */
function oneLine(subject: string): string {
  return subject.replace(/[\r\n]+/g, ' ').trim();
}

async function renderOptionalPart(
  template: RenderableTemplate,
  part: 'text_body' | 'html_body',
  variables: Record<string, unknown>,
): Promise<string | null> {
  if (template[part] === null) return null;
  return renderPart(template, part, variables);
}

const plainEngine = createLiquidEngine({ escapeOutput: false });
const htmlEngine = createLiquidEngine({ escapeOutput: true });

function engineFor(part: TemplatePart) {
  return part === 'html_body' ? htmlEngine : plainEngine;
}

async function renderPart(
  template: RenderableTemplate,
  part: TemplatePart,
  variables: Record<string, unknown>,
): Promise<string> {
  let output: string;
  try {
    const parsed = parsedPart(template, part);
    output = String(await engineFor(part).render(parsed, variables));
  } catch (error) {
    throw renderErrorOf(part, error);
  }

  // NOTE: checked once rendering is done. Output written by loops is not counted by the
  // memory limit, but the time limit stops it long before it could exhaust memory.
  if (output.length > templateLimits.outputLimit) {
    const limit = templateLimits.outputLimit.toLocaleString('en-US');
    throw new TemplateRenderError(
      part,
      `renders to more than ${limit} characters; make its loops or repeated text smaller`,
    );
  }
  return output;
}

/** Kept within both bounds: at most so many parts, and so many characters of their source. */
const cacheBounds = { entries: 1_000, sourceCharacters: 20_000_000 } as const;

interface CachedPart {
  source: string;
  parsed: Template[];
}

const parsedParts = new Map<string, CachedPart>();
const cacheCounts = { hits: 0, misses: 0, sourceCharacters: 0 };

/** How the parsed-template cache is doing, so tests can prove a template is parsed once. */
export function templateCacheStats() {
  return {
    entries: parsedParts.size,
    hits: cacheCounts.hits,
    misses: cacheCounts.misses,
    sourceCharacters: cacheCounts.sourceCharacters,
  };
}

/**
 * A part parsed once per template version. A Map keeps insertion order, so re-inserting on
 * every hit makes its first key the least recently used one.
 */
function parsedPart(template: RenderableTemplate, part: TemplatePart): Template[] {
  const source = template[part] ?? '';
  const key = `${template.template_id}\u0000${template.version}\u0000${part}`;
  const cached = parsedParts.get(key);
  forget(key);

  // The source is compared as well: two writes within one millisecond share a version.
  if (cached?.source === source) {
    cacheCounts.hits += 1;
    remember(key, cached);
    return cached.parsed;
  }

  cacheCounts.misses += 1;
  const parsed = engineFor(part).parse(source);
  remember(key, { source, parsed });
  return parsed;
}

function remember(key: string, entry: CachedPart): void {
  parsedParts.set(key, entry);
  cacheCounts.sourceCharacters += entry.source.length;
  while (
    parsedParts.size > cacheBounds.entries ||
    cacheCounts.sourceCharacters > cacheBounds.sourceCharacters
  ) {
    const oldest = parsedParts.keys().next();
    if (oldest.done) return;
    forget(oldest.value);
  }
}

function forget(key: string): void {
  const entry = parsedParts.get(key);
  if (!entry) return;
  parsedParts.delete(key);
  cacheCounts.sourceCharacters -= entry.source.length;
}

/** Turns what liquidjs throws into a sentence that says what to change in which part. */
function renderErrorOf(part: TemplatePart, error: unknown): TemplateRenderError {
  if (error instanceof TemplateRenderError) return error;

  const { problem, where } = liquidProblem(error);
  const reason = limitReason(problem, where) ?? describeFailure(error, problem, where);
  return new TemplateRenderError(part, reason, { cause: error });
}

/** liquidjs names a limit it enforces in the message of the assertion that failed. */
function limitReason(problem: string, where: string): string | undefined {
  const { renderLimit, parseLimit } = templateLimits;
  if (problem.startsWith('template render limit exceeded'))
    return `took longer than ${renderLimit} ms to render${where}; make its loops smaller`;
  if (problem.startsWith('memory alloc limit exceeded'))
    return `needs too much memory to render${where}; make its loops or appended text smaller`;
  if (problem.startsWith('parse length limit exceeded'))
    return `is longer than ${parseLimit} characters; shorten it`;
  return undefined;
}

function describeFailure(error: unknown, problem: string, where: string): string {
  const parsing = error instanceof TokenizationError || error instanceof ParseError;
  return parsing
    ? `does not parse as Liquid${where}: ${problem}`
    : `could not be rendered${where}: ${problem}`;
}

/** The bare problem liquidjs reports, and where in the part it is (" at line 1, column 4"). */
function liquidProblem(error: unknown): { problem: string; where: string } {
  if (!LiquidError.is(error)) {
    return { problem: error instanceof Error ? error.message : String(error), where: '' };
  }

  // liquidjs appends ", line:1, col:4" to its own message; the wrapped error has none.
  const problem = error.originalError?.message ?? error.message.replace(/, line:\d+.*$/, '');
  const [line, column] = error.token.getPosition();
  const where = line === undefined ? '' : ` at line ${line}, column ${column}`;
  return { problem, where };
}
