import { lockLeasedRuns } from '../store/lock-leased-runs.js';
import { insertMessages, type MessageRow } from '../store/messages-store.js';
import { appendRunLog, type RunLogEntry } from '../store/run-log-store.js';
import { storeRunPositions } from '../store/run-positions-store.js';
import type { RunRow } from '../store/runs-store.js';
import {
  type Advanced,
  executeSteps,
  keptLog,
  positionChange,
  queuedIn,
  type RunPosition,
  toDeliverOf,
} from './advance-run.js';
import type { EngineContext } from './engine-context.js';
import type { DeliveryLease } from './send-email-step.js';
import { readsOfRuns } from './step-reads.js';

/** One run of the group once its steps are executed, before the group's writes. */
interface Executed {
  run: RunRow;
  position: RunPosition;
  log: RunLogEntry[];
  /** The messages its steps made, stored with the group's. */
  queued: MessageRow[];
}

/** What a shared advance did, and the runs the caller must advance one by one. */
export interface AdvancedTogether {
  advanced: Advanced[];
  alone: RunRow[];
}

/**
 * Advances several runs leased to this worker in ONE transaction: one commit (one fsync)
 * and a few statements for the lot instead of a few each: one lock, the reads
 * (step-reads.ts), then, once every run's steps are executed, one INSERT of all their
 * messages with their history, one UPDATE of their positions and one INSERT of their log
 * entries. Each run is still all-or-nothing, because the lot is: if anything throws, nothing of the transaction is kept and every run
 * of it comes back in `alone`, for the caller to advance in a transaction of its own
 * (`advanceRun`), where one run's error touches no other run.
 *
 * Runs that could not be locked at once (on PostgreSQL: held by a cancel under way) come
 * back in `alone` too; runs that are no longer this worker's (cancelled, lease taken over)
 * come back nowhere, as `advanceRun` would have answered null for them.
 */
export async function advanceLeasedRuns(
  ctx: EngineContext,
  runs: RunRow[],
): Promise<AdvancedTogether> {
  const ids = runs.map((run) => run.id);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const now = ctx.now();
      const locked = await lockLeasedRuns(trx, ids, ctx.owner, now);
      const lockedIds = new Set(locked.map((run) => run.id));
      const reads = await readsOfRuns(trx, locked);
      const done: Executed[] = [];
      for (const run of locked) {
        const log: RunLogEntry[] = [];
        const delivery: DeliveryLease = { owner: ctx.owner, until: now + ctx.leaseMs, queued: [] };
        const position = await executeSteps(trx, run, now, log, delivery, reads);
        done.push({ run, position, log, queued: delivery.queued });
      }
      // What the runs' steps wrote, stored for the whole group at once.
      const stored = await insertMessages(
        trx,
        done.flatMap((item) => item.queued),
        now,
      );
      const positions = done.map((item) => positionChange(item.run, item.position, now));
      await storeRunPositions(trx, positions, now);
      const logs = done.map((item) => keptLog(item.log, stored));
      await appendRunLog(trx, logs.flat(), now);
      const advanced = done.map(({ run, queued }, index) => ({
        run,
        queued: queuedIn(logs[index] ?? []),
        toDeliver: toDeliverOf(queued, stored),
      }));
      // Skipped by the lock, or no longer ours: `advanceRun` waits for the lock, and answers
      // null for a run that is not ours. One more transaction, for a rare run.
      return { advanced, alone: runs.filter((run) => !lockedIds.has(run.id)) };
    });
  } catch (error) {
    ctx.logger.warn(
      { err: error, runIds: ids },
      'runs advanced together failed; advancing each on its own',
    );
    return { advanced: [], alone: runs };
  }
}
