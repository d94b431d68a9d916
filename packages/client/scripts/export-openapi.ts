/**
 * Writes the server's OpenAPI document to a file without listening on a port: builds the app
 * on a throwaway SQLite database and asks it for the document it serves at GET /openapi.json.
 *
 *   npx tsx packages/client/scripts/export-openapi.ts [output file]
 *
 * The default output is packages/client/openapi.json, the input of `npm run generate`.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildApp } from '../../server/src/api/build-app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { createLogger } from '../../server/src/logger.ts';
import { migrateToLatest, openDatabase } from '../../server/src/store/open-database.ts';

export const clientRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The document as the server serves it, from an app built on an empty database. */
export async function exportOpenApi(): Promise<unknown> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'emivoy-openapi-'));
  const database = openDatabase({ databaseUrl: undefined, dataDir });
  try {
    await migrateToLatest(database.db);
    const config = loadConfig({ EMIVOY_DATA_DIR: dataDir, EMIVOY_RATE_LIMIT: '0' });
    // The document does not depend on the key that seals provider secrets: any key will do.
    const app = await buildApp({
      config,
      database,
      logger: createLogger('silent'),
      masterKey: randomBytes(32),
    });
    await app.ready();
    const document = app.swagger();
    await app.close();
    return document;
  } finally {
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Writes the document as JSON, two-space indented, so a change reads well in a diff. */
export async function writeOpenApi(file: string): Promise<void> {
  const document = await exportOpenApi();
  fs.writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeOpenApi(path.resolve(process.argv[2] ?? path.join(clientRoot, 'openapi.json')));
}
