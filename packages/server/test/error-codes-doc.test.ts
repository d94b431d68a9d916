import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { problemCodes } from '../src/api/problem.js';

const doc = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/errors.md');

describe('docs/errors.md', () => {
  it('lists every error code with its status, and no code that does not exist', () => {
    const text = fs.readFileSync(doc, 'utf8');
    const rows = [...text.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    const documented = Object.fromEntries(rows);
    const actual = Object.fromEntries(
      Object.entries(problemCodes).map(([code, [status]]) => [code, status]),
    );
    expect(documented).toEqual(actual);
  });
});
