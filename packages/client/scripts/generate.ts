/**
 * Regenerates the client's types from the server's route schemas, in three steps:
 * export the OpenAPI document (export-openapi.ts), turn it into TypeScript with
 * openapi-typescript, and format the result as Biome formats the rest of the tree.
 *
 *   npx tsx packages/client/scripts/generate.ts [openapi.json path] [openapi.ts path]
 *
 * Without arguments it rewrites the committed packages/client/openapi.json and
 * src/generated/openapi.ts; test/generated-up-to-date.test.ts passes temporary paths and
 * compares.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { clientRoot, writeOpenApi } from './export-openapi.ts';

export const committedJson = path.join(clientRoot, 'openapi.json');
export const committedTypes = path.join(clientRoot, 'src/generated/openapi.ts');

function npx(args: string[], input?: string): string {
  return execFileSync('npx', ['--no-install', ...args], {
    cwd: clientRoot,
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
}

export async function generate(jsonFile = committedJson, typesFile = committedTypes) {
  await writeOpenApi(jsonFile);

  const raw = `${typesFile}.raw`;
  npx(['openapi-typescript', jsonFile, '--output', raw]);
  // Formatted as if it lived at the committed path, so a temporary copy compares equal.
  const formatted = npx(
    ['biome', 'check', '--write', `--stdin-file-path=${committedTypes}`],
    fs.readFileSync(raw, 'utf8'),
  );
  fs.rmSync(raw);
  fs.writeFileSync(typesFile, formatted);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [jsonFile, typesFile] = process.argv.slice(2);
  await generate(jsonFile && path.resolve(jsonFile), typesFile && path.resolve(typesFile));
}
