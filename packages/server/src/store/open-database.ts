import type { Kysely } from 'kysely';
import { Migrator } from 'kysely';
import type { Database } from './database.js';
import { migrationProvider } from './migrations/index.js';
import { openPostgres } from './postgres/open-postgres.js';
import { openSqlite, sqliteFile } from './sqlite/open-sqlite.js';

export type Dialect = 'sqlite' | 'postgres';

/** An open database: the query builder, which kind it is, and how to close it. */
export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where it is, for logs: the SQLite file, or the PostgreSQL URL without its password. */
  location: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
}

export function openDatabase(options: OpenDatabaseOptions): DatabaseHandle {
  const url = options.databaseUrl;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const { db, close } = openPostgres(url);
    return { db, dialect: 'postgres', location: redactPassword(url), close };
  }
  if (url) {
    throw new Error(
      `DATABASE_URL must start with postgres:// or postgresql://, got "${redactPassword(url)}"`,
    );
  }

  const file = sqliteFile(options.dataDir);
  const { db, close } = openSqlite(file);
  return { db, dialect: 'sqlite', location: file, close };
}

export function redactPassword(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** Brings the schema up to date; returns the names of the migrations it applied. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    migrationTableName: 'emivoy_migrations',
    migrationLockTableName: 'emivoy_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;

  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
