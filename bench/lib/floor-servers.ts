import path from 'node:path';
import { createAccount } from '../../packages/server/src/store/accounts-store.js';
import { sqliteFile } from '../../packages/server/src/store/sqlite/open-sqlite.js';
import type { TestDatabase } from '../../packages/server/test/harness/test-database.js';
import { compileScript } from './compile-script.js';
import { type BenchProcess, freePort, repoRoot, startProcess, waitForReady } from './processes.js';
import { createBenchDatabase, type Dialect } from './scenario.js';

export type FloorKind = 'bare' | 'insert' | 'group-commit';

export interface FloorServer extends BenchProcess {
  url: string;
  readyAfterMs: number;
  database: TestDatabase | null;
  close(): Promise<void>;
}

let compiled: Promise<string> | null = null;

function floorScript(): Promise<string> {
  compiled ??= compileScript(path.join(repoRoot, 'bench/floors/floor-server.ts'));
  return compiled;
}

/**
 * A floor server in its own process: `bare` validates and answers; `insert` also inserts
 * the event into a migrated database of the given kind; `group-commit` (SQLite) shares one
 * commit among the inserts of one event-loop turn.
 */
export async function startFloorServer(
  kind: FloorKind,
  dialect: Dialect,
  postgresUrl: string,
): Promise<FloorServer> {
  const script = await floorScript();
  const database = kind === 'bare' ? null : await createBenchDatabase(dialect, postgresUrl);
  const env: Record<string, string> = { FLOOR_STORE: 'none' };
  if (database) {
    // The events table has a foreign key to accounts, as in Emivoy.
    const account = await createAccount(database.handle.db, 'Floor');
    env.FLOOR_ACCOUNT_ID = account.id;
    env.FLOOR_STORE = dialect;
    if (dialect === 'sqlite') env.FLOOR_SQLITE_FILE = sqliteFile(database.dataDir);
    else env.FLOOR_DATABASE_URL = database.databaseUrl as string;
    if (kind === 'group-commit') env.FLOOR_GROUP_COMMIT = '1';
  }

  const port = await freePort();
  const spawnedAt = performance.now();
  const handle = startProcess(`floor (${kind}, ${dialect})`, process.execPath, [script], {
    env: { ...env, PORT: String(port) },
  });
  const url = `http://127.0.0.1:${port}`;
  let readyAfterMs: number;
  try {
    readyAfterMs = (await waitForReady(handle, `${url}/readyz`)) - spawnedAt;
  } catch (error) {
    await handle.stop();
    await database?.drop();
    throw error;
  }
  return {
    ...handle,
    url,
    readyAfterMs,
    database,
    close: async () => {
      await handle.stop();
      await database?.drop();
    },
  };
}
