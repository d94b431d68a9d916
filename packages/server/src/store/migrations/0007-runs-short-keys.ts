import { type Kysely, sql } from 'kysely';
import { hasRowLocks } from '../has-row-locks.js';

// SQLite neither deduplicates nor prefix-compresses index keys, so each index on runs
// repeated whole 30-character ids. It now keys them short:
// - `runs_account` on the account id's last eight characters (40 random bits of its ULID),
//   then the run id, for the listing newest first;
// - `runs_event` on the event id's last eight characters alone;
// - `runs_entity_active` on the entity id alone, still for active runs only.
// Queries name the same expressions and keep their full-id conditions, checked on the rows
// (runs-store.ts `shortKey`), so a shared key costs a row read, never a wrong answer.
// `npm run bench -- --only waits`, 200,000 waiting runs: 87.9 MiB (runs_account 15.3,
// runs_event 15.3, runs_entity_active 10.2) against a bare table with the due index of
// 45.6 MiB, 1.93×, became 64.6 MiB (10.4, 3.7, 3.5), 1.42×.
// NOTE: a bare `account_id = ?` no longer matches `runs_account`, so SQLite's planner, which
// has no statistics here, cannot prefer it over the event or entity index (see 0005).
// PostgreSQL deduplicates B-tree keys and keeps its indexes (1.47×).
export async function up(db: Kysely<unknown>): Promise<void> {
  if (hasRowLocks(db)) return;
  await db.schema.dropIndex('runs_account').execute();
  await db.schema.dropIndex('runs_event').execute();
  await db.schema.dropIndex('runs_entity_active').execute();
  await sql`create index runs_account on runs (substr(account_id, -8), id)`.execute(db);
  await sql`create index runs_event on runs (substr(event_id, -8))`.execute(db);
  await db.schema
    .createIndex('runs_entity_active')
    .on('runs')
    .column('entity_id')
    .where(sql.ref('status'), 'in', ['scheduled', 'waiting'])
    .execute();
}
