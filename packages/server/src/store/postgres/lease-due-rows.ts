import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../database.js';

/**
 * PostgreSQL: leases up to `limit` due messages or runs, in order, to `owner`, counting an
 * attempt, and returns them: one call of the function migration 0008 defines.
 *
 * Why a function: its claim runs with bitmap scans off. With statistics that say few rows are
 * due (a table never analyzed, or analyzed while quiet), the planner preferred reading every
 * due row through a bitmap scan and sorting them to a walk of the due index in order that
 * stops after `limit`: during a backlog each claim of 50 read all of it (auto_explain in the
 * delivery bench: 9,500 due messages per claim, 12 ms), so draining a backlog cost its size
 * squared (packages/server/test/claim-limit.test.ts). The function is PL/pgSQL planned for
 * each call's values: the statement of a SQL function is planned for any values, and for an
 * unknown limit it read the whole table to join the UPDATE (127 ms a claim among 200,000
 * pending waits).
 *
 * Inside, the due rows are locked in a MATERIALIZED CTE, read once, and updated by id. As
 * `id in (subquery … limit … for update skip locked)` the planner may rescan the subquery
 * for each row of the outer scan, and since each rescan skips the rows just leased, it
 * claimed far more than the limit (2,850 of 3,000 for a limit of 50). The rows stay locked
 * from their selection to the commit, so the UPDATE need not test their status again.
 */
export async function leaseDueRows<T extends 'messages' | 'runs'>(
  db: Kysely<Database>,
  table: T,
  owner: string,
  now: number,
  leaseUntil: number,
  limit: number,
): Promise<Selectable<Database[T]>[]> {
  const lease = sql.id(`emivoy_lease_due_${table}`);
  const result = await sql<Selectable<Database[T]>>`
    select * from ${lease}(${owner}, ${now}, ${leaseUntil}, ${limit})`.execute(db);
  return result.rows;
}
