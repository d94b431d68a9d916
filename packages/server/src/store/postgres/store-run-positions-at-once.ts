import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import type { RunPositionChange } from '../run-positions-store.js';
import { preparedOnPostgres } from './prepared-statements.js';

/** Runs' new positions on PostgreSQL, one array per column; prepared once per connection. */
const statement = preparedOnPostgres(`
update runs as r
set status = i.status, step_index = i.step_index, wake_at = i.wake_at,
  last_error = i.last_error, lease_owner = null, lease_until = null, updated_at = $8,
  ended_at = i.ended_at
from unnest(
  $1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[], $7::bigint[]
) as i(id, account_id, status, step_index, wake_at, last_error, ended_at)
where r.id = i.id and r.account_id = i.account_id`);

export async function storeRunPositionsAtOnce(
  db: Kysely<Database>,
  positions: RunPositionChange[],
  now: number,
): Promise<void> {
  const column = <K extends keyof RunPositionChange>(key: K) =>
    positions.map((position) => position[key]);
  await db.executeQuery(
    CompiledQuery.raw(statement, [
      column('id'),
      column('account_id'),
      column('status'),
      column('step_index'),
      column('wake_at'),
      column('last_error'),
      column('ended_at'),
      now,
    ]),
  );
}
