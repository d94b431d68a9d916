import { type Kysely, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import type { Database } from '../database.js';

/**
 * PostgreSQL: leases the rows `due` selects (due messages or runs, in order, up to its limit)
 * to `owner`, counting an attempt, and returns them. The due rows are locked in a
 * MATERIALIZED CTE, read once. Written as `id in (subquery … limit … for update skip
 * locked)`, the planner may rescan the subquery for each row of the outer scan, and since
 * each rescan skips the rows just leased, it claims far more than the limit (a scratch
 * database with 3,000 due messages and statistics from before they were queued: 2,850
 * claimed for a limit of 50; packages/server/test/claim-limit.test.ts). The rows stay
 * locked from their selection to the commit, so the UPDATE need not test their status again,
 * which also keeps the planner from reaching them through a partial due index.
 *
 * The lease runs with bitmap scans off (`set local`, so in a transaction of its own, or for
 * the rest of the caller's). With statistics taken while few rows were due, the planner
 * estimates a handful and prefers a bitmap scan of every due row and a sort to walking the
 * due index in order: during a backlog each claim of 50 then read and sorted all of it
 * (auto_explain in the delivery bench: 9,500 due messages read per claim, 12 ms, where the
 * ordered index scan stops after 50). A backlog drained that way costs its size squared.
 */
export async function leaseDueRows<T extends 'messages' | 'runs'>(
  db: Kysely<Database>,
  table: T,
  due: SelectQueryBuilder<Database, T, { id: string }>,
  owner: string,
  leaseUntil: number,
): Promise<Selectable<Database[T]>[]> {
  const lease = async (trx: Kysely<Database>) => {
    await sql`set local enable_bitmapscan = off`.execute(trx);
    const result = await sql<Selectable<Database[T]>>`
      with due as materialized (${due.forUpdate().skipLocked()})
      update ${sql.table(table)} as leased
      set lease_owner = ${owner}, lease_until = ${leaseUntil}, attempts = leased.attempts + 1
      from due
      where leased.id = due.id
      returning leased.*`.execute(trx);
    return result.rows;
  };
  return db.isTransaction ? lease(db) : db.transaction().execute(lease);
}
