import type { Kysely } from 'kysely';
import type { Database } from '../../packages/server/src/store/database.js';
import { claimStatements, medianClaimMs, planOf } from '../lib/due-work-query.js';
import { type EmivoyInstance, startEmivoyInstance } from '../lib/emivoy-instance.js';
import { alternate, pairedRatios, ratioAtLeast, ratioAtMost } from '../lib/figures.js';
import {
  insertPendingWaits,
  type WaitBatch,
  type WaitOwner,
  waitOwnerOf,
  waitThenEmail,
} from '../lib/pending-waits.js';
import { cpuMsOf, startEmivoyServer } from '../lib/processes.js';
import { progress, sleep } from '../lib/progress.js';
import type { Dialect } from '../lib/scenario.js';
import { formatNumber, median, summarize } from '../lib/stats.js';
import type { SuiteContext } from '../lib/suite-context.js';
import {
  copyTable,
  dropTable,
  secondaryIndexes,
  sqliteUsedBytes,
  type TableFootprint,
  tableFootprint,
} from '../lib/table-footprint.js';
import { fireBurst, outboxDelivery } from '../lib/wait-burst.js';
import { collectDrift, leadMs, pushDriftFigures } from './wait-drift.js';

const suite = 'waits';
/** The floor of the scale comparisons: a database with this many pending waits. */
const fewPending = 1_000;
/** The due-work index (migrations/0002-engine.ts): the one index of the bare floor table. */
const dueIndex = 'runs_due';
const entities = 100;
/** Pending waits are due from an hour ahead over 30 days: none falls due during the suite. */
const pendingAheadMs = 3_600_000;
const pendingWindowMs = 30 * 86_400_000;
const mebibyte = 1024 * 1024;
/** Idle memory may grow by less than this with the pending waits (MiB). */
const memoryGrowthTarget = 64;

/** A database holding `count` pending waits, with the (stopped) server that set it up. */
interface PendingDatabase {
  count: number;
  instance: EmivoyInstance;
  owner: WaitOwner;
  batch: WaitBatch;
  firstDue: number;
}

/**
 * Waits at scale: a database with many pending waits (1,000,000 in a full run) against one
 * with 1,000: the runs table's size on disk against a bare table of the same rows, the
 * worker's claim of due runs, an idle server's memory and CPU, and drift among them; then a
 * burst of waits due in the same second against the worker's own outbox delivery.
 */
export async function waitsAtScaleSuite(ctx: SuiteContext, dialect: Dialect): Promise<void> {
  const opened: EmivoyInstance[] = [];
  try {
    const few = await pendingDatabase(ctx, dialect, fewPending, opened);
    const many = await pendingDatabase(ctx, dialect, ctx.timing.pendingWaits, opened);
    await measureFootprint(ctx, dialect, many);
    await measureClaims(ctx, dialect, few, many);
    await measureIdleServers(ctx, dialect, few, many);
    await measureDriftAmongPending(ctx, dialect, many);
  } finally {
    for (const instance of opened) await instance.close();
  }
  await measureBurst(ctx, dialect);
}

async function pendingDatabase(
  ctx: SuiteContext,
  dialect: Dialect,
  count: number,
  opened: EmivoyInstance[],
): Promise<PendingDatabase> {
  const instance = await startEmivoyInstance({
    name: `emivoy serve (${dialect}, ${count} pending)`,
    dialect,
    postgresUrl: ctx.options.postgresUrl,
    scenario: waitThenEmail(entities),
  });
  opened.push(instance);
  // The server only set up the scenario; each measurement starts its own.
  await instance.server.stop();
  const owner = await waitOwnerOf(instance, { entities, livemode: true });
  const firstDue = Date.now() + pendingAheadMs;
  const started = performance.now();
  const batch = await insertPendingWaits(instance.database.handle.db, dialect, owner, {
    count,
    firstDue,
    windowMs: pendingWindowMs,
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  progress(`waits (${dialect}): ${formatNumber(count)} pending waits inserted in ${seconds} s`);
  return { count, instance, owner, batch, firstDue };
}

/** Figure 1: the runs table and its indexes against the same rows with the due index only. */
async function measureFootprint(
  ctx: SuiteContext,
  dialect: Dialect,
  many: PendingDatabase,
): Promise<void> {
  const { db } = many.instance.database.handle;
  const bare = 'bench_bare_runs';
  const full = 'bench_full_runs';
  let subject = await tableFootprint(db, dialect, 'runs');
  let floor: TableFootprint | null = null;
  try {
    if (subject) {
      await copyTable(db, dialect, { table: 'runs', indexes: [dueIndex] }, bare);
      floor = await tableFootprint(db, dialect, bare);
    } else {
      // SQLite without dbstat: the pages each copy adds to the file.
      const indexes = await secondaryIndexes(db, dialect, 'runs');
      subject = await pagesAdded(db, () =>
        copyTable(db, dialect, { table: 'runs', indexes }, full),
      );
      floor = await pagesAdded(db, () =>
        copyTable(db, dialect, { table: 'runs', indexes: [dueIndex] }, bare),
      );
    }
  } finally {
    await dropTable(db, bare);
    await dropTable(db, full);
  }
  if (!floor) throw new Error('the bare table could not be measured');

  const subjectMiB = subject.bytes / mebibyte;
  const floorMiB = floor.bytes / mebibyte;
  const ratio = summarize([subjectMiB / floorMiB]);
  ctx.figures.push({
    suite,
    database: dialect,
    name: `Disk: runs table + indexes, ${formatNumber(many.count)} pending waits`,
    unit: 'MiB',
    subject: summarize([subjectMiB]),
    floorName: `bare table, same rows, ${dueIndex} only`,
    floor: summarize([floorMiB]),
    ratio,
    target: ratioAtMost(ratio, 1.5),
  });
  const parts = (footprint: TableFootprint) =>
    footprint.parts
      .map((part) => `${part.name} ${formatNumber(part.bytes / mebibyte, 1)}`)
      .join(', ');
  ctx.notes.push({
    suite,
    text:
      `${dialect}: disk by ${subject.method}, MiB: ${parts(subject)}; ` + `bare: ${parts(floor)}`,
  });
}

async function pagesAdded(
  db: Kysely<Database>,
  build: () => Promise<void>,
): Promise<TableFootprint> {
  const before = await sqliteUsedBytes(db);
  await build();
  const bytes = (await sqliteUsedBytes(db)) - before;
  return { bytes, parts: [{ name: 'copy', bytes }], method: 'page count' };
}

/**
 * Figure 2: the store's `claimDueRuns`, as the worker calls it, on each database, timed in a
 * transaction rolled back after each claim; the median of up to 101 claims per repetition.
 * Once when nothing is due (the worker's idle poll) and once with a batch (50) due.
 */
async function measureClaims(
  ctx: SuiteContext,
  dialect: Dialect,
  few: PendingDatabase,
  many: PendingDatabase,
): Promise<void> {
  const budgetMs = ctx.options.quick ? 1_000 : 3_000;
  const cases = [
    { label: 'none due', expectRuns: 0, now: () => Date.now() },
    {
      label: '50 due',
      expectRuns: 50,
      // Time as it will be when the 50th earliest wait falls due.
      now: (database: PendingDatabase) =>
        database.firstDue + Math.floor((49 * pendingWindowMs) / database.count),
    },
  ];
  for (const { label, expectRuns, now } of cases) {
    progress(`waits (${dialect}): claim of due runs, ${label}`);
    const claim = (database: PendingDatabase) => () =>
      medianClaimMs(database.instance.database.handle.db, now(database), {
        maxRuns: 101,
        budgetMs,
        expectRuns,
      });
    const samples = await alternate(ctx.timing.repetitions, [
      { name: `${formatNumber(few.count)} pending`, run: claim(few) },
      { name: `${formatNumber(many.count)} pending`, run: claim(many) },
    ]);
    const subject = samples.get(`${formatNumber(many.count)} pending`) ?? [];
    const floor = samples.get(`${formatNumber(few.count)} pending`) ?? [];
    const ratio = pairedRatios(subject, floor);
    ctx.figures.push({
      suite,
      database: dialect,
      name: `Claim of due runs, ${label}, ${formatNumber(many.count)} pending`,
      unit: 'ms',
      subject: summarize(subject),
      floorName: `${formatNumber(few.count)} pending`,
      floor: summarize(floor),
      ratio,
      target: ratioAtMost(ratio, 2),
    });
    for (const database of [few, many]) {
      const statements = await claimStatements(dialect, now(database));
      const { db } = database.instance.database.handle;
      const plans = await Promise.all(
        statements.map((statement) => planOf(db, dialect, statement)),
      );
      ctx.notes.push({
        suite,
        text: `${dialect}: claim plan, ${label}, ${formatNumber(database.count)} pending: ${plans.join(' | ')}`,
      });
    }
  }
}

/**
 * Figure 3: `emivoy serve` started on each database, idle but polling: its resident memory
 * after `timing.idleMs`, and its CPU time from the first second to then.
 */
async function measureIdleServers(
  ctx: SuiteContext,
  dialect: Dialect,
  few: PendingDatabase,
  many: PendingDatabase,
): Promise<void> {
  const { timing } = ctx;
  progress(`waits (${dialect}): idle servers, ${timing.idleMs / 1000} s each`);
  const idle = (database: PendingDatabase) => async () => {
    const name = `emivoy serve (${dialect}, ${database.count} pending)`;
    const server = await startEmivoyServer(name, database.instance.env);
    try {
      await sleep(1_000);
      const cpuBefore = cpuMsOf(server.pid);
      const from = performance.now();
      await sleep(Math.max(timing.idleMs - 1_000, 1_000));
      const cpuShare = ((cpuMsOf(server.pid) - cpuBefore) / (performance.now() - from)) * 100;
      return { rssMiB: server.rssBytes() / mebibyte, cpuShare };
    } finally {
      await server.stop();
    }
  };
  const fewName = `${formatNumber(few.count)} pending`;
  const manyName = `${formatNumber(many.count)} pending`;
  const samples = await alternate(timing.repetitions, [
    { name: fewName, run: idle(few) },
    { name: manyName, run: idle(many) },
  ]);
  const values = (name: string, key: 'rssMiB' | 'cpuShare') =>
    (samples.get(name) ?? []).map((sample) => sample[key]);

  const rss = values(manyName, 'rssMiB');
  const rssFloor = values(fewName, 'rssMiB');
  const growth = median(rss.map((value, index) => value - (rssFloor[index] as number)));
  ctx.figures.push({
    suite,
    database: dialect,
    name: `Idle server memory (RSS), ${manyName}`,
    unit: 'MiB',
    subject: summarize(rss),
    floorName: fewName,
    floor: summarize(rssFloor),
    ratio: pairedRatios(rss, rssFloor),
    target: {
      text: `growth < ${memoryGrowthTarget} MiB (${formatNumber(growth, 1)})`,
      met: growth < memoryGrowthTarget,
    },
  });
  const cpu = values(manyName, 'cpuShare');
  const cpuFloor = values(fewName, 'cpuShare');
  ctx.figures.push({
    suite,
    database: dialect,
    name: `Idle server CPU, ${manyName}`,
    unit: '% of a core',
    subject: summarize(cpu),
    floorName: fewName,
    floor: summarize(cpuFloor),
    ratio: pairedRatios(cpu, cpuFloor),
    target: null,
  });
}

/**
 * Figure 5 at scale: `timing.waits` more waits, spread over the window, among the pending
 * ones; drift as the wait-drift suite measures it.
 */
async function measureDriftAmongPending(
  ctx: SuiteContext,
  dialect: Dialect,
  many: PendingDatabase,
): Promise<void> {
  const { timing } = ctx;
  const windowMs = timing.scaleDriftWindowMs;
  const server = await startEmivoyServer(
    `emivoy serve (${dialect}, ${many.count} pending)`,
    many.instance.env,
  );
  try {
    const { db } = many.instance.database.handle;
    const firstDue = Date.now() + leadMs;
    const batch = await insertPendingWaits(db, dialect, many.owner, {
      count: timing.waits,
      firstDue,
      windowMs,
    });
    progress(
      `waits (${dialect}): drift of ${timing.waits} waits over ${windowMs / 1000} s ` +
        `among ${formatNumber(many.count)} pending`,
    );
    const { drifts, late } = await collectDrift(db, batch, firstDue + windowMs);
    if (late > 0) {
      ctx.notes.push({
        suite,
        text: `${dialect}: ${late} waits had not fired 30 s after the window`,
      });
    }
    pushDriftFigures(ctx, {
      suite,
      dialect,
      label: `${timing.waits} over ${windowMs / 1000} s among ${formatNumber(many.count)} pending`,
      drifts,
    });
  } finally {
    await server.stop();
  }
}

/**
 * Figure 4: a burst of waits due in the same second, fired by `emivoy serve` (each run
 * advanced and its email captured by the outbox), against the same server delivering as many
 * messages already queued. One of each per database: the burst is the measurement.
 */
async function measureBurst(ctx: SuiteContext, dialect: Dialect): Promise<void> {
  const count = ctx.timing.burstWaits;
  const { postgresUrl } = ctx.options;
  progress(`waits (${dialect}): outbox delivery of ${formatNumber(count)} queued messages`);
  const delivery = await outboxDelivery(dialect, postgresUrl, count);
  progress(`waits (${dialect}): burst of ${formatNumber(count)} waits due in one second`);
  const burst = await fireBurst(dialect, postgresUrl, count);

  const allFired =
    burst.left === 0 && burst.completedRuns === count && burst.capturedMessages === count;
  const floorName = `worker delivering ${formatNumber(count)} queued outbox messages`;
  const rate = summarize([burst.rate / delivery.rate]);
  ctx.figures.push({
    suite,
    database: dialect,
    name: `Burst of ${formatNumber(count)} waits due in one second, fired (10–90%)`,
    unit: '/s',
    subject: summarize([burst.rate]),
    floorName,
    floor: summarize([delivery.rate]),
    ratio: rate,
    target: ratioAtLeast(rate, 1),
  });
  const total = summarize([burst.totalMs / delivery.totalMs]);
  ctx.figures.push({
    suite,
    database: dialect,
    name: `Burst of ${formatNumber(count)} waits: from due to all fired`,
    unit: 's',
    subject: summarize([burst.totalMs / 1000]),
    floorName,
    floor: summarize([delivery.totalMs / 1000]),
    ratio: total,
    target: { text: `all ${formatNumber(count)} fire`, met: allFired },
  });
  const cpu = summarize([burst.cpuMsPerItem / delivery.cpuMsPerItem]);
  ctx.figures.push({
    suite,
    database: dialect,
    name: `Burst: server CPU per wait fired (advance + delivery)`,
    unit: 'ms',
    subject: summarize([burst.cpuMsPerItem]),
    floorName: 'per queued message delivered',
    floor: summarize([delivery.cpuMsPerItem]),
    ratio: cpu,
    target: null,
  });
  ctx.notes.push({
    suite,
    text:
      `${dialect}: burst: ${formatNumber(burst.completedRuns)} runs completed, ` +
      `${formatNumber(burst.capturedMessages)} messages captured, ${burst.left} left` +
      `${burst.setInTime ? '' : ' (the due times were set after the first was due)'}; ` +
      `message claim plan after it: ${burst.messageClaimPlan}`,
  });
}
