import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/database.js';
import type { AcceptedEvent } from './event-load.js';

/** What the database holds for one account after a drill, compared with what was promised. */
export interface EngineAudit {
  /** Events stored, runs stored, messages stored. */
  events: number;
  runs: number;
  messages: number;
  runsByStatus: Record<string, number>;
  messagesByStatus: Record<string, number>;
  /** Events answered 202 that are not stored, and runs an answer listed that are not. */
  lostEvents: string[];
  lostRuns: string[];
  /** Stored events whose 202 never reached the client (the process died first). */
  unacknowledgedEvents: number;
  /** (run, step, address) keys holding more than one message. */
  duplicateMessages: number;
  /** Messages whose history says they were captured (delivered) more than once. */
  repeatedDeliveries: number;
  /** Captured messages whose history does not say so: the status and its record split. */
  unrecordedDeliveries: number;
  /** Runs with messages other than one per recipient for each send step. */
  runsWithWrongMessages: string[];
  /** Messages of a later step created before the wait between the steps had passed. */
  earlyMessages: number;
}

export async function auditEngine(
  db: Kysely<Database>,
  accountId: string,
  accepted: AcceptedEvent[],
  expect: { sendSteps: number[]; recipients: number; waitMs: number },
): Promise<EngineAudit> {
  const events = await db
    .selectFrom('events')
    .select(['id', 'created_at'])
    .where('account_id', '=', accountId)
    .execute();
  const runs = await db
    .selectFrom('runs')
    .select(['id', 'event_id', 'status'])
    .where('account_id', '=', accountId)
    .execute();
  const messages = await db
    .selectFrom('messages')
    .select(['id', 'run_id', 'event_id', 'step_index', 'to_email', 'status', 'created_at'])
    .where('account_id', '=', accountId)
    .execute();
  const captures = await db
    .selectFrom('message_status_history')
    .innerJoin('messages', 'messages.id', 'message_status_history.message_id')
    .select('message_status_history.message_id')
    .where('messages.account_id', '=', accountId)
    .where('message_status_history.status', '=', 'captured')
    .execute();

  const eventTimes = new Map(events.map((event) => [event.id, event.created_at]));
  const runIds = new Set(runs.map((run) => run.id));
  const acknowledged = new Set(accepted.map((event) => event.eventId));

  const capturesOf = countBy(captures, (capture) => capture.message_id);
  const byKey = countBy(messages, (m) => `${m.run_id}/${m.step_index}/${m.to_email}`);
  const byRun = groupBy(messages, (m) => m.run_id);
  const perRun = expect.sendSteps.length * expect.recipients;
  const firstStep = expect.sendSteps[0] ?? 0;

  return {
    events: events.length,
    runs: runs.length,
    messages: messages.length,
    runsByStatus: countBy(runs, (run) => run.status),
    messagesByStatus: countBy(messages, (message) => message.status),
    lostEvents: [...acknowledged].filter((id) => !eventTimes.has(id)),
    lostRuns: accepted.flatMap((event) => event.runIds).filter((id) => !runIds.has(id)),
    unacknowledgedEvents: events.filter((event) => !acknowledged.has(event.id)).length,
    duplicateMessages: Object.values(byKey).filter((count) => count > 1).length,
    repeatedDeliveries: Object.values(capturesOf).filter((count) => count > 1).length,
    unrecordedDeliveries: messages.filter(
      (message) => message.status === 'captured' && !capturesOf[message.id],
    ).length,
    runsWithWrongMessages: runs
      .filter((run) => {
        const own = byRun.get(run.id) ?? [];
        if (own.length !== perRun) return true;
        const steps = countBy(own, (m) => String(m.step_index));
        return expect.sendSteps.some((step) => steps[String(step)] !== expect.recipients);
      })
      .map((run) => run.id),
    earlyMessages: messages.filter((message) => {
      if (message.step_index === firstStep) return false;
      const eventAt = eventTimes.get(message.event_id) ?? 0;
      return message.created_at < eventAt + expect.waitMs;
    }).length,
  };
}

/** How many runs are still active (scheduled or waiting) and messages still queued. */
export async function pendingWork(
  db: Kysely<Database>,
  accountId: string,
): Promise<{ runs: number; messages: number }> {
  const runs = await db
    .selectFrom('runs')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('account_id', '=', accountId)
    .where('status', 'in', ['scheduled', 'waiting'])
    .executeTakeFirstOrThrow();
  const messages = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('account_id', '=', accountId)
    .where('status', '=', 'queued')
    .executeTakeFirstOrThrow();
  return { runs: Number(runs.count), messages: Number(messages.count) };
}

/** Runs and messages leased to `owner` right now. */
export async function leasesHeldBy(
  db: Kysely<Database>,
  owner: string,
): Promise<{ runIds: string[]; messageIds: string[] }> {
  const runs = await db
    .selectFrom('runs')
    .select('id')
    .where('lease_owner', '=', owner)
    .where('status', 'in', ['scheduled', 'waiting'])
    .execute();
  const messages = await db
    .selectFrom('messages')
    .select('id')
    .where('lease_owner', '=', owner)
    .where('status', '=', 'queued')
    .execute();
  return { runIds: runs.map((r) => r.id), messageIds: messages.map((m) => m.id) };
}

function countBy<T>(rows: T[], key: (row: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[key(row)] = (counts[key(row)] ?? 0) + 1;
  return counts;
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return groups;
}
