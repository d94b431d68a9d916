import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { hasRowLocks } from './has-row-locks.js';
import { activeRunStatuses, type RunRow } from './runs-store.js';

/**
 * Locks, inside the caller's transaction, those of `runIds` that are still active and leased
 * to `owner`, and returns them. On PostgreSQL a run whose row another transaction holds (a
 * cancel under way) is skipped rather than waited for: a transaction that holds several runs
 * must never wait for one more, or it could deadlock with a cancel taking them in another
 * order. The caller advances what was skipped on its own.
 */
export async function lockLeasedRuns(
  trx: Kysely<Database>,
  runIds: string[],
  owner: string,
  now: number,
): Promise<RunRow[]> {
  if (runIds.length === 0) return [];
  let lock = trx
    .updateTable('runs')
    .set({ updated_at: now })
    .where('id', 'in', runIds)
    .where('lease_owner', '=', owner)
    .where('status', 'in', activeRunStatuses);
  if (hasRowLocks(trx)) {
    lock = lock.where('id', 'in', (eb) =>
      eb.selectFrom('runs').select('id').where('id', 'in', runIds).forUpdate().skipLocked(),
    );
  }
  return lock.returningAll().execute();
}
