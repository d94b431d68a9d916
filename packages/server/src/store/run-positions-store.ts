import type { Kysely } from 'kysely';
import type { Database, RunStatus } from './database.js';
import { hasRowLocks } from './has-row-locks.js';
import { storeRunPositionsAtOnce } from './postgres/store-run-positions-at-once.js';
import { storeRunPositionsFromJson } from './sqlite/store-run-positions-from-json.js';

/** Where one run stands after an advance, to be written on its row. */
export interface RunPositionChange {
  id: string;
  account_id: string;
  status: RunStatus;
  step_index: number;
  wake_at: number;
  last_error: string | null;
  ended_at: number | null;
}

/**
 * Writes where several runs stand after an advance and gives up their leases, in one
 * statement of fixed text whatever their number (prepared once per connection). Each row
 * is found by its id within its account.
 */
export async function storeRunPositions(
  db: Kysely<Database>,
  positions: RunPositionChange[],
  now: number,
): Promise<void> {
  if (positions.length === 0) return;
  if (hasRowLocks(db)) await storeRunPositionsAtOnce(db, positions, now);
  else await storeRunPositionsFromJson(db, positions, now);
}
