import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import type { RunPositionChange } from '../run-positions-store.js';

/**
 * Runs' new positions on SQLite (UPDATE … FROM, SQLite 3.33 or later), the rows as one
 * JSON array of arrays: one text for any number of runs, prepared once per connection.
 */
const statement = `
update runs
set status = i.status, step_index = i.step_index, wake_at = i.wake_at,
  last_error = i.last_error, lease_owner = null, lease_until = null, updated_at = ?,
  ended_at = i.ended_at
from (
  select value ->> 0 as id, value ->> 1 as account_id, value ->> 2 as status,
    value ->> 3 as step_index, value ->> 4 as wake_at, value ->> 5 as last_error,
    value ->> 6 as ended_at
  from json_each(?)
) as i
where runs.id = i.id and runs.account_id = i.account_id`;

export async function storeRunPositionsFromJson(
  db: Kysely<Database>,
  positions: RunPositionChange[],
  now: number,
): Promise<void> {
  const rows = positions.map((p) => [
    p.id,
    p.account_id,
    p.status,
    p.step_index,
    p.wake_at,
    p.last_error,
    p.ended_at,
  ]);
  await db.executeQuery(CompiledQuery.raw(statement, [now, JSON.stringify(rows)]));
}
