import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { createAccount } from '../../packages/server/src/store/accounts-store.js';
import type { Database } from '../../packages/server/src/store/database.js';
import type { TestDatabase } from '../../packages/server/test/harness/test-database.js';
import { alternate, pairedRatios } from '../lib/figures.js';
import {
  type BenchProcess,
  cpuMsOf,
  emivoyEnvironment,
  startEmivoyWorker,
} from '../lib/processes.js';
import { progress, sleep } from '../lib/progress.js';
import { queueBenchMessages, queuedCount } from '../lib/queue-messages.js';
import { createBenchDatabase, type Dialect } from '../lib/scenario.js';
import { steadyRate, summarize } from '../lib/stats.js';
import type { SuiteContext } from '../lib/suite-context.js';

const suite = 'worker';
const batchSize = 50;

/**
 * The worker's own cost: queued test-mode messages (which always go to the outbox, so no
 * network and no provider lookup) delivered by `emivoy worker`, against a bare
 * claim-and-complete loop on the same tables of a database of the same kind: claim a batch
 * of 50 with the same due-work query, then mark each done with one UPDATE, its own commit.
 * Rates over the middle 80% of the messages.
 */
export async function workerSuite(ctx: SuiteContext, dialect: Dialect): Promise<void> {
  const { timing, options } = ctx;
  const count = timing.deliveryMessages;
  let subjectDb: TestDatabase | null = null;
  let floorDb: TestDatabase | null = null;
  let worker: BenchProcess | null = null;
  try {
    subjectDb = await createBenchDatabase(dialect, options.postgresUrl);
    floorDb = await createBenchDatabase(dialect, options.postgresUrl);
    const subjectAccount = await createAccount(subjectDb.handle.db, 'Bench Co');
    const floorAccount = await createAccount(floorDb.handle.db, 'Floor');
    worker = startEmivoyWorker(`emivoy worker (${dialect})`, emivoyEnvironment(subjectDb));
    const subject = subjectDb;
    const floor = floorDb;

    progress(`worker (${dialect}): ${count} outbox messages per repetition`);
    const workerProcess = worker;
    const samples = await alternate<{ rate: number; cpuMs: number }>(timing.repetitions, [
      {
        name: 'claim-and-complete loop',
        run: async () => {
          await queueBenchMessages(floor.handle.db, {
            accountId: floorAccount.id,
            count,
            livemode: false,
            provider: 'outbox',
          });
          const cpuBefore = process.cpuUsage();
          const rate = await claimAndComplete(floor, dialect, count);
          const cpu = process.cpuUsage(cpuBefore);
          return { rate, cpuMs: (cpu.user + cpu.system) / 1000 / count };
        },
      },
      {
        name: 'Emivoy worker',
        run: async () => {
          await queueBenchMessages(subject.handle.db, {
            accountId: subjectAccount.id,
            count,
            livemode: false,
            provider: 'outbox',
          });
          const cpuBefore = cpuMsOf(workerProcess.pid);
          const rate = await watchDrain(subject.handle.db, count);
          return { rate, cpuMs: (cpuMsOf(workerProcess.pid) - cpuBefore) / count };
        },
      },
    ]);
    const runs = (name: string) => samples.get(name) ?? [];
    const subjectRates = runs('Emivoy worker').map((run) => run.rate);
    const floorRates = runs('claim-and-complete loop').map((run) => run.rate);
    const subjectCpu = runs('Emivoy worker').map((run) => run.cpuMs);
    const floorCpu = runs('claim-and-complete loop').map((run) => run.cpuMs);
    const ratio = pairedRatios(subjectRates, floorRates);
    ctx.figures.push({
      suite,
      database: dialect,
      name: 'Worker delivering to the outbox',
      unit: 'msg/s',
      subject: summarize(subjectRates),
      floorName: 'bare claim-and-complete loop',
      floor: summarize(floorRates),
      ratio,
      target: null,
    });
    ctx.figures.push({
      suite,
      database: dialect,
      name: 'CPU per outbox message (worker process)',
      unit: 'ms',
      subject: summarize(subjectCpu),
      floorName: 'claim-and-complete loop',
      floor: summarize(floorCpu),
      ratio: pairedRatios(subjectCpu, floorCpu),
      target: null,
      note: 'user + system time of the delivering process (not PostgreSQL backends)',
    });
  } finally {
    await worker?.stop();
    await subjectDb?.drop();
    await floorDb?.drop();
  }
}

/**
 * Polls how many messages are still queued every 50 ms and returns the rate between the
 * moments 10% and 90% of them were done, interpolated between polls.
 */
async function watchDrain(db: Kysely<Database>, count: number): Promise<number> {
  const points: Array<{ at: number; done: number }> = [];
  const deadline = performance.now() + 600_000;
  for (;;) {
    const done = count - (await queuedCount(db));
    points.push({ at: performance.now(), done });
    if (done >= count) break;
    if (performance.now() > deadline) throw new Error(`the worker left ${count - done} queued`);
    await sleep(50);
  }
  const crossing = (target: number): number => {
    const index = points.findIndex((point) => point.done >= target);
    const after = points[index] as { at: number; done: number };
    const before = points[index - 1];
    if (!before || after.done === before.done) return after.at;
    return (
      before.at + ((target - before.done) / (after.done - before.done)) * (after.at - before.at)
    );
  };
  const from = crossing(count * 0.1);
  const to = crossing(count * 0.9);
  return to > from ? ((count * 0.8) / (to - from)) * 1000 : Number.NaN;
}

/**
 * The bare loop: plain SQL on a connection opened as Emivoy opens it (the store's
 * `openDatabase`), nothing but the claims and the updates.
 */
async function claimAndComplete(
  database: TestDatabase,
  dialect: Dialect,
  count: number,
): Promise<number> {
  const { db } = database.handle;
  const owner = 'floor';
  const completions: number[] = [];
  const claim = async (now: number): Promise<string[]> => {
    const locking = dialect === 'postgres' ? sql`for update skip locked` : sql``;
    const result = await sql<{ id: string }>`
      update messages set lease_owner = ${owner}, lease_until = ${now + 30_000},
        attempts = attempts + 1
      where id in (
        select id from messages
        where status = 'queued' and next_attempt_at <= ${now}
          and (lease_until is null or lease_until < ${now})
        order by next_attempt_at limit ${batchSize} ${locking})
      and status = 'queued'
      returning id`.execute(db);
    return result.rows.map((row) => row.id);
  };
  const complete = async (id: string, now: number) => {
    await sql`
      update messages set status = 'captured', lease_owner = null, lease_until = null,
        next_attempt_at = null, sent_at = ${now}, updated_at = ${now}
      where id = ${id} and lease_owner = ${owner} and status = 'queued'`.execute(db);
    completions.push(performance.now());
  };

  const start = performance.now();
  while (performance.now() - start < 600_000) {
    const ids = await claim(Date.now());
    if (ids.length === 0) break;
    // As Emivoy's worker does: the batch's outcomes are recorded concurrently (PostgreSQL
    // runs them on the pool's connections; SQLite's single connection takes them in turn).
    await Promise.all(ids.map((id) => complete(id, Date.now())));
  }
  if (completions.length < count) throw new Error(`the floor completed ${completions.length}`);
  return steadyRate(completions);
}
