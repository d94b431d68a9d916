import type { Kysely } from 'kysely';
import type { Database } from '../../packages/server/src/store/database.js';
import { type EmivoyInstance, startEmivoyInstance } from '../lib/emivoy-instance.js';
import { type Figure, pairedRatios, ratioAtLeast, ratioAtMost } from '../lib/figures.js';
import { type BenchProcess, startEmivoyWorker } from '../lib/processes.js';
import { progress, sleep } from '../lib/progress.js';
import { queueBenchMessages, queuedCount } from '../lib/queue-messages.js';
import { type Dialect, useSendgrid } from '../lib/scenario.js';
import {
  type SendgridStandIn,
  standInApiKey,
  startSendgridStandIn,
} from '../lib/sendgrid-stand-in.js';
import { steadyRate, summarize } from '../lib/stats.js';
import type { SuiteContext } from '../lib/suite-context.js';

const suite = 'scaling';
const workerCounts = [1, 2, 4] as const;
const providerLatencyMs = 50;

/**
 * Many worker processes on one PostgreSQL database: `emivoy serve --no-worker` beside 1, 2
 * and 4 `emivoy worker` processes delivering queued messages to the stand-in SendGrid (its
 * own process), with the stand-in answering after 50 ms (the work waits on the provider, so
 * workers should add up) and at once (the work is CPU-bound on this machine, so more workers
 * must at least not be slower). The rate is taken at the stand-in over the middle 80% of
 * arrivals; the floor of each figure is one worker in the same repetition. After every
 * measurement the database and the stand-in must agree that each message was accepted
 * exactly once: otherwise the suite fails.
 */
export async function scalingSuite(ctx: SuiteContext, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') {
    ctx.notes.push({
      suite,
      text: 'SQLite has one server process: worker scaling is measured on PostgreSQL',
    });
    return;
  }
  const { timing, options } = ctx;
  const standIn = await startSendgridStandIn();
  let emivoy: EmivoyInstance | null = null;
  try {
    emivoy = await startEmivoyInstance({
      name: 'emivoy API (postgres)',
      dialect,
      postgresUrl: options.postgresUrl,
      args: ['serve', '--no-worker'],
      env: { EMIVOY_SENDGRID_API_URL: standIn.url },
      scenario: {
        entities: 1,
        steps: (templateId) => [{ type: 'send_email', template_id: templateId }],
      },
      prepare: (api) => useSendgrid(api, standInApiKey),
    });
    const instance = emivoy;

    for (const delayMs of [providerLatencyMs, 0]) {
      await standIn.setDelay(delayMs);
      const rates = new Map<number, number[]>(workerCounts.map((count) => [count, []]));
      for (let repetition = 0; repetition < timing.repetitions; repetition++) {
        // Alternate the order so that a drift of the machine does not favour one count.
        const order = repetition % 2 === 0 ? workerCounts : [...workerCounts].reverse();
        for (const workers of order) {
          const messages = timing.slowDeliveryMessages * workers * (delayMs === 0 ? 2 : 1);
          progress(
            `scaling: ${workers} worker(s), ${messages} messages, provider after ${delayMs} ms ` +
              `(repetition ${repetition + 1}/${timing.repetitions})`,
          );
          rates.get(workers)?.push(await deliverWith(instance, standIn, workers, messages));
        }
      }
      const one = rates.get(1) ?? [];
      for (const workers of workerCounts.slice(1)) {
        const subject = rates.get(workers) ?? [];
        const ratio = pairedRatios(subject, one);
        const figure: Figure = {
          suite,
          database: dialect,
          name:
            delayMs === 0
              ? `${workers} workers vs 1, provider answering at once (CPU-bound)`
              : `${workers} workers vs 1, provider answering after ${delayMs} ms`,
          unit: 'msg/s',
          subject: summarize(subject),
          floorName: '1 worker',
          floor: summarize(one),
          ratio,
          target:
            delayMs === 0
              ? ratioAtLeast(ratio, 1)
              : workers === 4
                ? ratioAtLeast(ratio, 3.2)
                : null,
        };
        ctx.figures.push(figure);
      }
    }
    await standIn.setDelay(providerLatencyMs);
    ctx.figures.push(await takeoverAfterKill(instance, standIn, timing.slowDeliveryMessages * 4));
  } finally {
    await emivoy?.close();
    await standIn.stop();
  }
}

/** The lease of the workers in the kill measurement: short, so that the wait is short. */
const takeoverLeaseMs = 5_000;

/**
 * Four workers deliver; one is killed with SIGKILL a third of the way through. Its claimed
 * messages must be delivered by the others once its lease has run out: the figure is the time
 * from the kill to the last of them sent, against the lease. Duplicates here are the
 * documented at-least-once window (a request the provider accepted whose outcome the killed
 * worker never recorded), counted and reported; lost messages fail the suite.
 */
async function takeoverAfterKill(
  emivoy: EmivoyInstance,
  standIn: SendgridStandIn,
  count: number,
): Promise<Figure> {
  const { db } = emivoy.database.handle;
  const env = { ...emivoy.env, EMIVOY_WORKER_LEASE_MS: String(takeoverLeaseMs) };
  const processes = [1, 2, 3, 4].map((index) => startEmivoyWorker(`emivoy worker ${index}`, env));
  try {
    await sleep(1_500);
    await standIn.report();
    progress(`scaling: 4 workers, ${count} messages, one killed -9 a third of the way`);
    await queueBenchMessages(db, {
      accountId: emivoy.account.accountId,
      count,
      livemode: true,
      provider: 'sendgrid',
    });
    let arrived = 0;
    let accepted = 0;
    while (arrived < count / 3) {
      await sleep(20);
      const report = await standIn.report();
      arrived += report.arrivals.length;
      accepted += report.outcomes['202'] ?? 0;
    }
    const victim = processes[0] as BenchProcess;
    await victim.stop('SIGKILL');
    const killedAt = Date.now();
    const orphans = await db
      .selectFrom('messages')
      .select('id')
      .where('status', '=', 'queued')
      .where('lease_owner', 'like', `%:${victim.pid}:%`)
      .execute();
    while ((await queuedCount(db)) > 0) {
      if (Date.now() - killedAt > 120_000) throw new Error('messages left queued after a kill');
      await sleep(50);
    }
    accepted += (await standIn.report()).outcomes['202'] ?? 0;
    const orphanIds = orphans.map((row) => row.id);
    const lastOrphanSent =
      orphanIds.length === 0
        ? killedAt
        : Number(
            (
              await db
                .selectFrom('messages')
                .select((eb) => eb.fn.max('sent_at').as('sent_at'))
                .where('id', 'in', orphanIds)
                .executeTakeFirstOrThrow()
            ).sent_at,
          );
    const takeoverMs = Math.max(0, lastOrphanSent - killedAt);
    const rows = await db
      .selectFrom('messages')
      .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('status')
      .execute();
    const byStatus = Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
    if ((byStatus.sent ?? 0) !== count) {
      throw new Error(`after the kill: ${JSON.stringify(byStatus)} of ${count} messages`);
    }
    await db.deleteFrom('message_status_history').execute();
    await db.deleteFrom('messages').execute();
    const sample = [takeoverMs];
    const lease = [takeoverLeaseMs];
    return {
      suite,
      database: 'postgres',
      name: 'Kill -9 of one of 4 workers: its claims delivered by the others after',
      unit: 'ms',
      subject: summarize(sample),
      floorName: 'the lease (EMIVOY_WORKER_LEASE_MS)',
      floor: summarize(lease),
      ratio: pairedRatios(sample, lease),
      target: ratioAtMost(pairedRatios(sample, lease), 1.3),
      note:
        `${orphanIds.length} messages were claimed by the killed worker; lost 0; sent again ` +
        `(at-least-once window) ${accepted - count}`,
    };
  } finally {
    await Promise.all(processes.map((worker) => worker.stop('SIGTERM')));
  }
}

/** Starts `workers` worker processes, queues `count` messages, returns the steady rate. */
async function deliverWith(
  emivoy: EmivoyInstance,
  standIn: SendgridStandIn,
  workers: number,
  count: number,
): Promise<number> {
  const { db } = emivoy.database.handle;
  const processes: BenchProcess[] = [];
  try {
    for (let index = 0; index < workers; index++) {
      processes.push(startEmivoyWorker(`emivoy worker ${index + 1}`, emivoy.env));
    }
    // The workers are up once they have polled; a second is plenty.
    await sleep(1_500);
    await standIn.report();
    await queueBenchMessages(db, {
      accountId: emivoy.account.accountId,
      count,
      livemode: true,
      provider: 'sendgrid',
    });
    const collected = await collect(standIn, count);
    while ((await queuedCount(db)) > 0) await sleep(50);
    // Answers still on their way when the last mail arrived are counted now.
    const accepted = collected.accepted + ((await standIn.report()).outcomes['202'] ?? 0);
    const { arrivals } = collected;
    await checkExactlyOnce(db, count, accepted);
    return steadyRate(arrivals);
  } finally {
    await Promise.all(processes.map((worker) => worker.stop('SIGTERM')));
  }
}

async function collect(
  standIn: SendgridStandIn,
  count: number,
): Promise<{ arrivals: number[]; accepted: number }> {
  const arrivals: number[] = [];
  let accepted = 0;
  const deadline = Date.now() + 300_000;
  while (arrivals.length < count) {
    if (Date.now() > deadline) throw new Error(`only ${arrivals.length} of ${count} arrived`);
    await sleep(100);
    const report = await standIn.report();
    arrivals.push(...report.arrivals);
    accepted += report.outcomes['202'] ?? 0;
  }
  return { arrivals, accepted };
}

/**
 * Every message of the run is `sent`, and the stand-in accepted exactly as many requests as
 * there are messages (each carries one): none lost, none sent twice.
 */
async function checkExactlyOnce(
  db: Kysely<Database>,
  count: number,
  accepted: number,
): Promise<void> {
  const rows = await db
    .selectFrom('messages')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute();
  const byStatus = Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  if (byStatus.queued || byStatus.failed) {
    throw new Error(`messages left queued or failed: ${JSON.stringify(byStatus)}`);
  }
  if (accepted !== count) {
    throw new Error(`the stand-in accepted ${accepted} requests for ${count} messages`);
  }
  // The messages of earlier measurements stay `sent`; clear them so each run counts its own.
  await db.deleteFrom('message_status_history').execute();
  await db.deleteFrom('messages').execute();
}
