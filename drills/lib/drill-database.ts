import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../packages/server/src/store/database.js';
import {
  type DatabaseHandle,
  type Dialect,
  migrateToLatest,
  openDatabase,
} from '../../packages/server/src/store/open-database.js';

/** The lease of every drill's workers: short, so a killed worker's claims free up quickly. */
export const drillLeaseMs = 3_000;

/** A fresh database for one drill, and the environment its emivoy processes run with. */
export interface DrillDatabase {
  handle: DatabaseHandle;
  dataDir: string;
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function createDrillDatabase(
  dialect: Dialect,
  where: {
    /** A PostgreSQL server to create a database of the drill's own on. */
    postgresServer?: string;
    /** Or a database to use as it is (a private cluster's). */
    databaseUrl?: string;
    /** Where SQLite (and the master key) live; default a new temporary directory. */
    dataDir?: string;
  },
): Promise<DrillDatabase> {
  const dataDir = where.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'emivoy-drill-'));
  const created =
    dialect === 'postgres' && !where.databaseUrl
      ? await createPostgresDatabase(where.postgresServer ?? '')
      : undefined;
  const databaseUrl = dialect === 'postgres' ? (where.databaseUrl ?? created) : undefined;
  const handle = databaseUrl ? ownPostgres(databaseUrl) : openDatabase({ databaseUrl, dataDir });
  await migrateToLatest(handle.db);

  return {
    handle,
    dataDir,
    env: {
      EMIVOY_DATA_DIR: dataDir,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      EMIVOY_MONTHLY_EVENT_LIMIT: 'unlimited',
      EMIVOY_RATE_LIMIT: '0',
      EMIVOY_WORKER_LEASE_MS: String(drillLeaseMs),
    },
    drop: async () => {
      await handle.close();
      if (!where.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      if (created) await dropPostgresDatabase(created);
    },
  };
}

/**
 * The drill's own connections to PostgreSQL, which survive the server going away (a drill
 * restarts it) whatever the server's code does: a dropped connection is replaced, not fatal.
 */
function ownPostgres(url: string): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', location: url, close: () => db.destroy() };
}

/** Null when PostgreSQL answers at `url`, else why not. */
export async function postgresUnreachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return `PostgreSQL is not reachable at ${url}: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function adminQuery(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function createPostgresDatabase(serverUrl: string): Promise<string> {
  const name = `emivoy_drill_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropPostgresDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  // Every process of the drill has ended; `force` only ends connections still saying goodbye.
  await adminQuery(url.toString(), `drop database if exists ${name} with (force)`);
}
