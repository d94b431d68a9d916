import { type Kysely, type RawBuilder, type Selectable, type SqlBool, sql } from 'kysely';
import { newId } from '../ids.js';
import type { Database, RunStatus, RunsTable } from './database.js';
import { findOwned } from './find-owned.js';
import { hasRowLocks } from './has-row-locks.js';
import { decodeCursor, type Page, toPage } from './pagination.js';
import { leaseDueRows } from './postgres/lease-due-rows.js';

export type RunRow = Selectable<RunsTable>;

export const activeRunStatuses: RunStatus[] = ['scheduled', 'waiting'];

/**
 * The active statuses written into the SQL rather than bound: SQLite uses a partial index
 * (`runs_due`, `runs_entity_active`: `where status in ('scheduled', 'waiting')`) only when the
 * query repeats that term, and a bound parameter does not. With parameters every claim read
 * every run: 138 ms with a million waiting (`npm run bench -- --only waits`), 0.1 ms without.
 */
export const activeStatusLiterals = activeRunStatuses.map((status) => sql.lit(status));

/**
 * The condition that reaches an SQLite index keyed by the last eight characters of an id
 * (migration 0007: `runs_account`, `runs_event`), with the same expression on both sides;
 * the query keeps its full-id condition, checked on the rows. `null` on PostgreSQL, whose
 * indexes hold whole ids.
 */
export function shortKeyOf(
  db: Kysely<Database>,
  column: 'account_id' | 'event_id',
  values: string | string[],
): RawBuilder<SqlBool> | null {
  if (hasRowLocks(db)) return null;
  const key = sql`substr(${sql.ref(`runs.${column}`)}, -8)`;
  if (typeof values === 'string') return sql<SqlBool>`${key} = substr(${values}, -8)`;
  const keys = values.map((value) => sql`substr(${value}, -8)`);
  return sql<SqlBool>`${key} in (${sql.join(keys)})`;
}

export interface NewRun {
  account_id: string;
  policy_id: string;
  policy_version: number;
  event_id: string;
  entity_id: string;
  livemode: boolean;
  /** When the first step is due: the event's time. */
  wake_at: number;
}

/** The rows of new runs: scheduled, at step 0, not leased. */
export function newRunRows(runs: NewRun[], now: number): RunRow[] {
  return runs.map((run) => ({
    id: newId('run', now),
    account_id: run.account_id,
    policy_id: run.policy_id,
    policy_version: run.policy_version,
    event_id: run.event_id,
    entity_id: run.entity_id,
    livemode: run.livemode ? 1 : 0,
    status: 'scheduled',
    step_index: 0,
    wake_at: run.wake_at,
    lease_owner: null,
    lease_until: null,
    attempts: 0,
    last_error: null,
    cancelled_by_event_id: null,
    created_at: now,
    updated_at: now,
    ended_at: null,
  }));
}

/** Inserts new runs (`newRunRows`) in one statement. */
export async function insertRuns(db: Kysely<Database>, rows: RunRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('runs').values(rows).execute();
}

export function findRun(
  db: Kysely<Database>,
  accountId: string,
  runId: string,
): Promise<RunRow | undefined> {
  return findOwned(db, 'runs', accountId, runId);
}

/** Active runs about one entity, with the data of the event that started each. */
export async function activeRunsForEntity(
  db: Kysely<Database>,
  accountId: string,
  entityId: string,
  livemode: boolean,
): Promise<Array<RunRow & { trigger_data: string; definition: string }>> {
  return db
    .selectFrom('runs')
    .innerJoin('events', 'events.id', 'runs.event_id')
    .innerJoin('policy_versions', (join) =>
      join
        .onRef('policy_versions.policy_id', '=', 'runs.policy_id')
        .onRef('policy_versions.version', '=', 'runs.policy_version'),
    )
    .selectAll('runs')
    .select(['events.data as trigger_data', 'policy_versions.definition'])
    .where('runs.account_id', '=', accountId)
    .where('runs.entity_id', '=', entityId)
    .where('runs.livemode', '=', livemode ? 1 : 0)
    .where('runs.status', 'in', activeStatusLiterals)
    .execute();
}

/**
 * Cancels active runs; returns the ids it cancelled. Runs that ended meanwhile stay as they
 * are, so a cancel never rewrites a run that completed.
 */
export async function cancelRuns(
  db: Kysely<Database>,
  runIds: string[],
  cause: { eventId: string | null; reason: string },
  now: number,
): Promise<string[]> {
  if (runIds.length === 0) return [];
  const rows = await db
    .updateTable('runs')
    .set({
      status: 'cancelled',
      cancelled_by_event_id: cause.eventId,
      last_error: cause.reason,
      lease_owner: null,
      lease_until: null,
      updated_at: now,
      ended_at: now,
    })
    .where('id', 'in', runIds)
    .where('status', 'in', activeRunStatuses)
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

/**
 * Leases up to `limit` due runs to `owner` until `leaseUntil`. On PostgreSQL concurrent
 * workers skip each other's locked rows instead of waiting; SQLite has one writer at a time,
 * so the same statement without the lock clause is already exclusive.
 */
export async function claimDueRuns(
  db: Kysely<Database>,
  owner: string,
  now: number,
  leaseUntil: number,
  limit: number,
): Promise<RunRow[]> {
  // PostgreSQL: the same conditions, with row locks, in a function (migration 0008).
  if (hasRowLocks(db)) return leaseDueRows(db, 'runs', owner, now, leaseUntil, limit);
  const due = db
    .selectFrom('runs')
    .select('id')
    .where('status', 'in', activeStatusLiterals)
    .where('wake_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .orderBy('wake_at')
    .limit(limit);
  // SQLite: a read (on the read connection) first, so a worker that finds nothing due does
  // not take the writer for an empty transaction at every look.
  if (!(await due.limit(1).executeTakeFirst())) return [];

  return db
    .updateTable('runs')
    .set((eb) => ({
      lease_owner: owner,
      lease_until: leaseUntil,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', 'in', due)
    .where('status', 'in', activeRunStatuses)
    .returningAll()
    .execute();
}

/** The earliest time any active run is due, to know how long a worker may sleep. */
export async function nextRunWake(db: Kysely<Database>): Promise<number | null> {
  const row = await db
    .selectFrom('runs')
    .select('wake_at')
    .where('status', 'in', activeStatusLiterals)
    .orderBy('wake_at')
    .limit(1)
    .executeTakeFirst();
  return row?.wake_at ?? null;
}

export interface RunFilters {
  limit: number;
  cursor?: string | undefined;
  status?: RunStatus | undefined;
  event_id?: string | undefined;
  policy_id?: string | undefined;
  entity_id?: string | undefined;
  livemode?: boolean | undefined;
  created_after?: number | undefined;
  created_before?: number | undefined;
}

export async function listRuns(
  db: Kysely<Database>,
  accountId: string,
  filters: RunFilters,
): Promise<Page<RunRow>> {
  let query = db.selectFrom('runs').selectAll().where('account_id', '=', accountId);
  // SQLite: the event's own index when there is an event, else the account's, by short key.
  // Only one of them is reachable, so the planner cannot take the account's for an event.
  const key = filters.event_id
    ? shortKeyOf(db, 'event_id', filters.event_id)
    : shortKeyOf(db, 'account_id', accountId);
  if (key) query = query.where(key);
  if (filters.cursor) query = query.where('id', '<', decodeCursor(filters.cursor));
  if (filters.status) query = query.where('status', '=', filters.status);
  if (filters.event_id) query = query.where('event_id', '=', filters.event_id);
  if (filters.policy_id) query = query.where('policy_id', '=', filters.policy_id);
  if (filters.entity_id) query = query.where('entity_id', '=', filters.entity_id);
  if (filters.livemode !== undefined)
    query = query.where('livemode', '=', filters.livemode ? 1 : 0);
  if (filters.created_after !== undefined)
    query = query.where('created_at', '>', filters.created_after);
  if (filters.created_before !== undefined)
    query = query.where('created_at', '<', filters.created_before);

  const rows = await query
    .orderBy('id', 'desc')
    .limit(filters.limit + 1)
    .execute();
  return toPage(rows, filters.limit, (row) => row);
}
