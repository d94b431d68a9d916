import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../database.js';

/** The SQLite file inside a data directory. */
export function sqliteFile(dataDir: string): string {
  return path.join(dataDir, 'emivoy.sqlite');
}

export function openSqlite(file: string): { db: Kysely<Database>; close: () => Promise<void> } {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const connection = new SqliteDatabase(file);

  // WAL lets readers and one writer work at once, including a short-lived
  // `emivoy accounts create` beside a running server. synchronous=FULL fsyncs every commit,
  // so an acknowledged event survives a power cut and not only a crash.
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = FULL');
  connection.pragma('busy_timeout = 5000');
  connection.pragma('foreign_keys = ON');

  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  return { db, close: () => db.destroy() };
}
