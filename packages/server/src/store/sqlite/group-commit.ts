import type { QueryResult } from 'kysely';
import type { SqliteStatements } from './sqlite-statements.js';

/**
 * Group commit on the one SQLite writer connection.
 *
 * Why: with `synchronous=FULL` every COMMIT waits for the WAL to reach the disk, and
 * better-sqlite3 waits on the event loop. One COMMIT per request would cap the server at the
 * disk's fsync rate and stall every other request during each fsync. Instead the writer
 * keeps one SQLite transaction open while work arrives, and each unit of work (a Kysely
 * transaction, or a single write outside one) runs inside it as a SAVEPOINT:
 *
 * - A unit that succeeds is released into the shared transaction; one that fails is rolled
 *   back to its savepoint, so a refused request leaves nothing, whatever its neighbours do.
 * - A unit is answered only after the COMMIT that holds it has returned. With
 *   `synchronous=FULL` that COMMIT has fsynced the WAL, so a power cut can only lose work
 *   nobody was told is done: the same promise as one COMMIT per unit.
 * - The shared transaction commits on the next turn of the event loop after it opened
 *   (`setImmediate`), behind the units already waiting for the writer. A batch therefore
 *   holds what arrived while the previous one was being written: batches grow with the
 *   load, a lone request waits for no timer, and each batch costs one fsync.
 * - If SQLite aborts the shared transaction itself (disk full, I/O error), every unit in it
 *   fails, and none of them had been answered yet.
 * - A unit's failure is reported once its batch has settled too. Until then it may have seen
 *   others' work that the reader connection (reads outside transactions) does not show yet,
 *   and a caller that retries after re-reading would find the same stale state again.
 *
 * Units take turns on the writer (a FIFO lock): SQLite has one writer anyway, and a
 * savepoint belongs to the connection, not to an async caller.
 */
export class GroupCommit {
  readonly #writer: SqliteStatements;
  #locked = false;
  readonly #waiting: Array<() => void> = [];
  #batch: Batch | null = null;
  #closed = false;

  constructor(writer: SqliteStatements) {
    this.#writer = writer;
  }

  /** Waits for the writer, then opens a savepoint in the shared transaction. */
  async begin(): Promise<Unit> {
    await this.#lock();
    try {
      if (this.#closed) throw new Error('the SQLite database is closed');
      const batch = this.#batch ?? this.#openBatch();
      this.#writer.execute('savepoint emivoy_unit', []);
      return { batch, state: 'open' };
    } catch (error) {
      this.#unlock();
      throw error;
    }
  }

  /** Runs a statement of an open unit on the writer. */
  execute<R>(unit: Unit, sqlText: string, parameters: readonly unknown[]): QueryResult<R> {
    if (unit.state !== 'open' || unit.batch !== this.#batch) {
      throw new Error('this SQLite transaction was already ended or aborted');
    }
    try {
      return this.#writer.execute<R>(sqlText, parameters);
    } catch (error) {
      // Most errors end the statement only; a few make SQLite roll back everything.
      if (!this.#writer.connection.inTransaction) this.#failBatch(unit.batch, error);
      throw error;
    }
  }

  /** Releases the unit into the shared transaction; resolves once that has committed. */
  async commit(unit: Unit): Promise<void> {
    if (unit.state !== 'open') throw new Error('this SQLite transaction is not open');
    try {
      this.execute(unit, 'release emivoy_unit', []);
      unit.batch.released++;
    } finally {
      unit.state = 'ended';
      this.#unlock();
    }
    await unit.batch.durable;
  }

  /**
   * Undoes the unit alone; the rest of the batch goes on. Resolves once the batch has
   * committed or failed: a unit may have failed because of what it saw of the others' work
   * (a version already raised, a key already taken), and its caller may retry by reading
   * outside a transaction, from the reader, which shows that work only once committed.
   * A no-op once the unit has ended.
   */
  async rollback(unit: Unit): Promise<void> {
    if (unit.state !== 'open') return;
    unit.state = 'ended';
    try {
      if (unit.batch === this.#batch && this.#writer.connection.inTransaction) {
        this.#writer.execute('rollback to emivoy_unit', []);
        this.#writer.execute('release emivoy_unit', []);
      }
    } catch (error) {
      this.#failBatch(unit.batch, error);
    } finally {
      this.#unlock();
    }
    await unit.batch.settled;
  }

  /** Commits what is open, refuses new work and closes the writer. */
  async close(): Promise<void> {
    await this.#lock();
    try {
      if (this.#batch) this.#endBatch(this.#batch);
      this.#closed = true;
      this.#writer.connection.close();
    } finally {
      this.#unlock();
    }
  }

  #openBatch(): Batch {
    this.#writer.execute('begin immediate', []);
    const batch = newBatch();
    this.#batch = batch;
    setImmediate(() => void this.#commitLater(batch));
    return batch;
  }

  /** The batch's own turn on the writer, queued behind the units already waiting. */
  async #commitLater(batch: Batch): Promise<void> {
    await this.#lock();
    try {
      if (this.#batch === batch) this.#endBatch(batch);
    } finally {
      this.#unlock();
    }
  }

  #endBatch(batch: Batch): void {
    this.#batch = null;
    try {
      // A batch whose every unit was rolled back has nothing to make durable.
      this.#writer.execute(batch.released > 0 ? 'commit' : 'rollback', []);
      batch.resolve();
    } catch (error) {
      this.#rollbackAll();
      batch.reject(batchError(error));
    }
  }

  #failBatch(batch: Batch, cause: unknown): void {
    if (this.#batch !== batch) return;
    this.#batch = null;
    this.#rollbackAll();
    batch.reject(batchError(cause));
  }

  /** Ends what is left of a failed shared transaction; the first error is the one reported. */
  #rollbackAll(): void {
    try {
      if (this.#writer.connection.inTransaction) this.#writer.execute('rollback', []);
    } catch {
      // SQLite ends the transaction itself when it cannot roll back: nothing is left open.
    }
  }

  async #lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** Hands the writer to the next in line, who finds it still locked: no one can cut in. */
  #unlock(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#locked = false;
  }
}

/** A Kysely transaction or a single write, as a savepoint of a batch. */
export interface Unit {
  readonly batch: Batch;
  state: 'open' | 'ended';
}

interface Batch {
  /** Resolves when the shared transaction has committed (durably), rejects if it failed. */
  durable: Promise<void>;
  /** Resolves when the shared transaction has committed or failed. */
  settled: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
  /** Units released into it; none means there is nothing to commit. */
  released: number;
}

function newBatch(): Batch {
  let resolve: () => void = () => {};
  let reject: (error: Error) => void = () => {};
  const durable = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const settled = durable.catch(() => {});
  return { durable, settled, resolve, reject, released: 0 };
}

function batchError(cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new Error(`the shared SQLite transaction failed, nothing in it was kept: ${reason}`, {
    cause,
  });
}
