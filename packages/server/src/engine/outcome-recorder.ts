import type { DeliveryOutcome, MessageRow } from '../store/messages-store.js';
import { finishDeliveries } from '../store/messages-store.js';
import { cutShortDelay } from './cut-short-delay.js';
import type { EngineContext } from './engine-context.js';

interface PendingOutcome {
  message: MessageRow;
  outcome: DeliveryOutcome;
  settle: (recorded: boolean) => void;
  fail: (error: unknown) => void;
}

/**
 * How long the first outcome of a group waits for others to join it. Answers arrive spread
 * out, a few per event-loop turn: a group per turn meant about one commit (on SQLite one
 * fsync, blocking the loop) per two or three messages. A few milliseconds gather a dozen or
 * more at full speed and add nothing the sender waits for: the delivery slot is already free.
 */
const defaultGatherMs = 10;

/**
 * Records delivery outcomes in groups: a group closes when `groupSize` outcomes are in or
 * `gatherMs` after its first, and every answer that arrives while one group commits waits
 * for the next. Each caller learns whether its outcome was recorded (false: the lease was
 * taken over meanwhile).
 *
 * Nothing is lost by waiting: until its outcome commits a message stays leased and
 * `queued`, and is delivered again if the process dies (the documented at-least-once window,
 * which the gathering widens by `gatherMs`).
 */
export class OutcomeRecorder {
  private pending: PendingOutcome[] = [];
  private committing: Promise<void> | null = null;
  /** Ends the current gathering early: the group is full, or everything must commit now. */
  private closeGroup: (() => void) | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly groupSize: number,
    private readonly gatherMs = defaultGatherMs,
  ) {}

  record(message: MessageRow, outcome: DeliveryOutcome): Promise<boolean> {
    return new Promise((settle, fail) => {
      this.pending.push({ message, outcome, settle, fail });
      if (this.pending.length >= this.groupSize) this.closeGroup?.();
      this.committing ??= this.commitAll();
    });
  }

  /**
   * Closes the group being gathered now instead of at its timer: a write the caller starts in
   * the same turn then shares its commit (on SQLite one fsync, where each blocks the loop).
   */
  closeGroupNow(): void {
    this.closeGroup?.();
  }

  /** Commits what is gathered without waiting; resolves once every outcome so far is committed. */
  async flushed(): Promise<void> {
    while (this.committing) {
      this.closeGroup?.();
      await this.committing;
    }
  }

  private async commitAll(): Promise<void> {
    while (this.pending.length > 0) {
      if (this.pending.length < this.groupSize) await this.gather();
      const group = this.pending;
      this.pending = [];
      try {
        const recorded = await finishDeliveries(this.ctx.db, this.ctx.owner, group, this.ctx.now());
        for (const [index, item] of group.entries()) item.settle(recorded[index] ?? false);
      } catch (error) {
        for (const item of group) item.fail(error);
      }
    }
    this.committing = null;
  }

  private gather(): Promise<void> {
    const delay = cutShortDelay(this.gatherMs, () => {
      this.closeGroup = null;
    });
    this.closeGroup = delay.cut;
    return delay.ended;
  }
}
