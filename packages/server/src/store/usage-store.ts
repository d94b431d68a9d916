import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { preparedQuery } from './prepared-query.js';

/** The calendar month (UTC) a time falls in, as `2026-12`. */
export function usagePeriod(now: number): string {
  return new Date(now).toISOString().slice(0, 7);
}

/**
 * Counts one live event against the month's limit, inside the caller's transaction. Returns
 * false, changing nothing, when the limit is reached. One statement: the upsert locks the
 * month's row (PostgreSQL) or holds the only writer (SQLite), and its WHERE re-checks the
 * count it is about to raise, so concurrent requests cannot overshoot.
 */
export async function reserveEventQuota(
  trx: Kysely<Database>,
  accountId: string,
  limit: number | null,
  now: number,
): Promise<boolean> {
  // A new row would start at 1 without meeting the WHERE: a limit of 0 must not get there.
  if (limit !== null && limit <= 0) return false;

  const period = usagePeriod(now);
  const { rows } =
    limit === null
      ? await countEvent(trx, accountId, period)
      : await countEventWithin(trx, accountId, period, limit);
  return rows.length > 0;
}

const countEvent = preparedQuery((db, accountId: string, period: string) =>
  db
    .insertInto('usage_counters')
    .values({ account_id: accountId, period, events: 1 })
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'period'])
        .doUpdateSet((eb) => ({ events: eb('usage_counters.events', '+', 1) })),
    )
    .returning('events'),
);

const countEventWithin = preparedQuery((db, accountId: string, period: string, limit: number) =>
  db
    .insertInto('usage_counters')
    .values({ account_id: accountId, period, events: 1 })
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'period'])
        .doUpdateSet((eb) => ({ events: eb('usage_counters.events', '+', 1) }))
        .where('usage_counters.events', '<', limit),
    )
    .returning('events'),
);

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
