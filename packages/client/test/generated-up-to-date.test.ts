import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';

/**
 * The client's types are generated from the server's route schemas and committed. This test
 * regenerates them into a temporary directory and fails when the committed files differ, so
 * a change to the API cannot leave the client's types silently behind.
 */
const clientRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'emivoy-generate-'));

afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** Where two texts first differ, as a line number and both lines, for the failure message. */
function firstDifference(committed: string, generated: string): string {
  const a = committed.split('\n');
  const b = generated.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}:\n  committed: ${a[at] ?? '(end)'}\n  generated: ${b[at] ?? '(end)'}`;
}

test('openapi.json and src/generated/openapi.ts match what the server generates', {
  timeout: 120_000,
}, () => {
  const json = path.join(scratch, 'openapi.json');
  const types = path.join(scratch, 'openapi.ts');
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/generate.ts', json, types], {
    cwd: clientRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const fix = 'run `npm run generate --workspace @emivoy/client` and commit the result';
  for (const [generated, committed] of [
    [json, path.join(clientRoot, 'openapi.json')],
    [types, path.join(clientRoot, 'src/generated/openapi.ts')],
  ] as const) {
    const want = fs.readFileSync(generated, 'utf8');
    const have = fs.readFileSync(committed, 'utf8');
    const where = path.relative(clientRoot, committed);
    expect(have === want, `${where} is out of date (${fix}); ${firstDifference(have, want)}`).toBe(
      true,
    );
  }
});
