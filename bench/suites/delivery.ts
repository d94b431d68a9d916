import { Pool } from 'undici';
import { type EmivoyInstance, startEmivoyInstance } from '../lib/emivoy-instance.js';
import { alternate, pairedRatios, ratioAtLeast } from '../lib/figures.js';
import { mailSendBody } from '../lib/mail-send-body.js';
import { type BenchProcess, cpuMsOf, startEmivoyWorker } from '../lib/processes.js';
import { progress, sleep } from '../lib/progress.js';
import { queueBenchMessages, queuedCount } from '../lib/queue-messages.js';
import { type Dialect, useSendgrid } from '../lib/scenario.js';
import {
  type SendgridReport,
  type SendgridStandIn,
  standInApiKey,
  startSendgridStandIn,
} from '../lib/sendgrid-stand-in.js';
import { steadyRate, summarize } from '../lib/stats.js';
import type { SuiteContext } from '../lib/suite-context.js';

const suite = 'delivery';
/**
 * Emivoy's concurrency towards one SendGrid account: the worker keeps 50 deliveries in flight
 * (engine/worker.ts, deliveryConcurrency) through a keep-alive agent of 16 connections
 * (providers/sendgrid-provider.ts, createSendgridAgent). The floor runs the same.
 */
const inFlight = 50;
const connections = 16;
const providerLatencyMs = 50;
const warmUpMessages = 1_000;

/**
 * Delivery throughput: messages already queued (as a send_email step leaves them) are
 * delivered by `emivoy worker` to the stand-in SendGrid, in its own process; the rate is
 * taken at the stand-in over the middle 80% of arrivals. The floor is an undici loop from
 * the bench to the same stand-in, the same body, `connections` sockets and `inFlight`
 * requests in flight, refilled as each answer comes (no batches).
 */
export async function deliverySuite(ctx: SuiteContext, dialect: Dialect): Promise<void> {
  const { timing, options } = ctx;
  const standIn = await startSendgridStandIn();
  let emivoy: EmivoyInstance | null = null;
  let worker: BenchProcess | null = null;
  try {
    emivoy = await startEmivoyInstance({
      name: `emivoy API (${dialect})`,
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
    worker = startEmivoyWorker(`emivoy worker (${dialect})`, emivoy.env);
    const instance = emivoy;
    const workerProcess = worker;

    // The first thousand requests of a process run cold (JIT, connections): not measured.
    progress(`delivery (${dialect}): warming up both with ${warmUpMessages} messages`);
    await undiciLoop(standIn, warmUpMessages);
    await emivoyDelivers(instance, workerProcess, standIn, warmUpMessages);

    for (const delayMs of [0, providerLatencyMs]) {
      await standIn.setDelay(delayMs);
      const count = delayMs === 0 ? timing.deliveryMessages : timing.slowDeliveryMessages;
      progress(`delivery (${dialect}): ${count} messages, provider answering after ${delayMs} ms`);
      const samples = await alternate<DeliveryRun>(timing.repetitions, [
        { name: 'undici loop', run: () => undiciLoop(standIn, count) },
        {
          name: 'Emivoy worker',
          run: () => emivoyDelivers(instance, workerProcess, standIn, count),
        },
      ]);
      const runs = (name: string) => samples.get(name) ?? [];
      const subject = runs('Emivoy worker').map((run) => run.rate);
      const floor = runs('undici loop').map((run) => run.rate);
      if (delayMs === 0) {
        const subjectCpu = runs('Emivoy worker').map((run) => run.cpuMsPerMessage);
        const floorCpu = runs('undici loop').map((run) => run.cpuMsPerMessage);
        ctx.figures.push({
          suite,
          database: dialect,
          name: 'CPU per message delivered (delivering process)',
          unit: 'ms',
          subject: summarize(subjectCpu),
          floorName: 'undici loop',
          floor: summarize(floorCpu),
          ratio: pairedRatios(subjectCpu, floorCpu),
          target: null,
          note: 'user + system time of the worker process (not PostgreSQL backends)',
        });
        const ratio = pairedRatios(subject, floor);
        ctx.figures.push({
          suite,
          database: dialect,
          name: 'Delivery to stand-in SendGrid answering at once',
          unit: 'msg/s',
          subject: summarize(subject),
          floorName: `undici loop, ${connections} connections`,
          floor: summarize(floor),
          ratio,
          target: ratioAtLeast(ratio, 0.4),
        });
        continue;
      }
      const ideal = (connections / providerLatencyMs) * 1000;
      const idealSamples = subject.map(() => ideal);
      const ratio = pairedRatios(subject, idealSamples);
      ctx.figures.push(
        {
          suite,
          database: dialect,
          name: `Delivery to stand-in SendGrid answering after ${providerLatencyMs} ms`,
          unit: 'msg/s',
          subject: summarize(subject),
          floorName: `${connections} connections ÷ ${providerLatencyMs} ms`,
          floor: summarize(idealSamples),
          ratio,
          target: ratioAtLeast(ratio, 0.8),
        },
        {
          suite,
          database: dialect,
          name: `undici loop at ${providerLatencyMs} ms (checks the harness)`,
          unit: 'msg/s',
          subject: summarize(floor),
          floorName: `${connections} connections ÷ ${providerLatencyMs} ms`,
          floor: summarize(idealSamples),
          ratio: pairedRatios(floor, idealSamples),
          target: null,
        },
      );
    }
  } finally {
    await worker?.stop();
    await emivoy?.close();
    await standIn.stop();
  }
}

interface DeliveryRun {
  rate: number;
  /** CPU the delivering process used per message. */
  cpuMsPerMessage: number;
}

async function emivoyDelivers(
  emivoy: EmivoyInstance,
  worker: BenchProcess,
  standIn: SendgridStandIn,
  count: number,
): Promise<DeliveryRun> {
  const { db } = emivoy.database.handle;
  await standIn.report();
  const cpuBefore = cpuMsOf(worker.pid);
  await queueBenchMessages(db, {
    accountId: emivoy.account.accountId,
    count,
    livemode: true,
    provider: 'sendgrid',
  });
  const arrivals = await collectArrivals(standIn, count);
  // The next repetition starts once every outcome is recorded, not only sent.
  while ((await queuedCount(db)) > 0) await sleep(50);
  const cpuMs = cpuMsOf(worker.pid) - cpuBefore;
  return { rate: steadyRate(arrivals), cpuMsPerMessage: cpuMs / count };
}

async function undiciLoop(standIn: SendgridStandIn, count: number): Promise<DeliveryRun> {
  await standIn.report();
  const cpuBefore = process.cpuUsage();
  const pool = new Pool(standIn.url, { connections, pipelining: 1 });
  let next = 0;
  const client = async () => {
    while (next < count) {
      const n = next++;
      const response = await pool.request({
        method: 'POST',
        path: '/v3/mail/send',
        headers: { authorization: `Bearer ${standInApiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(mailSendBody(n)),
      });
      await response.body.dump();
    }
  };
  try {
    await Promise.all(Array.from({ length: inFlight }, client));
  } finally {
    await pool.close();
  }
  const cpu = process.cpuUsage(cpuBefore);
  const rate = steadyRate(await collectArrivals(standIn, count));
  return { rate, cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / count };
}

/** Arrival times at the stand-in until `count` mail/sends arrived; all must be accepted. */
async function collectArrivals(standIn: SendgridStandIn, count: number): Promise<number[]> {
  const arrivals: number[] = [];
  const outcomes: SendgridReport['outcomes'] = {};
  const deadline = Date.now() + 300_000;
  while (arrivals.length < count) {
    if (Date.now() > deadline) {
      throw new Error(`only ${arrivals.length} of ${count} messages reached the stand-in`);
    }
    await sleep(100);
    const report = await standIn.report();
    arrivals.push(...report.arrivals);
    for (const [key, value] of Object.entries(report.outcomes)) {
      outcomes[key] = (outcomes[key] ?? 0) + value;
    }
  }
  const refused = Object.entries(outcomes).filter(([key]) => key !== '202' && key !== 'pending');
  if (refused.length > 0) {
    throw new Error(`the stand-in refused some mail/sends: ${JSON.stringify(outcomes)}`);
  }
  return arrivals;
}
