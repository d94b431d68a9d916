import { CompiledQuery, type Kysely } from 'kysely';
import { BatchPerTurn } from '../batch-per-turn.js';
import type { Database } from '../database.js';
import type { EventRow } from '../events-store.js';
import type { RunRow } from '../runs-store.js';
import { usagePeriod } from '../usage-store.js';
import { preparedOnPostgres } from './prepared-statements.js';

/**
 * Ingest on PostgreSQL in ONE statement for all the events that arrived in one turn of the
 * event loop: one round trip and one commit for the lot, each event still all or nothing.
 *
 * For each event, `checked` reads what its request assumed: the entity exists, the
 * account's enabled policies for the type are exactly those it matched (by id and version,
 * which fix the definitions), and no policy version mentions a cancel on the type. The
 * events that pass (`go`) are counted per account and month (`wanted`); an account's count
 * is raised only if all of them fit its limit (`quota`), else none of its events is stored
 * and each is tried again alone, where the same statement decides exactly which fit. Then
 * the events that may go (`allowed`: test-mode ones, and live ones counted) are inserted
 * with their runs, and workers are told at commit. All CTEs see one snapshot, so the checks
 * hold for the rows written beside them; a refused event writes nothing.
 *
 * Written as SQL text, prepared once per connection: the events come as arrays, and every
 * lookup is by key.
 */
const statement = preparedOnPostgres(`
with ev as (
  select * from unnest(
    $1::text[], $2::text[], $3::boolean[], $4::int[], $5::text[], $6::text[], $7::text[],
    $8::text[], $9::int[], $10::bigint[], $11::text[], $12::int[]
  ) with ordinality as e(account_id, period, counted, month_limit, id, event_type, entity_id,
    data, livemode, created_at, cancel_rule_text, policy_count, idx)
),
expected as (
  select * from unnest($13::int[], $14::text[], $15::int[]) as x(idx, policy_id, version)
),
checked as (
  select ev.*,
    exists (select 1 from entities as en
      where en.account_id = ev.account_id and en.external_id = ev.entity_id) as entity_found,
    (select count(*) from policies as p
      where p.account_id = ev.account_id and p.event_type = ev.event_type and p.enabled = 1)
      = ev.policy_count
      and (select count(*) from policies as p
        inner join expected as x on x.policy_id = p.id and x.version = p.version
        where x.idx = ev.idx and p.account_id = ev.account_id
          and p.event_type = ev.event_type and p.enabled = 1)
      = ev.policy_count as policies_known,
    exists (select 1 from policy_versions as v
      where v.account_id = ev.account_id
        and strpos(v.definition, ev.cancel_rule_text) > 0) as may_cancel
  from ev
),
go as (
  select * from checked where entity_found and policies_known and not may_cancel
),
wanted as (
  select account_id, period, min(month_limit) as month_limit, count(*)::int as events
  from go where counted
  group by account_id, period
),
quota as (
  insert into usage_counters as u (account_id, period, events)
  select account_id, period, events from wanted
  where month_limit is null or events <= month_limit
  order by account_id
  on conflict (account_id, period) do update set events = u.events + excluded.events
    where u.events + excluded.events <= coalesce((select w.month_limit from wanted as w
      where w.account_id = u.account_id and w.period = u.period), 2147483647)
  returning account_id, period
),
allowed as (
  select go.* from go where not go.counted
  union all
  select go.* from go
  inner join quota as q on q.account_id = go.account_id and q.period = go.period
  where go.counted
),
stored as (
  insert into events (id, account_id, event_type, entity_id, data, livemode, created_at)
  select id, account_id, event_type, entity_id, data, livemode, created_at from allowed
  returning id
),
started as (
  insert into runs (id, account_id, policy_id, policy_version, event_id, entity_id, livemode,
    status, step_index, wake_at, attempts, created_at, updated_at)
  select r.id, a.account_id, r.policy_id, r.version, a.id, a.entity_id, a.livemode,
    'scheduled', 0, a.created_at, 0, a.created_at, a.created_at
  from allowed as a
  inner join unnest($16::int[], $17::text[], $18::text[], $19::int[])
    as r(idx, id, policy_id, version) on r.idx = a.idx
  returning 1
),
notified as (select pg_notify($20, '') from started limit 1)
select c.entity_found, c.policies_known, c.may_cancel,
  exists (select 1 from stored as s where s.id = c.id) as stored,
  (select count(*) from notified)::int as notified
from checked as c
order by c.idx`);

export interface EventAtOnce {
  event: EventRow;
  /**
   * The runs it starts, from `newRunRows`: scheduled at step 0 and due at the event's time,
   * which is what the statement writes besides their ids, policies and versions.
   */
  runs: RunRow[];
  /** Every enabled policy of the account for the event's type, as the caller matched them. */
  policies: Array<{ id: string; version: number }>;
  /** Text whose presence in a policy version means the event may cancel runs. */
  cancelRuleText: string;
  /** Live events count against the month: the account's limit, null for unlimited. */
  quota: { limit: number | null } | null;
  /** The channel workers listen on. */
  channel: string;
}

/** What became of an event: only `stored` wrote anything. */
export type AtOnceOutcome =
  | 'stored'
  | 'entity_not_found'
  | 'quota_exceeded'
  /** The policies were not the ones given: read them again. */
  | 'policies_changed'
  /** Runs may have to be cancelled: take the path that scans them. */
  | 'may_cancel';

/** In a batch, `quota_exceeded` may only mean that its account's events did not all fit. */
type BatchOutcome = AtOnceOutcome | 'try_alone';

interface CheckedRow {
  entity_found: boolean;
  policies_known: boolean;
  may_cancel: boolean;
  stored: boolean;
}

/** Stores the event with the others of this turn; see `statement`. */
export async function insertEventAtOnce(
  db: Kysely<Database>,
  event: EventAtOnce,
): Promise<AtOnceOutcome> {
  const outcome = await batchOf(db).call(event);
  if (outcome instanceof Error) throw outcome;
  if (outcome !== 'try_alone') return outcome;

  const [alone] = await insertEvents(db, [event]);
  return alone === 'try_alone' || alone === undefined ? 'quota_exceeded' : alone;
}

const batches = new WeakMap<Kysely<Database>, BatchPerTurn<EventAtOnce, BatchOutcome | Error>>();

function batchOf(db: Kysely<Database>): BatchPerTurn<EventAtOnce, BatchOutcome | Error> {
  let batch = batches.get(db);
  if (!batch) {
    // One statement at a time: each one holds its accounts' usage rows until it commits.
    batch = new BatchPerTurn((events) => insertBatch(db, events), { inFlight: 1 });
    batches.set(db, batch);
  }
  return batch;
}

/**
 * The batch, or, when its statement fails, each event alone: one event that cannot be
 * stored (its account deleted meanwhile) fails its own request, not the others'.
 */
async function insertBatch(
  db: Kysely<Database>,
  events: EventAtOnce[],
): Promise<Array<BatchOutcome | Error>> {
  try {
    return await insertEvents(db, events);
  } catch (error) {
    if (events.length === 1) return [asError(error)];
    return Promise.all(
      events.map((event) =>
        insertEvents(db, [event]).then(
          ([outcome]) => outcome ?? new Error('no answer for an event'),
          asError,
        ),
      ),
    );
  }
}

async function insertEvents(db: Kysely<Database>, events: EventAtOnce[]): Promise<BatchOutcome[]> {
  const { rows } = await db.executeQuery<CheckedRow>(
    CompiledQuery.raw(statement, parametersOf(events)),
  );
  return rows.map((row): BatchOutcome => {
    if (!row.entity_found) return 'entity_not_found';
    if (row.may_cancel) return 'may_cancel';
    if (!row.policies_known) return 'policies_changed';
    if (row.stored) return 'stored';
    // Alone, the statement counted this event only: its account's limit refused it.
    return events.length === 1 ? 'quota_exceeded' : 'try_alone';
  });
}

/** The statement's parameters: one array per column; `idx` numbers events from 1. */
function parametersOf(events: EventAtOnce[]): unknown[] {
  const column = <T>(pick: (event: EventAtOnce) => T) => events.map(pick);
  const expected = events.flatMap(({ policies }, index) =>
    policies.map((policy) => ({ idx: index + 1, ...policy })),
  );
  const runs = events.flatMap(({ runs }, index) => runs.map((run) => ({ idx: index + 1, run })));
  return [
    column(({ event }) => event.account_id),
    column(({ event }) => usagePeriod(event.created_at)),
    column(({ quota }) => quota !== null),
    column(({ quota }) => quota?.limit ?? null),
    column(({ event }) => event.id),
    column(({ event }) => event.event_type),
    column(({ event }) => event.entity_id),
    column(({ event }) => event.data),
    column(({ event }) => event.livemode),
    column(({ event }) => event.created_at),
    column(({ cancelRuleText }) => cancelRuleText),
    column(({ policies }) => policies.length),
    expected.map(({ idx }) => idx),
    expected.map(({ id }) => id),
    expected.map(({ version }) => version),
    runs.map(({ idx }) => idx),
    runs.map(({ run }) => run.id),
    runs.map(({ run }) => run.policy_id),
    runs.map(({ run }) => run.policy_version),
    events[0]?.channel ?? '',
  ];
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
