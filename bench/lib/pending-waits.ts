import { type Kysely, type RawBuilder, sql } from 'kysely';
import { newId } from '../../packages/server/src/ids.js';
import type { Database } from '../../packages/server/src/store/database.js';
import type { EmivoyInstance } from './emivoy-instance.js';
import { progress } from './progress.js';
import { eventType, type ScenarioOptions } from './scenario.js';

/** The policy every wait of the bench belongs to: wait an hour, then one email. */
export function waitThenEmail(entities: number): ScenarioOptions {
  return {
    entities,
    steps: (templateId) => [
      { type: 'wait', duration: '1h' },
      { type: 'send_email', template_id: templateId },
    ],
  };
}

/** Where the waits come from: the account and policy of a scenario "wait, then send_email". */
export interface WaitOwner {
  accountId: string;
  policyId: string;
  policyVersion: number;
  /** The entities the scenario made (`acct_0` …): the waits are spread over them. */
  entities: number;
  livemode: boolean;
}

/** The account and policy of an instance set up with `waitThenEmail`. */
export async function waitOwnerOf(
  instance: EmivoyInstance,
  options: { entities: number; livemode: boolean },
): Promise<WaitOwner> {
  const policy = await instance.database.handle.db
    .selectFrom('policies')
    .select(['id', 'version'])
    .where('account_id', '=', instance.account.accountId)
    .executeTakeFirstOrThrow();
  return {
    accountId: instance.account.accountId,
    policyId: policy.id,
    policyVersion: policy.version,
    ...options,
  };
}

/** The ids of one batch: they share a prefix and sort as they were made. */
export interface WaitBatch {
  firstRunId: string;
  lastRunId: string;
  count: number;
}

/** Rows per statement: a transaction of its own, and a progress line. */
const chunkRows = 100_000;
/** Added to each row's number so every id has the same length (11 digits). */
const idBase = 10_000_000_000;

/**
 * Inserts `count` runs waiting at step 1 of the owner's policy (after its wait), each with
 * the event that started it, as the engine leaves them once the wait has started. Row i is
 * due at `firstDue + i × windowMs ÷ count`. The rows are made by the database itself
 * (a recursive CTE on SQLite, generate_series on PostgreSQL), 100,000 per statement.
 *
 * Ids are a real id's first 15 characters plus an 11-digit number: as long as Emivoy's, in
 * creation order, and a batch is the range between its first and last id.
 */
export async function insertPendingWaits(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  owner: WaitOwner,
  batch: { count: number; firstDue: number; windowMs: number },
): Promise<WaitBatch> {
  const runPrefix = newId('run').slice(0, 19);
  const eventPrefix = newId('evt').slice(0, 19);
  const createdAt = Date.now() - 3_600_000;
  for (let from = 0; from < batch.count; from += chunkRows) {
    const to = Math.min(from + chunkRows, batch.count) - 1;
    const rows = rowSource(dialect, from, to);
    const id = (prefix: string) => sql`${sql.lit(prefix)} || cast(${sql.lit(idBase)} + i as text)`;
    // scenario.ts `entityId`: acct_0, acct_1, …
    const entity = sql`'acct_' || cast(i % ${sql.lit(owner.entities)} as text)`;
    const livemode = sql.lit(owner.livemode ? 1 : 0);
    await sql`
      insert into events (id, account_id, event_type, entity_id, data, livemode, created_at)
      ${rows} select ${id(eventPrefix)}, ${sql.lit(owner.accountId)}, ${sql.lit(eventType)},
        ${entity}, ${eventData()}, ${livemode}, ${sql.lit(createdAt)}
      from n`.execute(db);
    await sql`
      insert into runs (id, account_id, policy_id, policy_version, event_id, entity_id,
        livemode, status, step_index, wake_at, lease_owner, lease_until, attempts,
        last_error, cancelled_by_event_id, created_at, updated_at, ended_at)
      ${rows} select ${id(runPrefix)}, ${sql.lit(owner.accountId)}, ${sql.lit(owner.policyId)},
        ${sql.lit(owner.policyVersion)}, ${id(eventPrefix)}, ${entity}, ${livemode},
        'waiting', 1,
        ${sql.lit(batch.firstDue)} + (i * ${sql.lit(batch.windowMs)}) / ${sql.lit(batch.count)},
        null, null, 1, null, null, ${sql.lit(createdAt)}, ${sql.lit(createdAt)}, null
      from n`.execute(db);
    if (batch.count > chunkRows) progress(`  ${to + 1} of ${batch.count} waits inserted`);
  }
  const last = (n: number) => `${runPrefix}${idBase + n}`;
  return { firstRunId: last(0), lastRunId: last(batch.count - 1), count: batch.count };
}

/** The numbers from..to as a relation `n(i)`, put before the SELECT that reads it. */
function rowSource(dialect: 'sqlite' | 'postgres', from: number, to: number): RawBuilder<unknown> {
  if (dialect === 'postgres') {
    return sql`with n(i) as (select generate_series(${sql.lit(from)}::bigint, ${sql.lit(to)}::bigint))`;
  }
  return sql`with recursive n(i) as (
    select ${sql.lit(from)} union all select i + 1 from n where i < ${sql.lit(to)})`;
}

/** The event's data as the bench's events carry it (scenario.ts `eventBody`), in SQL. */
function eventData(): RawBuilder<string> {
  const n = sql`cast(i as text)`;
  return sql`'{"invoice_id":"INV-' || ${n} || '","amount":1200,"days_overdue":7,"n":' || ${n} || '}'`;
}
