import type { Kysely } from 'kysely';
import { hasRowLocks } from '../has-row-locks.js';

// PostgreSQL finds the runs of an event by the event id alone: event ids are unique across
// accounts, so the account prefix of `runs_event` (account_id, event_id) bought nothing but
// ~35 bytes a run (`npm run bench -- --only waits`, 200,000 waiting runs: the runs table and
// its indexes went from 1.59× to 1.47× a bare table with the due index only). Queries keep
// their account_id condition, checked on the rows the index finds.
// NOTE: SQLite keeps the two-column index: without ANALYZE statistics its planner would
// prefer `runs_account` for `account_id = ? and event_id in (…)` and scan the account's runs.
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!hasRowLocks(db)) return;
  await db.schema.dropIndex('runs_event').execute();
  await db.schema.createIndex('runs_event').on('runs').column('event_id').execute();
}
