import type { Kysely } from 'kysely';
import { newId } from '../ids.js';
import type { Database } from '../store/database.js';
import { findEntity } from '../store/entities-store.js';
import { type EventRow, insertEvent } from '../store/events-store.js';
import { recordIdempotentAnswer } from '../store/idempotency-store.js';
import { appendRunLog } from '../store/run-log-store.js';
import { cancelRuns, insertRun } from '../store/runs-store.js';
import { reserveEventQuota } from '../store/usage-store.js';
import { type MatchedEvent, matchingPolicies, runsResolvedBy } from './event-matching.js';
import { notifyWorkers } from './notify-workers.js';

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
}

export type AcceptEventResult =
  | { outcome: 'accepted'; accepted: AcceptedEvent; body: unknown }
  | { outcome: 'entity_not_found' }
  | { outcome: 'quota_exceeded' };

/**
 * The ingest transaction: the entity must exist and a live event must fit the month's quota;
 * then the event is stored, the runs it cancels are cancelled, one run starts per matching
 * enabled policy, and the idempotent answer is kept. All of it commits or none of it does:
 * a refused event leaves no trace, an accepted one is never lost, and a cancel is decided
 * here, synchronously, never raced by a worker.
 */
export async function acceptEvent(
  db: Kysely<Database>,
  input: EventInput,
  options: AcceptEventOptions,
): Promise<AcceptEventResult> {
  return db.transaction().execute(async (trx): Promise<AcceptEventResult> => {
    const { accountId, livemode, now } = options;
    const entity = await findEntity(trx, accountId, input.entity_id);
    if (!entity) return { outcome: 'entity_not_found' };

    if (livemode && !(await reserveEventQuota(trx, accountId, options.monthlyLimit, now))) {
      return { outcome: 'quota_exceeded' };
    }

    const event: EventRow = {
      id: newId('evt', now),
      account_id: accountId,
      event_type: input.event_type,
      entity_id: input.entity_id,
      data: JSON.stringify(input.data),
      livemode: livemode ? 1 : 0,
      created_at: now,
    };
    await insertEvent(trx, event);

    // Cancel before starting: an event never cancels the runs it starts itself.
    const runsCancelled = await cancelResolvedRuns(trx, event, input.data);
    const runsStarted = await startMatchingRuns(trx, event, input.data);
    if (runsStarted.length > 0) await notifyWorkers(trx);

    const accepted = { event, runsStarted, runsCancelled };
    const body = options.present(accepted);
    if (options.idempotency) {
      const { key, requestHash } = options.idempotency;
      const response = { status: 202, body: JSON.stringify(body) };
      await recordIdempotentAnswer(trx, accountId, key, requestHash, response, now);
    }
    return { outcome: 'accepted', accepted, body };
  });
}

function matchedEvent(event: EventRow, data: Record<string, unknown>): MatchedEvent {
  return {
    accountId: event.account_id,
    eventType: event.event_type,
    entityId: event.entity_id,
    data,
    livemode: event.livemode === 1,
  };
}

async function startMatchingRuns(
  trx: Kysely<Database>,
  event: EventRow,
  data: Record<string, unknown>,
): Promise<RunReference[]> {
  const started: RunReference[] = [];
  for (const { policy } of await matchingPolicies(trx, matchedEvent(event, data))) {
    const run = await insertRun(
      trx,
      {
        account_id: event.account_id,
        policy_id: policy.id,
        policy_version: policy.version,
        event_id: event.id,
        entity_id: event.entity_id,
        livemode: event.livemode === 1,
        wake_at: event.created_at,
      },
      event.created_at,
    );
    started.push({ run_id: run.id, policy_id: policy.id, policy_version: policy.version });
  }
  return started;
}

async function cancelResolvedRuns(
  trx: Kysely<Database>,
  event: EventRow,
  data: Record<string, unknown>,
): Promise<RunReference[]> {
  const resolved = await runsResolvedBy(trx, matchedEvent(event, data));
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
  return cancelled.map((run) => ({
    run_id: run.id,
    policy_id: run.policy_id,
    policy_version: run.policy_version,
  }));
}
