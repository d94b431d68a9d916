import type { Kysely } from 'kysely';
import { parseDuration } from '../domain/duration.js';
import type { PolicyDefinition } from '../domain/policy-definition.js';
import type { Database, RunStatus } from '../store/database.js';
import { insertMessages, type MessageRow } from '../store/messages-store.js';
import { preparedQuery } from '../store/prepared-query.js';
import { appendRunLog, type RunLogEntry } from '../store/run-log-store.js';
import type { RunPositionChange } from '../store/run-positions-store.js';
import { activeRunStatuses, type RunRow } from '../store/runs-store.js';
import type { EngineContext } from './engine-context.js';
import { StepFailedError } from './prepare-emails.js';
import { type DeliveryLease, executeSendEmail } from './send-email-step.js';
import { readsOneByOne, type StepReads } from './step-reads.js';

/** Where a run stands after one advance. */
export interface RunPosition {
  status: RunStatus;
  stepIndex: number;
  wakeAt: number;
  error: string | null;
}

/**
 * Which runs an advance may take: one this worker claimed with a lease (a batch found by the
 * due-work query), or one handed over by the API in this process right after its event
 * committed, taken only if it is due and no other worker holds it.
 */
export type AdvanceClaim = { leased: RunRow } | { handedRunId: string };

/** What one advance did: the messages it queued, and those this worker must now deliver. */
export interface Advanced {
  run: RunRow;
  /** How many messages it stored (those a former execution had stored are not counted). */
  queued: number;
  /** Leased to this worker, first attempt counted: deliver them now. */
  toDeliver: MessageRow[];
}

/**
 * Executes a run from its current step until it must wait or ends, all in one transaction:
 * the messages it queues, its log and its new position commit together. If the worker dies
 * midway nothing is kept, the lease expires and another worker starts the same steps again;
 * the messages' unique key makes that repeat harmless.
 *
 * Returns null when the run was not this worker's to advance (cancelled meanwhile, its lease
 * taken over, or, when handed over, already taken by another worker or not due).
 */
export async function advanceRun(
  ctx: EngineContext,
  claim: AdvanceClaim,
): Promise<Advanced | null> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.now();
    // Lock the run first: a concurrent cancel then waits for this transaction, or this one
    // finds the run cancelled and does nothing. On PostgreSQL a worker that holds the row
    // makes this wait for its commit, after which the lease it took fails the condition.
    let lock = trx
      .updateTable('runs')
      .set((eb) => ({
        updated_at: now,
        attempts: 'leased' in claim ? eb.ref('attempts') : eb('attempts', '+', 1),
      }))
      .where('status', 'in', activeRunStatuses);
    lock =
      'leased' in claim
        ? lock.where('id', '=', claim.leased.id).where('lease_owner', '=', ctx.owner)
        : lock
            .where('id', '=', claim.handedRunId)
            .where('wake_at', '<=', now)
            .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]));
    const run = await lock.returningAll().executeTakeFirst();
    if (!run) return null;

    const log: RunLogEntry[] = [];
    const delivery: DeliveryLease = { owner: ctx.owner, until: now + ctx.leaseMs, queued: [] };
    const position = await executeSteps(trx, run, now, log, delivery);
    const stored = await insertMessages(trx, delivery.queued, now);
    await storePosition(trx, run.id, position, now);
    const kept = keptLog(log, stored);
    await appendRunLog(trx, kept, now);
    return { run, queued: queuedIn(kept), toDeliver: toDeliverOf(delivery.queued, stored) };
  });
}

/**
 * A run's log without the `email_queued` entries of messages `insertMessages` did not store
 * (`stored` has the ids it did): those existed already, queued by a former execution of the
 * same step, and this advance queued nothing for them.
 */
export function keptLog(log: RunLogEntry[], stored: Set<string>): RunLogEntry[] {
  return log.filter(
    (entry) => entry.kind !== 'email_queued' || stored.has(entry.detail.message_id as string),
  );
}

/** Of the messages a run's steps made, those stored leased to this worker: to deliver now. */
export function toDeliverOf(queued: MessageRow[], stored: Set<string>): MessageRow[] {
  return queued.filter((message) => message.lease_owner !== null && stored.has(message.id));
}

/** A run's position as `storeRunPositions` writes it. */
export function positionChange(run: RunRow, position: RunPosition, now: number): RunPositionChange {
  return {
    id: run.id,
    account_id: run.account_id,
    status: position.status,
    step_index: position.stepIndex,
    wake_at: position.wakeAt,
    last_error: position.error,
    ended_at: position.status === 'waiting' ? null : now,
  };
}

/** Writes where a run stands after an advance, and gives up its lease. */
export async function storePosition(
  trx: Kysely<Database>,
  runId: string,
  position: RunPosition,
  now: number,
): Promise<void> {
  const { status, stepIndex, wakeAt, error } = position;
  const endedAt = status === 'waiting' ? null : now;
  await updatePosition(trx, runId, status, stepIndex, wakeAt, error, now, endedAt);
}

// Prepared: one per advanced run, on the worker's hot path.
const updatePosition = preparedQuery(
  (
    db,
    id: string,
    status: RunStatus,
    step_index: number,
    wake_at: number,
    last_error: string | null,
    updated_at: number,
    ended_at: number | null,
  ) =>
    db
      .updateTable('runs')
      .set({
        status,
        step_index,
        wake_at,
        last_error,
        lease_owner: null,
        lease_until: null,
        updated_at,
        ended_at,
      })
      .where('id', '=', id),
);

/** How many messages a run's log says it queued. */
export function queuedIn(log: RunLogEntry[]): number {
  return log.filter((entry) => entry.kind === 'email_queued').length;
}

/** Policy versions never change once written, so their parsed definitions can be kept. */
const definitions = new Map<string, PolicyDefinition>();
const definitionsKept = 1_000;

async function pinnedDefinition(
  db: Kysely<Database>,
  policyId: string,
  version: number,
): Promise<PolicyDefinition> {
  const key = `${policyId}@${version}`;
  const kept = definitions.get(key);
  if (kept) return kept;
  const row = await db
    .selectFrom('policy_versions')
    .select('definition')
    .where('policy_id', '=', policyId)
    .where('version', '=', version)
    .executeTakeFirstOrThrow();
  const definition = JSON.parse(row.definition) as PolicyDefinition;
  // Oldest first out: a Map iterates in insertion order.
  if (definitions.size >= definitionsKept) {
    definitions.delete(definitions.keys().next().value as string);
  }
  definitions.set(key, definition);
  return definition;
}

/**
 * Executes a locked run's steps from where it stands, inside the caller's transaction, until it
 * must wait or ends; its log entries are added to `log`.
 */
export async function executeSteps(
  trx: Kysely<Database>,
  run: RunRow,
  now: number,
  log: RunLogEntry[],
  delivery: DeliveryLease,
  reads: StepReads = readsOneByOne(trx),
): Promise<RunPosition> {
  const entry = (
    kind: RunLogEntry['kind'],
    stepIndex: number | null,
    detail: Record<string, unknown>,
  ) =>
    log.push({ run_id: run.id, account_id: run.account_id, step_index: stepIndex, kind, detail });

  const definition = await pinnedDefinition(trx, run.policy_id, run.policy_version);
  const event = await reads.event(run.account_id, run.event_id);
  if (!event) throw new Error(`run ${run.id} refers to a missing event ${run.event_id}`);
  const entity = await reads.entity(run.account_id, run.entity_id);

  if (run.step_index === 0 && run.status === 'scheduled') {
    entry('started', null, { policy_id: run.policy_id, policy_version: run.policy_version });
  }

  // Waits count from when they were due, so a late worker does not push the schedule back.
  let dueAt = run.wake_at;
  for (let index = run.step_index; index < definition.steps.length; index++) {
    const step = definition.steps[index];
    if (!step) break;
    if (step.type === 'wait') {
      const wakeAt = dueAt + (parseDuration(step.duration) ?? 0);
      if (wakeAt > now) {
        entry('wait_started', index, {
          duration: step.duration,
          wake_at: new Date(wakeAt).toISOString(),
        });
        return { status: 'waiting', stepIndex: index + 1, wakeAt, error: null };
      }
      dueAt = wakeAt;
      continue;
    }

    try {
      const entries = await executeSendEmail(trx, {
        run,
        stepIndex: index,
        step,
        policyRoles: definition.recipients?.roles ?? null,
        event,
        entity,
        now,
        delivery,
        reads,
      });
      log.push(...entries);
    } catch (error) {
      if (!(error instanceof StepFailedError)) throw error;
      entry('failed', index, { reason: error.message });
      return { status: 'failed', stepIndex: index, wakeAt: dueAt, error: error.message };
    }
  }

  entry('completed', null, {});
  return { status: 'completed', stepIndex: definition.steps.length, wakeAt: dueAt, error: null };
}
