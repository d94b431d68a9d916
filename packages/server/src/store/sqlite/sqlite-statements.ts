import type SqliteDatabase from 'better-sqlite3';
import type { QueryResult } from 'kysely';

/** How many prepared statements one connection keeps; the server uses far fewer. */
const capacity = 500;

/**
 * One better-sqlite3 connection with its prepared statements kept by SQL text: preparing a
 * statement costs more than running it, and the queries of a server repeat.
 */
export class SqliteStatements {
  readonly #prepared = new Map<string, SqliteDatabase.Statement>();

  constructor(readonly connection: SqliteDatabase.Database) {}

  /** Runs one statement and answers as Kysely's own SQLite driver does. */
  execute<R>(sqlText: string, parameters: readonly unknown[]): QueryResult<R> {
    const statement = this.#statement(sqlText);
    if (statement.reader) return { rows: statement.all(parameters) as R[] };

    const { changes, lastInsertRowid } = statement.run(parameters);
    return {
      numAffectedRows: BigInt(changes),
      insertId: BigInt(lastInsertRowid),
      rows: [],
    };
  }

  /** Whether the statement can only read (SQLite's own verdict, not a guess from its text). */
  isReadOnly(sqlText: string): boolean {
    return this.#statement(sqlText).readonly;
  }

  #statement(sqlText: string): SqliteDatabase.Statement {
    const cached = this.#prepared.get(sqlText);
    if (cached) return cached;

    const statement = this.connection.prepare(sqlText);
    // NOTE: statements are never iterated, so one cached statement is never busy when
    // the next caller wants it (better-sqlite3 runs each to completion synchronously).
    if (this.#prepared.size >= capacity) {
      const oldest = this.#prepared.keys().next().value;
      if (oldest !== undefined) this.#prepared.delete(oldest);
    }
    this.#prepared.set(sqlText, statement);
    return statement;
  }
}
