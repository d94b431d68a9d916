import type { Kysely } from 'kysely';
import type { Database } from './database.js';

/** The calendar month (UTC) a time falls in, as `2026-12`. */
export function usagePeriod(now: number): string {
  return new Date(now).toISOString().slice(0, 7);
}

/**
 * Counts one live event against the month's limit, inside the caller's transaction. Returns
 * false, changing nothing, when the limit is reached. The conditional UPDATE is what makes
 * concurrent requests unable to overshoot: each waits for the row and re-checks it.
 */
export async function reserveEventQuota(
  trx: Kysely<Database>,
  accountId: string,
  limit: number | null,
  now: number,
): Promise<boolean> {
  const period = usagePeriod(now);
  await trx
    .insertInto('usage_counters')
    .values({ account_id: accountId, period, events: 0 })
    .onConflict((oc) => oc.columns(['account_id', 'period']).doNothing())
    .execute();

  let update = trx
    .updateTable('usage_counters')
    .set((eb) => ({ events: eb('events', '+', 1) }))
    .where('account_id', '=', accountId)
    .where('period', '=', period);
  if (limit !== null) update = update.where('events', '<', limit);

  const result = await update.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function eventsThisPeriod(
  db: Kysely<Database>,
  accountId: string,
  now: number,
): Promise<number> {
  const row = await db
    .selectFrom('usage_counters')
    .select('events')
    .where('account_id', '=', accountId)
    .where('period', '=', usagePeriod(now))
    .executeTakeFirst();
  return row?.events ?? 0;
}
