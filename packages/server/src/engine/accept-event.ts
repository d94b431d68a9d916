import type { Kysely } from 'kysely';
import { newId } from '../ids.js';
import type { Database } from '../store/database.js';
import { type EventRow, insertEvent } from '../store/events-store.js';
import { hasRowLocks } from '../store/has-row-locks.js';
import { recordIdempotentAnswer } from '../store/idempotency-store.js';
import { insertEventAtOnce } from '../store/postgres/insert-event-at-once.js';
import { appendRunLog } from '../store/run-log-store.js';
import { cancelRuns, insertRuns, newRunRows, type RunRow } from '../store/runs-store.js';
import { reserveEventQuota } from '../store/usage-store.js';
import {
  cancelRuleText,
  type EnabledPolicy,
  type MatchedEvent,
  policiesStartedBy,
  readEventContext,
  runsResolvedBy,
} from './event-matching.js';
import { KnownPolicies } from './known-policies.js';
import { notifyWorkers, workChannel } from './notify-workers.js';

export interface EventInput {
  event_type: string;
  entity_id: string;
  data: Record<string, unknown>;
}

/** A run an event started or cancelled, as the 202 answer lists it. */
export interface RunReference {
  run_id: string;
  policy_id: string;
  policy_version: number;
}

export interface AcceptedEvent {
  event: EventRow;
  runsStarted: RunReference[];
  runsCancelled: RunReference[];
}

export interface AcceptEventOptions {
  accountId: string;
  livemode: boolean;
  /** Events a month for this account, null for unlimited; only live events count. */
  monthlyLimit: number | null;
  now: number;
  /** Present when the request carries an Idempotency-Key: its answer commits with the event. */
  idempotency?: { key: string; requestHash: string } | undefined;
  /** The 202 answer's body, so it can be kept for replays. */
  present: (accepted: AcceptedEvent) => unknown;
  /**
   * Hands the runs the event started (all due now) to this process's worker. On PostgreSQL
   * it is called once they are committed: another connection sees nothing before. On SQLite
   * it is called at the end of the transaction, before its commit: the worker's advance of
   * those runs then joins the same shared commit (store/sqlite/group-commit.ts), so the
   * event and the messages of its first steps cost one fsync, not two, before the provider
   * call. Nothing is sent earlier: an advance delivers only after its commit, which is the
   * event's; if that commit fails, both are undone.
   */
  handOver?: ((runIds: string[]) => void) | undefined;
}

export type AcceptEventResult =
  | { outcome: 'accepted'; accepted: AcceptedEvent; body: unknown }
  | { outcome: 'entity_not_found' }
  | { outcome: 'quota_exceeded' };

/**
 * Ingest: the entity must exist and a live event must fit the month's quota; then the event
 * is stored, the runs it cancels are cancelled, one run starts per matching enabled policy,
 * and the idempotent answer is kept. All of it commits or none of it does: a refused event
 * leaves no trace, an accepted one is never lost, and a cancel is decided here,
 * synchronously, never raced by a worker.
 *
 * On PostgreSQL the usual event (no Idempotency-Key, no policy that could cancel on it) is
 * checked and written by one statement, shared with the other events of the same turn of
 * the event loop. Otherwise, and always on SQLite (where statements cost no round trip and
 * commits are shared among concurrent requests), it is one transaction.
 */
export async function acceptEvent(
  db: Kysely<Database>,
  input: EventInput,
  options: AcceptEventOptions,
): Promise<AcceptEventResult> {
  if (hasRowLocks(db) && !options.idempotency) {
    const result = await acceptAtOnce(db, input, options);
    if (result) {
      handOverStarted(result, options);
      return result;
    }
  }
  const result = await db.transaction().execute((trx) => acceptInTransaction(trx, input, options));
  if (hasRowLocks(db)) handOverStarted(result, options);
  return result;
}

function handOverStarted(result: AcceptEventResult, options: AcceptEventOptions): void {
  if (result.outcome !== 'accepted' || result.accepted.runsStarted.length === 0) return;
  options.handOver?.(result.accepted.runsStarted.map((run) => run.run_id));
}

async function acceptInTransaction(
  trx: Kysely<Database>,
  input: EventInput,
  options: AcceptEventOptions,
): Promise<AcceptEventResult> {
  const { accountId, livemode, now } = options;
  const context = await readEventContext(trx, matchedEvent(input, options));
  if (!context) return { outcome: 'entity_not_found' };

  if (livemode && !(await reserveEventQuota(trx, accountId, options.monthlyLimit, now))) {
    return { outcome: 'quota_exceeded' };
  }

  const event = newEventRow(input, options);
  await insertEvent(trx, event);

  // Cancel before starting: an event never cancels the runs it starts itself.
  const runsCancelled = context.mayCancel ? await cancelResolvedRuns(trx, event, input.data) : [];
  const runs = newRuns(event, policiesStartedBy(context.policies, input.data));
  await insertRuns(trx, runs);
  if (runs.length > 0) await notifyWorkers(trx);

  const accepted = { event, runsStarted: runs.map(runReference), runsCancelled };
  const body = options.present(accepted);
  if (options.idempotency) {
    const { key, requestHash } = options.idempotency;
    const response = { status: 202, body: JSON.stringify(body) };
    await recordIdempotentAnswer(trx, accountId, key, requestHash, response, now);
  }
  const result: AcceptEventResult = { outcome: 'accepted', accepted, body };
  // The last thing before the commit on SQLite (see `handOver`).
  if (!hasRowLocks(trx)) handOverStarted(result, options);
  return result;
}

/** The enabled policies this process last read, per account and event type. */
const knownPolicies = new KnownPolicies();

/**
 * PostgreSQL: one statement, given the policies this process already knows (read first
 * when it knows none, or when the statement finds them changed). Null when the transaction
 * must decide instead: some policy may cancel on this event type.
 */
async function acceptAtOnce(
  db: Kysely<Database>,
  input: EventInput,
  options: AcceptEventOptions,
): Promise<AcceptEventResult | null> {
  const { accountId } = options;
  const eventType = input.event_type;
  // Twice at most: a second change between reading and writing is left to the transaction.
  for (let attempt = 0; attempt < 2; attempt++) {
    let policies = knownPolicies.get(accountId, eventType);
    if (!policies) {
      const context = await readEventContext(db, matchedEvent(input, options));
      if (!context) return { outcome: 'entity_not_found' };
      if (context.mayCancel) return null;
      policies = context.policies;
      knownPolicies.set(accountId, eventType, policies);
    }

    const event = newEventRow(input, options);
    const runs = newRuns(event, policiesStartedBy(policies, input.data));
    const outcome = await insertEventAtOnce(db, {
      event,
      runs,
      policies,
      cancelRuleText: cancelRuleText(eventType),
      quota: options.livemode ? { limit: options.monthlyLimit } : null,
      channel: workChannel,
    });
    if (outcome === 'stored') {
      const accepted = { event, runsStarted: runs.map(runReference), runsCancelled: [] };
      return { outcome: 'accepted', accepted, body: options.present(accepted) };
    }
    if (outcome === 'entity_not_found' || outcome === 'quota_exceeded') return { outcome };
    if (outcome === 'may_cancel') return null;
    knownPolicies.forget(accountId, eventType);
  }
  return null;
}

function matchedEvent(input: EventInput, options: AcceptEventOptions): MatchedEvent {
  return {
    accountId: options.accountId,
    eventType: input.event_type,
    entityId: input.entity_id,
    data: input.data,
    livemode: options.livemode,
  };
}

function newEventRow(input: EventInput, options: AcceptEventOptions): EventRow {
  return {
    id: newId('evt', options.now),
    account_id: options.accountId,
    event_type: input.event_type,
    entity_id: input.entity_id,
    data: JSON.stringify(input.data),
    livemode: options.livemode ? 1 : 0,
    created_at: options.now,
  };
}

/** One run per policy the event starts, pinned to its current version, due at once. */
function newRuns(event: EventRow, policies: EnabledPolicy[]): RunRow[] {
  const runs = policies.map((policy) => ({
    account_id: event.account_id,
    policy_id: policy.id,
    policy_version: policy.version,
    event_id: event.id,
    entity_id: event.entity_id,
    livemode: event.livemode === 1,
    wake_at: event.created_at,
  }));
  return newRunRows(runs, event.created_at);
}

function runReference(run: RunRow): RunReference {
  return { run_id: run.id, policy_id: run.policy_id, policy_version: run.policy_version };
}

async function cancelResolvedRuns(
  trx: Kysely<Database>,
  event: EventRow,
  data: Record<string, unknown>,
): Promise<RunReference[]> {
  const resolved = await runsResolvedBy(trx, {
    accountId: event.account_id,
    eventType: event.event_type,
    entityId: event.entity_id,
    data,
    livemode: event.livemode === 1,
  });
  const reason = `cancelled by event ${event.id} (${event.event_type})`;
  const cancelledIds = new Set(
    await cancelRuns(
      trx,
      resolved.map((run) => run.id),
      { eventId: event.id, reason },
      event.created_at,
    ),
  );
  const cancelled = resolved.filter((run) => cancelledIds.has(run.id));
  await appendRunLog(
    trx,
    cancelled.map((run) => ({
      run_id: run.id,
      account_id: run.account_id,
      step_index: run.step_index,
      kind: 'cancelled' as const,
      detail: { event_id: event.id, event_type: event.event_type, reason },
    })),
    event.created_at,
  );
  return cancelled.map(runReference);
}
