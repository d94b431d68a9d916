import { lockLeasedRuns } from '../store/lock-leased-runs.js';
import type { MessageRow } from '../store/messages-store.js';
import { appendRunLog, type RunLogEntry } from '../store/run-log-store.js';
import type { RunRow } from '../store/runs-store.js';
import { type Advanced, executeSteps, queuedIn, storePosition } from './advance-run.js';
import type { EngineContext } from './engine-context.js';
import { readsOfRuns } from './step-reads.js';

/** What a shared advance did, and the runs the caller must advance one by one. */
export interface AdvancedTogether {
  advanced: Advanced[];
  alone: RunRow[];
}

/**
 * Advances several runs leased to this worker in ONE transaction: one commit (one fsync)
 * and one lock statement for the lot instead of one each. Each run is still all-or-nothing,
 * because the lot is: if anything throws, nothing of the transaction is kept and every run
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
      const log: RunLogEntry[] = [];
      const advanced: Advanced[] = [];
      for (const run of locked) {
        const runLog: RunLogEntry[] = [];
        const toDeliver: MessageRow[] = [];
        const position = await executeSteps(
          trx,
          run,
          now,
          runLog,
          {
            owner: ctx.owner,
            until: now + ctx.leaseMs,
            leased: toDeliver,
          },
          reads,
        );
        await storePosition(trx, run.id, position, now);
        log.push(...runLog);
        advanced.push({ run, queued: queuedIn(runLog), toDeliver });
      }
      await appendRunLog(trx, log, now);
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
