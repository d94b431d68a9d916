import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  type DatabaseHandle,
  type Dialect,
  migrateToLatest,
  openDatabase,
} from '../../src/store/open-database.js';

/**
 * The databases every storage and API test runs on: SQLite always, PostgreSQL when
 * EMIVOY_TEST_DATABASE_URL names a server (`.ci/run` always sets it).
 */
export function testDialects(): Dialect[] {
  return process.env.EMIVOY_TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestDatabase {
  handle: DatabaseHandle;
  /** What to pass as DATABASE_URL / EMIVOY_DATA_DIR to a child process using the same database. */
  databaseUrl: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own, so test files can run in parallel. */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'emivoy-test-'));
  const databaseUrl = dialect === 'postgres' ? await createPostgresDatabase() : undefined;
  const handle = openDatabase({ databaseUrl, dataDir });
  await migrateToLatest(handle.db);

  return {
    handle,
    databaseUrl,
    dataDir,
    drop: async () => {
      await handle.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (databaseUrl) await dropPostgresDatabase(databaseUrl);
    },
  };
}

async function adminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.EMIVOY_TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function createPostgresDatabase(): Promise<string> {
  const name = `emivoy_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(process.env.EMIVOY_TEST_DATABASE_URL ?? '');
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Drops politely first: `with (force)` kills backends whose clients may still be saying
 * goodbye, and pg then reports the FATAL on a client nobody listens to any more.
 */
async function dropPostgresDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      await adminQuery(`drop database if exists ${name}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006') throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await adminQuery(`drop database if exists ${name} with (force)`);
}
