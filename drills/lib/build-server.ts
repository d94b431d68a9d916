import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const serverRoot = path.join(repoRoot, 'packages/server');
const builtMain = path.join(serverRoot, 'dist/cli/main.js');

/**
 * Builds the server with `tsc -b` when its build is missing or older than a source file, as
 * `npm start` does: the drills run the built program, never the sources. Returns what it did.
 */
export async function buildServerIfStale(): Promise<'built' | 'fresh'> {
  const built = fs.existsSync(builtMain) ? newestMtime(path.join(serverRoot, 'dist')) : 0;
  if (built > 0 && newestMtime(path.join(serverRoot, 'src')) <= built) {
    return 'fresh';
  }
  const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-b', 'packages/server'], {
      cwd: repoRoot,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const output = (error as { stdout?: string }).stdout ?? String(error);
    throw new Error(`the server does not build (npx tsc -b packages/server):\n${output}`);
  }
  return 'built';
}

/** The newest modification time under `dir`; tests beside the sources are not built. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.name.endsWith('.test.ts')) continue;
    const time = entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
    newest = Math.max(newest, time);
  }
  return newest;
}
