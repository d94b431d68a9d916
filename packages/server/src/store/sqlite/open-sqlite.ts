import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Database } from '../database.js';
import { GroupCommitDialect } from './group-commit-dialect.js';
import { SqliteStatements } from './sqlite-statements.js';

/** The SQLite file inside a data directory. */
export function sqliteFile(dataDir: string): string {
  return path.join(dataDir, 'emivoy.sqlite');
}

/**
 * Opens the file with two connections: the writer, whose commits are shared among
 * concurrent requests (group-commit.ts), and a reader for reads outside transactions.
 */
export function openSqlite(file: string): { db: Kysely<Database>; close: () => Promise<void> } {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const writer = new SqliteDatabase(file);

  // WAL lets readers and one writer work at once, including a short-lived
  // `emivoy accounts create` beside a running server. synchronous=FULL fsyncs every commit,
  // so an acknowledged event survives a power cut and not only a crash.
  writer.pragma('journal_mode = WAL');
  writer.pragma('synchronous = FULL');
  writer.pragma('busy_timeout = 5000');
  writer.pragma('foreign_keys = ON');

  // Opened after the writer has put the file in WAL mode. query_only makes any write
  // through it an error rather than a second writer.
  const reader = new SqliteDatabase(file);
  reader.pragma('busy_timeout = 5000');
  reader.pragma('query_only = ON');

  const dialect = new GroupCommitDialect({
    writer: new SqliteStatements(writer),
    reader: new SqliteStatements(reader),
  });
  const db = new Kysely<Database>({ dialect });
  return {
    db,
    close: async () => {
      // Commits what is open; Kysely skips its driver when no query ever ran.
      await db.destroy();
      for (const connection of [reader, writer]) if (connection.open) connection.close();
    },
  };
}
