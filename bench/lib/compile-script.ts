import path from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from './processes.js';

/**
 * Compiles a floor's TypeScript entry into plain JavaScript under bench/.build, so that it
 * runs under bare `node` exactly as the server runs its tsc output: no loader in the process,
 * which would add start-up time and memory the floor must not have. Packages stay imports.
 */
export async function compileScript(entry: string): Promise<string> {
  const outfile = path.join(repoRoot, 'bench/.build', `${path.basename(entry, '.ts')}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  return outfile;
}
