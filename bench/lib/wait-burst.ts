import { type Kysely, sql } from 'kysely';
import type { Database } from '../../packages/server/src/store/database.js';
import { claimDueMessages } from '../../packages/server/src/store/messages-store.js';
import { type Drain, watchDrain } from './drain-watch.js';
import { planOf, recordStatements } from './due-work-query.js';
import { startEmivoyInstance } from './emivoy-instance.js';
import { insertPendingWaits, waitOwnerOf, waitThenEmail } from './pending-waits.js';
import { cpuMsOf } from './processes.js';
import { progress } from './progress.js';
import { queueBenchMessages } from './queue-messages.js';
import type { Dialect } from './scenario.js';

const entities = 100;
const pollMs = 100;
/** Test mode: every message goes to the outbox, as the worker suite's do. */
const livemode = false;

/** A drain, with the server's CPU time (user + system) per item over it, in ms. */
export interface ServerDrain extends Drain {
  cpuMsPerItem: number;
}

export interface Burst extends ServerDrain {
  /** Runs completed and messages captured at the end. */
  completedRuns: number;
  capturedMessages: number;
  /** Whether the due times were set before the first of them (the UPDATE was in time). */
  setInTime: boolean;
  /** How the database executed the worker's claim of due messages, at the end. */
  messageClaimPlan: string;
}

function deadlineMs(count: number): number {
  return 60_000 + count * 20;
}

/**
 * The floor: `emivoy serve` on a fresh database delivering `count` test-mode messages
 * queued at once as a send_email step leaves them (bench/lib/queue-messages.ts): the
 * worker's own outbox delivery, measured from the commit that queued them.
 */
export async function outboxDelivery(
  dialect: Dialect,
  postgresUrl: string,
  count: number,
): Promise<ServerDrain> {
  const emivoy = await startEmivoyInstance({
    name: `emivoy serve (${dialect}, outbox delivery)`,
    dialect,
    postgresUrl,
    scenario: waitThenEmail(entities),
  });
  try {
    const { db } = emivoy.database.handle;
    const accountId = emivoy.account.accountId;
    await queueBenchMessages(db, { accountId, count, livemode, provider: 'outbox' });
    const startAt = Date.now();
    const cpuBefore = cpuMsOf(emivoy.server.pid);
    progress(`  ${count} messages queued`);
    const drain = await watchDrain(() => backlog(db), {
      total: count,
      startAt,
      deadlineMs: deadlineMs(count),
      pollMs,
    });
    return { ...drain, cpuMsPerItem: (cpuMsOf(emivoy.server.pid) - cpuBefore) / count };
  } finally {
    await emivoy.close();
  }
}

/**
 * The burst: `emivoy serve` on a fresh database holding `count` runs waiting before a
 * send_email step, inserted due tomorrow; one UPDATE then moves them all into the same
 * second, a few seconds ahead. Measured from that second until every run has advanced and
 * every message it queued is captured.
 */
export async function fireBurst(
  dialect: Dialect,
  postgresUrl: string,
  count: number,
): Promise<Burst> {
  const emivoy = await startEmivoyInstance({
    name: `emivoy serve (${dialect}, burst)`,
    dialect,
    postgresUrl,
    scenario: waitThenEmail(entities),
  });
  try {
    const { db } = emivoy.database.handle;
    const owner = await waitOwnerOf(emivoy, { entities, livemode });
    const tomorrow = Date.now() + 86_400_000;
    const batch = await insertPendingWaits(db, dialect, owner, {
      count,
      firstDue: tomorrow,
      windowMs: 1_000,
    });
    // Ahead by more than the UPDATE takes: 100,000 rows take a few seconds on PostgreSQL.
    const dueAt = Date.now() + 3_000 + count * 0.1;
    await sql`
      update runs set wake_at = wake_at - ${tomorrow - dueAt}
      where id >= ${batch.firstRunId} and id <= ${batch.lastRunId}`.execute(db);
    const setInTime = Date.now() < dueAt;
    progress(`  ${count} waits due in ${((dueAt - Date.now()) / 1000).toFixed(1)} s`);

    const cpuBefore = cpuMsOf(emivoy.server.pid);
    const drain = await watchDrain(() => backlog(db), {
      total: count,
      startAt: dueAt,
      deadlineMs: deadlineMs(count),
      pollMs,
    });
    const [claim] = await recordStatements(dialect, (recorder) =>
      claimDueMessages(recorder, 'bench', Date.now(), Date.now() + 30_000, 50),
    );
    const cpuMsPerItem = (cpuMsOf(emivoy.server.pid) - cpuBefore) / count;
    return {
      ...drain,
      cpuMsPerItem,
      ...(await outcomes(db)),
      setInTime,
      messageClaimPlan: claim ? await planOf(db, dialect, claim) : '',
    };
  } finally {
    await emivoy.close();
  }
}

/**
 * Work not done yet: active runs plus queued messages. The statuses are written as
 * literals so that both databases count from the partial indexes that hold exactly those
 * rows (SQLite cannot prove a partial index's condition from bound parameters), keeping
 * the polling light beside the worker it watches.
 */
async function backlog(db: Kysely<Database>): Promise<number> {
  const row = await sql<{ count: number }>`
    select (select count(*) from runs where status in ('scheduled', 'waiting'))
      + (select count(*) from messages where status = 'queued') as count`.execute(db);
  return Number(row.rows[0]?.count ?? Number.NaN);
}

async function outcomes(
  db: Kysely<Database>,
): Promise<{ completedRuns: number; capturedMessages: number }> {
  const row = await sql<{ runs: number; messages: number }>`
    select (select count(*) from runs where status = 'completed') as runs,
      (select count(*) from messages where status = 'captured') as messages`.execute(db);
  return {
    completedRuns: Number(row.rows[0]?.runs ?? 0),
    capturedMessages: Number(row.rows[0]?.messages ?? 0),
  };
}
