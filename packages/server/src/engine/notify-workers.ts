import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../store/database.js';
import { hasRowLocks } from '../store/has-row-locks.js';

/** The PostgreSQL channel on which work is announced to every worker process. */
export const workChannel = 'emivoy_work';

/**
 * Tells workers in other processes that work is due, from inside the transaction that made
 * it: PostgreSQL delivers the notification at commit, and drops it on rollback. Call it once
 * per transaction; listeners coalesce. SQLite has one server process, woken in-process.
 */
export async function notifyWorkers(trx: Kysely<Database>): Promise<void> {
  if (!hasRowLocks(trx)) return;
  await sql`select pg_notify(${workChannel}, '')`.execute(trx);
}
