import { type Kysely, sql } from 'kysely';
import type { Database } from '../../packages/server/src/store/database.js';
import { startEmivoyInstance } from '../lib/emivoy-instance.js';
import { valueAtMost } from '../lib/figures.js';
import { progress, sleep } from '../lib/progress.js';
import { type Dialect, eventBody, inParallel } from '../lib/scenario.js';
import { latencyFigures, summarize } from '../lib/stats.js';
import type { SuiteContext } from '../lib/suite-context.js';

const suite = 'wait-drift';
/** The worker's longest sleep between looks for due work (engine/worker.ts, pollMs). */
export const pollMs = 500;
/** Time between setting the due times and the first of them. */
export const leadMs = 5_000;
/** How long after the window a run may still fire before it counts as late. */
const graceMs = 30_000;

/** Some runs by id, first to last; null: every run of the database. */
export type RunRange = { firstRunId: string; lastRunId: string } | null;

/**
 * Wait drift: N events start runs of a policy "wait 1h, then send_email"; once every run
 * is waiting, their due times are moved (in the database, as time passing would) to spread
 * evenly over the window. The server (`serve`, API and worker, otherwise idle) fires them;
 * drift is when the worker executed the step after the wait (the run's `ended_at`) minus
 * when it was due, from the server's own clock. A run not fired 30 s after the window counts
 * with its drift so far. The floor is the worker's poll interval: a wait found by polling
 * fires up to one interval late, plus the work.
 */
export async function waitDriftSuite(ctx: SuiteContext, dialect: Dialect): Promise<void> {
  const { timing, options } = ctx;
  const emivoy = await startEmivoyInstance({
    name: `emivoy serve (${dialect})`,
    dialect,
    postgresUrl: options.postgresUrl,
    scenario: {
      entities: 10,
      steps: (templateId) => [
        { type: 'wait', duration: '1h' },
        { type: 'send_email', template_id: templateId },
      ],
    },
  });
  try {
    const { db } = emivoy.database.handle;
    progress(`wait-drift (${dialect}): ${timing.waits} waits`);
    const sequences = Array.from({ length: timing.waits }, (_, index) => index);
    await inParallel(sequences, 8, async (n) => {
      await emivoy.api.call('POST', '/events', JSON.parse(eventBody(n, 10)));
    });
    while ((await countWaiting(db, null)) < timing.waits) await sleep(100);

    const runs = await db.selectFrom('runs').select('id').orderBy('id').execute();
    const firstDue = Date.now() + leadMs;
    const step = timing.waitWindowMs / timing.waits;
    await db.transaction().execute(async (trx) => {
      for (const [index, run] of runs.entries()) {
        const wakeAt = Math.round(firstDue + index * step);
        await sql`update runs set wake_at = ${wakeAt} where id = ${run.id}`.execute(trx);
      }
    });
    progress(
      `wait-drift (${dialect}): due from now + ${leadMs / 1000} s over ${timing.waitWindowMs / 1000} s`,
    );

    const { drifts, late } = await collectDrift(db, null, firstDue + timing.waitWindowMs);
    if (late > 0) {
      ctx.notes.push({
        suite,
        text: `${dialect}: ${late} waits had not fired 30 s after the window`,
      });
    }
    pushDriftFigures(ctx, {
      suite,
      dialect,
      label: `${timing.waits} waits over ${timing.waitWindowMs / 60_000} min`,
      drifts,
    });
  } finally {
    await emivoy.close();
  }
}

/** Waiting runs in `runs`. */
async function countWaiting(db: Kysely<Database>, runs: RunRange): Promise<number> {
  let query = db
    .selectFrom('runs')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('status', '=', 'waiting');
  if (runs) query = query.where('id', '>=', runs.firstRunId).where('id', '<=', runs.lastRunId);
  return Number((await query.executeTakeFirstOrThrow()).count);
}

/**
 * Waits until every run in `runs` has fired, or 30 s after the last is due, polling every
 * second; then returns each run's drift (`ended_at` − `wake_at`, or now − `wake_at` for a
 * run that has not fired) and how many had not fired.
 */
export async function collectDrift(
  db: Kysely<Database>,
  runs: RunRange,
  lastDue: number,
): Promise<{ drifts: number[]; late: number }> {
  const deadline = lastDue + graceMs;
  while (Date.now() < deadline) {
    if ((await countWaiting(db, runs)) === 0) break;
    await sleep(1_000);
  }
  let query = db.selectFrom('runs').select(['wake_at', 'ended_at', 'status']);
  if (runs) query = query.where('id', '>=', runs.firstRunId).where('id', '<=', runs.lastRunId);
  const fired = await query.execute();
  const now = Date.now();
  const drifts = fired.map((run) =>
    run.status === 'completed' && run.ended_at !== null
      ? run.ended_at - run.wake_at
      : now - run.wake_at,
  );
  return { drifts, late: fired.filter((run) => run.status !== 'completed').length };
}

/** The p50 and p99 of `drifts` against the poll interval; p99 has the ≤ 1 s target. */
export function pushDriftFigures(
  ctx: SuiteContext,
  drift: { suite: string; dialect: Dialect; label: string; drifts: number[] },
): void {
  const figures = latencyFigures(drift.drifts);
  for (const key of ['p50', 'p99'] as const) {
    const value = summarize([figures[key]]);
    ctx.figures.push({
      suite: drift.suite,
      database: drift.dialect,
      name: `Wait drift ${key} (${drift.label})`,
      unit: 'ms',
      subject: value,
      floorName: 'worker poll interval',
      floor: summarize([pollMs]),
      ratio: summarize([figures[key] / pollMs]),
      target: key === 'p99' ? valueAtMost(value, 1000, 'ms') : null,
    });
  }
}
