import { type Kysely, sql } from 'kysely';
import { hasRowLocks } from '../has-row-locks.js';

// PostgreSQL: the claims of due messages and due runs become functions that run with bitmap
// scans off (store/postgres/lease-due-rows.ts says why). A function's SET clause holds for
// its call only, so a claim stays one statement and one round trip; `set local` needed a
// transaction of its own (BEGIN, SET, claim, COMMIT: four round trips, and the delivery
// bench ran about 8% slower for them). PL/pgSQL, not SQL: PostgreSQL 15 plans the statement
// of a SQL function without its arguments' values, and for any limit it joined the UPDATE
// to the due rows by reading all of `runs` (200,000 pending waits: 127 ms a claim, against
// 2-4 ms); PL/pgSQL with force_custom_plan plans each call for its values, as a plain
// statement is. SQLite has no such planner choice and no functions.
// The conditions are those of the SQLite claims in messages-store.ts and runs-store.ts;
// a later change to either is a new migration that replaces the function.
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!hasRowLocks(db)) return;
  await leaseFunction('messages', "status = 'queued'", 'next_attempt_at').execute(db);
  await leaseFunction('runs', "status in ('scheduled', 'waiting')", 'wake_at').execute(db);
}

/**
 * `emivoy_lease_due_<table>`: the table's due rows (`active`, `dueAt` reached, no live lease)
 * in `dueAt` order, up to the limit, locked, leased to the owner and returned. The arguments
 * are fixed text of this file, never input.
 */
function leaseFunction(table: 'messages' | 'runs', active: string, dueAt: string) {
  return sql.raw(`
    create or replace function emivoy_lease_due_${table}(
      claim_owner text, claim_now bigint, claim_lease_until bigint, claim_limit integer
    ) returns setof ${table}
    language plpgsql volatile
    set enable_bitmapscan = off
    set plan_cache_mode = force_custom_plan
    as $$
    begin
      return query
      with due as materialized (
        select id from ${table}
        where ${active} and ${dueAt} <= claim_now
          and (lease_until is null or lease_until < claim_now)
        order by ${dueAt}
        limit claim_limit
        for update skip locked
      )
      update ${table} as leased
      set lease_owner = claim_owner, lease_until = claim_lease_until, attempts = leased.attempts + 1
      from due
      where leased.id = due.id
      returning leased.*;
    end
    $$`);
}
