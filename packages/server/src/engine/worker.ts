import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../store/database.js';
import { hasRowLocks } from '../store/has-row-locks.js';
import { purgeIdempotencyKeys } from '../store/idempotency-store.js';
import { claimDueMessages, type MessageRow, releaseMessages } from '../store/messages-store.js';
import { activeRunStatuses, claimDueRuns, type RunRow } from '../store/runs-store.js';
import { advanceLeasedRuns } from './advance-leased-runs.js';
import { type AdvanceClaim, advanceRun } from './advance-run.js';
import { cutShortDelay } from './cut-short-delay.js';
import { deliverBatch } from './deliver-batch.js';
import type { DeliveryRoute, RouteFor } from './deliver-message.js';
import { deliveryBackoffMs } from './delivery-backoff.js';
import type { EngineContext } from './engine-context.js';
import { outboxRoute } from './outbox-route.js';
import { OutcomeRecorder } from './outcome-recorder.js';

export interface WorkerOptions {
  db: Kysely<Database>;
  logger: Logger;
  now?: () => number;
  leaseMs?: number;
  /** How many due runs one claim takes. */
  batchSize?: number;
  /** How many deliveries are in flight at once, across accounts. */
  deliveryConcurrency?: number;
  /** The longest sleep between looks for due work: a due wait fires within this. */
  pollMs?: number;
  /** Where each message goes; by default the outbox captures everything. */
  routeFor?: RouteFor;
  /** How long a delivery outcome waits for others to share its commit (OutcomeRecorder). */
  outcomeGatherMs?: number;
}

/** Messages of one step (or one claimed message) and the route they take, read ahead. */
interface WaitingUnit {
  messages: MessageRow[];
  route: Promise<DeliveryRoute>;
}

/** How many transactions advance claimed runs at once. */
const advanceLanes = 4;

/** A run whose execution keeps throwing (not a step failure) is failed after this. */
const maxRunAttempts = 10;

/**
 * The engine's loop: advance the runs this process's API hands over and the runs found due,
 * deliver the messages they queue at once, claim due messages (retries, work left by other
 * workers) as delivery has room, sleep until woken or until the poll interval passes.
 *
 * Invariants:
 * - No timer holds work: everything due is found by an indexed query on `wake_at` or
 *   `next_attempt_at`, so a restart loses nothing and any worker can do any work. A hand-over
 *   from the API only saves that query's wait; the run is in the database either way.
 * - Work is held with a lease (or, while a run advances, its row lock); a worker that dies
 *   leaves leases that expire, and the work is claimed again. Everything a run's advance does
 *   commits together.
 * - Deliveries run side by side, `deliveryConcurrency` at most; a slot is free again once the
 *   provider answers, and the outcomes commit in groups behind (the message stays leased until
 *   its outcome commits). A message waits for its slot while leased, and is given back on stop.
 */
export class Worker {
  readonly ctx: EngineContext;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly routeFor: RouteFor;
  private readonly outcomes: OutcomeRecorder;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wakeSleeper: (() => void) | null = null;
  private woken = false;
  private lastPurge = 0;
  /** Runs the API of this process started, due now. */
  private handed: string[] = [];
  /**
   * Messages leased to this worker, waiting for a delivery slot: one message, or the
   * messages of one step, which go to the provider together where it takes batches.
   */
  private waiting: WaitingUnit[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  /**
   * The last claim of messages came back full, so more may be due: a delivery that ends
   * then wakes the loop to claim them, instead of waiting for the poll.
   */
  private moreMessagesDue = true;
  /**
   * Runs may have become due: someone woke this worker, the poll interval passed, or the
   * last claim of runs came back full. Deliveries ending wake the loop often; each such
   * round then claims messages only, instead of also looking for runs (a statement each).
   */
  private runsMayBeDue = true;
  private lastRunClaim = 0;

  constructor(options: WorkerOptions) {
    this.ctx = {
      db: options.db,
      logger: options.logger.child({ component: 'worker' }),
      now: options.now ?? Date.now,
      owner: `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
      leaseMs: options.leaseMs ?? 30_000,
    };
    this.batchSize = options.batchSize ?? 50;
    this.concurrency = options.deliveryConcurrency ?? 50;
    this.pollMs = options.pollMs ?? 500;
    this.routeFor = options.routeFor ?? (async () => outboxRoute);
    this.outcomes = new OutcomeRecorder(this.ctx, this.concurrency, options.outcomeGatherMs);
  }

  start(): void {
    if (this.loop) return;
    this.ctx.logger.info(
      { owner: this.ctx.owner, pollMs: this.pollMs, deliveryConcurrency: this.concurrency },
      'worker started',
    );
    this.loop = this.runLoop();
  }

  /**
   * Work was queued: look now instead of at the next poll. `dueRunIds` are runs this
   * process committed that are due now: they are advanced first, without a query.
   */
  wake(dueRunIds?: string[]): void {
    if (dueRunIds && !this.stopping) this.handed.push(...dueRunIds);
    this.runsMayBeDue = true;
    this.wakeLoop();
  }

  private wakeLoop(): void {
    this.woken = true;
    this.wakeSleeper?.();
  }

  /** Finishes the deliveries in flight, gives back the messages still waiting, and stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
    const unstarted = this.waiting.splice(0).flatMap((unit) => unit.messages);
    await releaseMessages(
      this.ctx.db,
      this.ctx.owner,
      unstarted.map((message) => message.id),
    );
    await this.deliveriesSettled();
    this.ctx.logger.info({ released: unstarted.length }, 'worker stopped');
  }

  /** Does every piece of work due now, then returns how many it did (for tests and tools). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      this.runsMayBeDue = true;
      const done = await this.tick();
      await this.deliveriesSettled();
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
    // Cleared however the sleep ends: a stale sleeper would swallow the next wake().
    const delay = cutShortDelay(ms, () => {
      this.wakeSleeper = null;
    });
    this.wakeSleeper = () => {
      this.woken = false;
      delay.cut();
    };
    return delay.ended;
  }

  /**
   * One round: runs handed over, due runs (while delivery keeps up), due messages as
   * delivery has room. Returns how many items it handled.
   */
  private async tick(): Promise<number> {
    let done = 0;
    while (this.handed.length > 0 && !this.stopping) {
      for (const runId of this.handed.splice(0)) {
        if (this.stopping) break;
        if (await this.advance({ handedRunId: runId })) done++;
      }
    }

    // Advancing more runs while many messages wait for a slot would only let leases run out.
    if (!this.stopping && this.waiting.length < this.concurrency && this.mayClaimRuns()) {
      const runs = await this.claimRuns();
      this.runsMayBeDue = runs.length === this.batchSize;
      // The claimed runs advance in a few groups side by side, each group one transaction:
      // the groups' commits can share one fsync (SQLite's group commit) or use more than one
      // connection (PostgreSQL). What a group leaves advances alone, a few at a time.
      const alone = await this.advanceTogether(runs);
      let next = 0;
      const lane = async () => {
        while (next < alone.length && !this.stopping) {
          await this.advance({ leased: alone[next++] as RunRow });
        }
      };
      await Promise.all(Array.from({ length: Math.min(advanceLanes, alone.length) }, lane));
      if (next < alone.length) await this.releaseRuns(alone.slice(next));
      done += runs.length;
    }

    const room = this.deliveryRoom();
    if (!this.stopping && room >= this.refillAt()) {
      // SQLite: the outcomes gathered so far then share this claim's commit (one fsync, which
      // blocks the loop, instead of two). PostgreSQL commits each statement on a connection
      // of its own, and closing early would only make the groups smaller.
      if (!hasRowLocks(this.ctx.db)) this.outcomes.closeGroupNow();
      const messages = await this.claimMessages(room);
      this.moreMessagesDue = messages.length === room;
      this.deliver(messages.map((message) => [message]));
      done += messages.length;
    }

    await this.purgeNowAndThen();
    return done;
  }

  private mayClaimRuns(): boolean {
    return this.runsMayBeDue || this.ctx.now() - this.lastRunClaim >= this.pollMs;
  }

  /**
   * How many more messages this worker may hold: those in flight plus one more round
   * waiting, so the next claim lands before delivery runs dry.
   */
  private deliveryRoom(): number {
    return 2 * this.concurrency - this.inFlight.size - this.waiting.length;
  }

  /**
   * Claims of messages take at least a whole round at once: a busy worker claims in groups
   * (one statement, and one read of provider settings, per group) rather than a few at a time.
   */
  private refillAt(): number {
    return this.concurrency;
  }

  /** Starts delivering leased messages, as many at once as `deliveryConcurrency` allows. */
  private deliver(units: MessageRow[][]): void {
    for (const messages of units) {
      const [first] = messages;
      if (!first) continue;
      // The route (the account's provider settings) is read as the messages arrive: those
      // that arrive in one turn share one read, however their slots come free later.
      const route = this.routeFor(first);
      route.catch(() => {}); // Awaited when the unit starts; its delivery records a refusal.
      this.waiting.push({ messages, route });
    }
    // A stopping worker starts nothing more: what still waits is given back by `stop`.
    while (!this.stopping && this.inFlight.size < this.concurrency && this.waiting.length > 0) {
      const unit = this.waiting.shift() as WaitingUnit;
      // Messages that waited past their lease may be another worker's by now.
      const now = this.ctx.now();
      const messages = unit.messages.filter((message) => (message.lease_until ?? 0) > now);
      if (messages.length === 0) continue;
      const delivery: Promise<void> = deliverBatch(
        this.ctx,
        messages,
        () => unit.route,
        (leased, outcome) => this.outcomes.record(leased, outcome),
      )
        .then(
          () => {},
          (error: unknown) => {
            // Outcomes not handed to the recorder: the leases expire and the messages are
            // delivered again, inside the documented at-least-once window.
            this.ctx.logger.error(
              { err: error, messageIds: messages.map((message) => message.id) },
              'delivery failed unexpectedly',
            );
          },
        )
        .finally(() => {
          this.inFlight.delete(delivery);
          this.deliver([]);
          // Nothing else is being delivered, so no answer is coming to join the outcomes
          // gathered: waiting would only hold back the message's status (a quiet server's
          // latency) and keep the at-least-once window open.
          if (this.inFlight.size === 0) this.outcomes.closeGroupNow();
          if (this.moreMessagesDue && this.deliveryRoom() >= this.refillAt()) this.wakeLoop();
        });
      this.inFlight.add(delivery);
    }
  }

  private async deliveriesSettled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    await this.outcomes.flushed();
  }

  private claimRuns(): Promise<RunRow[]> {
    const now = this.ctx.now();
    this.lastRunClaim = now;
    return claimDueRuns(this.ctx.db, this.ctx.owner, now, now + this.ctx.leaseMs, this.batchSize);
  }

  private claimMessages(limit: number): Promise<MessageRow[]> {
    const now = this.ctx.now();
    return claimDueMessages(this.ctx.db, this.ctx.owner, now, now + this.ctx.leaseMs, limit);
  }

  /**
   * Advances leased runs in groups of a transaction each (`advanceLeasedRuns`) and starts
   * delivering what they queued; returns the runs left to advance alone.
   */
  private async advanceTogether(runs: RunRow[]): Promise<RunRow[]> {
    if (this.stopping || runs.length === 0) return runs;
    const size = Math.ceil(runs.length / advanceLanes);
    const groups = Array.from({ length: Math.ceil(runs.length / size) }, (_, index) =>
      runs.slice(index * size, (index + 1) * size),
    );
    const results = await Promise.all(groups.map((group) => advanceLeasedRuns(this.ctx, group)));
    for (const { advanced } of results) {
      for (const { run, queued, toDeliver } of advanced) {
        this.ctx.logger.debug({ runId: run.id, queued }, 'run advanced');
        this.deliver([toDeliver]);
      }
    }
    return results.flatMap((result) => result.alone);
  }

  /** Advances one run and starts delivering what it queued; false if it was not ours. */
  private async advance(claim: AdvanceClaim): Promise<boolean> {
    const runId = 'leased' in claim ? claim.leased.id : claim.handedRunId;
    try {
      const advanced = await advanceRun(this.ctx, claim);
      if (advanced === null) {
        this.ctx.logger.debug({ runId }, 'run was cancelled or taken meanwhile');
        return false;
      }
      this.ctx.logger.debug({ runId, queued: advanced.queued }, 'run advanced');
      this.deliver([advanced.toDeliver]);
      return true;
    } catch (error) {
      this.ctx.logger.error({ err: error, runId }, 'run step threw; retrying later');
      // A handed-over run was never leased: the due-work query finds it again.
      if ('leased' in claim) {
        const message = error instanceof Error ? error.message : String(error);
        await this.retryRunLater(claim.leased, message);
      }
      return false;
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
