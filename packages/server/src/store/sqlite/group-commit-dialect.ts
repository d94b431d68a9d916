import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { GroupCommit, type Unit } from './group-commit.js';
import type { SqliteStatements } from './sqlite-statements.js';

/**
 * Kysely over two connections to one SQLite file: every write goes through the writer's
 * group commit (group-commit.ts), and reads outside a transaction go to a second,
 * read-only connection. In WAL mode that reader sees the last commit and never waits for
 * the writer, so authentication and GET routes are not queued behind a batch being written.
 * Reads inside a transaction stay on the writer, where they see the transaction's own work.
 */
export class GroupCommitDialect implements Dialect {
  readonly #writer: SqliteStatements;
  readonly #reader: SqliteStatements;

  constructor(connections: { writer: SqliteStatements; reader: SqliteStatements }) {
    this.#writer = connections.writer;
    this.#reader = connections.reader;
  }

  createDriver(): Driver {
    return new GroupCommitDriver(new GroupCommit(this.#writer), this.#reader);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

class GroupCommitDriver implements Driver {
  readonly #groupCommit: GroupCommit;
  readonly #reader: SqliteStatements;

  constructor(groupCommit: GroupCommit, reader: SqliteStatements) {
    this.#groupCommit = groupCommit;
    this.#reader = reader;
  }

  async init(): Promise<void> {}

  /** Nothing to wait for here: a session takes the writer only when it writes. */
  async acquireConnection(): Promise<DatabaseConnection> {
    return new Session(this.#groupCommit, this.#reader);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await sessionOf(connection).begin();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await sessionOf(connection).commit();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await sessionOf(connection).rollback();
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await runSavepointCommand(connection, 'savepoint', name);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await runSavepointCommand(connection, 'rollback to', name);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await runSavepointCommand(connection, 'release', name);
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    await this.#groupCommit.close();
    this.#reader.connection.close();
  }
}

/** What Kysely calls a connection: one query, or one transaction, of one caller. */
class Session implements DatabaseConnection {
  readonly #groupCommit: GroupCommit;
  readonly #reader: SqliteStatements;
  #unit: Unit | null = null;

  constructor(groupCommit: GroupCommit, reader: SqliteStatements) {
    this.#groupCommit = groupCommit;
    this.#reader = reader;
  }

  async begin(): Promise<void> {
    this.#unit = await this.#groupCommit.begin();
  }

  async commit(): Promise<void> {
    const unit = this.#unit;
    this.#unit = null;
    if (unit) await this.#groupCommit.commit(unit);
  }

  async rollback(): Promise<void> {
    const unit = this.#unit;
    this.#unit = null;
    if (unit) await this.#groupCommit.rollback(unit);
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const { sql: sqlText, parameters } = compiled;
    if (this.#unit) return this.#groupCommit.execute<R>(this.#unit, sqlText, parameters);
    if (this.#isRead(compiled)) return this.#reader.execute<R>(sqlText, parameters);

    // A write outside a transaction is a unit of its own, answered once durable.
    const unit = await this.#groupCommit.begin();
    let result: QueryResult<R>;
    try {
      result = this.#groupCommit.execute<R>(unit, sqlText, parameters);
    } catch (error) {
      await this.#groupCommit.rollback(unit);
      throw error;
    }
    await this.#groupCommit.commit(unit);
    return result;
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // Rows are read at once: an open iterator would keep its connection busy for others.
    const { rows } = await this.executeQuery<R>(compiled);
    for (const row of rows) yield { rows: [row] };
  }

  /** SELECTs, and raw `select …` text that SQLite confirms cannot write. */
  #isRead(compiled: CompiledQuery): boolean {
    if (compiled.query.kind === 'SelectQueryNode') return true;
    if (compiled.query.kind !== 'RawNode') return false;
    return /^\s*select\b/i.test(compiled.sql) && this.#reader.isReadOnly(compiled.sql);
  }
}

function sessionOf(connection: DatabaseConnection): Session {
  if (!(connection instanceof Session)) throw new Error('not a connection of this SQLite driver');
  return connection;
}

/** Savepoints of a Kysely transaction, nested inside the savepoint of its unit. */
async function runSavepointCommand(
  connection: DatabaseConnection,
  command: 'savepoint' | 'rollback to' | 'release',
  name: string,
): Promise<void> {
  const quoted = `"${name.replaceAll('"', '""')}"`;
  await connection.executeQuery(CompiledQuery.raw(`${command} ${quoted}`));
}
