import type { Kysely } from 'kysely';
import type { Database } from '../../packages/server/src/store/database.js';
import { auditEngine, pendingWork } from '../../packages/server/test/harness/engine-audit.js';
import type { LoadResult } from '../../packages/server/test/harness/event-load.js';
import { someIds } from './drill.js';
import { sleep } from './progress.js';

/** What each accepted event must end as: its run's messages, their final status. */
export interface EngineExpectations {
  sendSteps: number[];
  recipients: number;
  waitMs: number;
  /** Every message's final status: `captured` with the outbox, `sent` with SendGrid. */
  messageStatus: string;
}

export interface EngineVerdict {
  accepted: number;
  processed: number;
  lost: number;
  duplicated: number;
  failures: string[];
  /** Stored events whose 202 never reached the client: owed nothing, but processed too. */
  unacknowledged: number;
  messages: number;
}

/**
 * Waits until the account has no active run and no queued message. Gives up when nothing
 * moved for `stallMs` (work stuck or lost), or after ten minutes whatever happens: a big
 * backlog on a busy machine takes its time, but keeps shrinking. Returns null when it got
 * there, or what was still pending.
 */
export async function waitUntilQuiet(
  db: Kysely<Database>,
  accountId: string,
  stallMs: number,
): Promise<string | null> {
  const giveUpAt = Date.now() + 600_000;
  let stalledAt = Date.now() + stallMs;
  let last = Number.POSITIVE_INFINITY;
  for (;;) {
    const pending = await pendingWork(db, accountId);
    const left = pending.runs + pending.messages;
    if (left === 0) return null;
    if (left < last) stalledAt = Date.now() + stallMs;
    last = Math.min(last, left);
    if (Date.now() > stalledAt || Date.now() > giveUpAt) {
      return (
        `${pending.runs} runs and ${pending.messages} messages still pending, ` +
        `nothing having moved for ${stallMs / 1000} s`
      );
    }
    await sleep(200);
  }
}

/**
 * The engine audit of one account turned into the drill's counts and broken promises:
 * accepted = answered 202; processed = their runs completed; lost = acknowledged events or
 * runs missing or unfinished; duplicated = second messages for one (run, step, address) plus
 * messages captured twice.
 */
export async function engineVerdict(
  db: Kysely<Database>,
  accountId: string,
  fired: LoadResult,
  expect: EngineExpectations,
): Promise<EngineVerdict> {
  const audit = await auditEngine(db, accountId, fired.accepted, expect);
  const acceptedRuns = fired.accepted.flatMap((event) => event.runIds);
  const statuses = await runStatuses(db, acceptedRuns);
  const unfinished = acceptedRuns.filter(
    (id) => statuses.has(id) && statuses.get(id) !== 'completed',
  );
  const processed = acceptedRuns.length - unfinished.length - audit.lostRuns.length;

  const failures: string[] = [];
  const fail = (count: number, sentence: string) => {
    if (count > 0) failures.push(sentence);
  };
  const startedOther = fired.accepted.filter((event) => event.runIds.length !== 1);
  fail(
    startedOther.length,
    `${startedOther.length} accepted events did not start exactly one run: ${someIds(
      startedOther.map((event) => event.eventId),
    )}`,
  );
  fail(
    audit.lostEvents.length,
    `${audit.lostEvents.length} events answered 202 are not stored: ${someIds(audit.lostEvents)}`,
  );
  fail(
    audit.lostRuns.length,
    `${audit.lostRuns.length} runs listed in a 202 are not stored: ${someIds(audit.lostRuns)}`,
  );
  fail(
    unfinished.length,
    `${unfinished.length} runs of accepted events did not complete: ${someIds(
      unfinished.map((id) => `${id} (${statuses.get(id)})`),
    )}`,
  );
  const notCompleted = audit.runs - (audit.runsByStatus.completed ?? 0);
  fail(
    notCompleted,
    `${notCompleted} stored runs did not complete: ${JSON.stringify(audit.runsByStatus)}`,
  );
  fail(
    audit.duplicateMessages,
    `${audit.duplicateMessages} (run, step, address) keys hold more than one message`,
  );
  fail(audit.repeatedDeliveries, `${audit.repeatedDeliveries} messages were captured twice`);
  fail(
    audit.unrecordedDeliveries,
    `${audit.unrecordedDeliveries} captured messages lack their history row`,
  );
  fail(
    audit.runsWithWrongMessages.length,
    `${audit.runsWithWrongMessages.length} runs have other than ${
      expect.sendSteps.length * expect.recipients
    } messages: ${someIds(audit.runsWithWrongMessages)}`,
  );
  fail(audit.earlyMessages, `${audit.earlyMessages} messages were sent before their wait ended`);
  const wrongStatus = audit.messages - (audit.messagesByStatus[expect.messageStatus] ?? 0);
  fail(
    wrongStatus,
    `${wrongStatus} messages did not end ${expect.messageStatus}: ${JSON.stringify(
      audit.messagesByStatus,
    )}`,
  );

  return {
    accepted: fired.accepted.length,
    processed,
    lost: audit.lostEvents.length + audit.lostRuns.length + unfinished.length,
    duplicated: audit.duplicateMessages + audit.repeatedDeliveries,
    failures,
    unacknowledged: audit.unacknowledgedEvents,
    messages: audit.messages,
  };
}

async function runStatuses(db: Kysely<Database>, ids: string[]): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  for (let start = 0; start < ids.length; start += 500) {
    const rows = await db
      .selectFrom('runs')
      .select(['id', 'status'])
      .where('id', 'in', ids.slice(start, start + 500))
      .execute();
    for (const row of rows) statuses.set(row.id, row.status);
  }
  return statuses;
}
