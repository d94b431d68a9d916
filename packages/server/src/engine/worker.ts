import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../store/database.js';
import { purgeIdempotencyKeys } from '../store/idempotency-store.js';
import { claimDueMessages, type MessageRow } from '../store/messages-store.js';
import { activeRunStatuses, claimDueRuns, type RunRow } from '../store/runs-store.js';
import { advanceRun } from './advance-run.js';
import { deliverMessage, type RouteFor } from './deliver-message.js';
import { deliveryBackoffMs } from './delivery-backoff.js';
import type { EngineContext } from './engine-context.js';
import { outboxRoute } from './outbox-route.js';

export interface WorkerOptions {
  db: Kysely<Database>;
  logger: Logger;
  now?: () => number;
  leaseMs?: number;
  /** How many runs, and how many messages, one claim takes. */
  batchSize?: number;
  /** The longest sleep between looks for due work: a due wait fires within this. */
  pollMs?: number;
  /** Where each message goes; by default the outbox captures everything. */
  routeFor?: RouteFor;
}

/** A run whose execution keeps throwing (not a step failure) is failed after this. */
const maxRunAttempts = 10;

/**
 * The engine's loop: claim due runs and advance them, claim due messages and deliver them,
 * sleep until woken or until the poll interval passes.
 *
 * Invariants:
 * - No timer holds work: everything due is found by an indexed query on `wake_at` or
 *   `next_attempt_at`, so a restart loses nothing and any worker can do any work.
 * - Work is claimed with a lease; a worker that dies leaves leases that expire, and the work
 *   is claimed again. Everything a claim does commits together with its release.
 * - On stop, the item in hand is finished and the rest of the batch is released at once.
 */
export class Worker {
  readonly ctx: EngineContext;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly routeFor: RouteFor;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wakeSleeper: (() => void) | null = null;
  private woken = false;
  private lastPurge = 0;

  constructor(options: WorkerOptions) {
    this.ctx = {
      db: options.db,
      logger: options.logger.child({ component: 'worker' }),
      now: options.now ?? Date.now,
      owner: `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
      leaseMs: options.leaseMs ?? 30_000,
    };
    this.batchSize = options.batchSize ?? 50;
    this.pollMs = options.pollMs ?? 500;
    this.routeFor = options.routeFor ?? (async () => outboxRoute);
  }

  start(): void {
    if (this.loop) return;
    this.ctx.logger.info({ owner: this.ctx.owner, pollMs: this.pollMs }, 'worker started');
    this.loop = this.runLoop();
  }

  /** Work was queued: look now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeSleeper?.();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
    this.ctx.logger.info('worker stopped');
  }

  /** Does every piece of work due now, then returns how many it did (for tests and tools). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const done = await this.tick();
      if (done === 0) return total;
      total += done;
    }
  }

  private async runLoop(): Promise<void> {
    while (!this.stopping) {
      let done = 0;
      try {
        done = await this.tick();
      } catch (error) {
        this.ctx.logger.error(
          { err: error },
          'worker loop failed; retrying after the poll interval',
        );
      }
      if (done === 0 && !this.stopping) await this.sleep(this.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        // Cleared however the sleep ends: a stale sleeper would swallow the next wake().
        this.wakeSleeper = null;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wakeSleeper = () => {
        this.woken = false;
        finish();
      };
    });
  }

  /** One round: due runs, then due messages. Returns how many items it handled. */
  private async tick(): Promise<number> {
    const runs = await this.claimRuns();
    for (const [index, run] of runs.entries()) {
      if (this.stopping) {
        await this.releaseRuns(runs.slice(index));
        break;
      }
      await this.advance(run);
    }

    const messages = this.stopping ? [] : await this.claimMessages();
    await Promise.all(messages.map((message) => deliverMessage(this.ctx, message, this.routeFor)));

    await this.purgeNowAndThen();
    return runs.length + messages.length;
  }

  private claimRuns(): Promise<RunRow[]> {
    const now = this.ctx.now();
    return claimDueRuns(this.ctx.db, this.ctx.owner, now, now + this.ctx.leaseMs, this.batchSize);
  }

  private claimMessages(): Promise<MessageRow[]> {
    const now = this.ctx.now();
    return claimDueMessages(
      this.ctx.db,
      this.ctx.owner,
      now,
      now + this.ctx.leaseMs,
      this.batchSize,
    );
  }

  private async advance(run: RunRow): Promise<void> {
    const log = this.ctx.logger.child({ runId: run.id, attempt: run.attempts });
    try {
      const queued = await advanceRun(this.ctx, run);
      if (queued === null) log.debug('run was cancelled or taken over meanwhile');
      else log.debug({ queued }, 'run advanced');
    } catch (error) {
      log.error({ err: error }, 'run step threw; retrying later');
      await this.retryRunLater(run, error instanceof Error ? error.message : String(error));
    }
  }

  /** An unexpected error (not a step failure): back off, and fail the run in the end. */
  private async retryRunLater(run: RunRow, error: string): Promise<void> {
    const now = this.ctx.now();
    const giveUp = run.attempts >= maxRunAttempts;
    await this.ctx.db
      .updateTable('runs')
      .set({
        status: giveUp ? 'failed' : run.status,
        wake_at: giveUp ? run.wake_at : now + deliveryBackoffMs(run.attempts),
        last_error: giveUp ? `gave up after ${run.attempts} attempts: ${error}` : error,
        lease_owner: null,
        lease_until: null,
        updated_at: now,
        ended_at: giveUp ? now : null,
      })
      .where('id', '=', run.id)
      .where('lease_owner', '=', this.ctx.owner)
      .where('status', 'in', activeRunStatuses)
      .execute();
  }

  private async releaseRuns(runs: RunRow[]): Promise<void> {
    if (runs.length === 0) return;
    await this.ctx.db
      .updateTable('runs')
      .set({ lease_owner: null, lease_until: null })
      .where(
        'id',
        'in',
        runs.map((run) => run.id),
      )
      .where('lease_owner', '=', this.ctx.owner)
      .execute();
  }

  /** Idempotency keys expire after 24 hours; sweep them every ten minutes. */
  private async purgeNowAndThen(): Promise<void> {
    const now = this.ctx.now();
    if (now - this.lastPurge < 600_000) return;
    this.lastPurge = now;
    const purged = await purgeIdempotencyKeys(this.ctx.db, now);
    if (purged > 0) this.ctx.logger.info({ purged }, 'expired idempotency keys purged');
  }
}
