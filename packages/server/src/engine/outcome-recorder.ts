import type { DeliveryOutcome, MessageRow } from '../store/messages-store.js';
import { finishDeliveries } from '../store/messages-store.js';
import type { EngineContext } from './engine-context.js';

interface PendingOutcome {
  message: MessageRow;
  outcome: DeliveryOutcome;
  settle: (recorded: boolean) => void;
  fail: (error: unknown) => void;
}

/**
 * Records delivery outcomes in groups: every answer that arrives while one group commits
 * waits for the next, so a burst of answers costs a few commits instead of one each (on
 * SQLite each commit is an fsync). Each caller learns whether its outcome was recorded
 * (false: the lease was taken over meanwhile).
 *
 * Nothing is lost by waiting: until its outcome commits a message stays leased and
 * `queued`, and is delivered again if the process dies (the documented at-least-once window).
 */
export class OutcomeRecorder {
  private pending: PendingOutcome[] = [];
  private committing: Promise<void> | null = null;

  constructor(private readonly ctx: EngineContext) {}

  record(message: MessageRow, outcome: DeliveryOutcome): Promise<boolean> {
    return new Promise((settle, fail) => {
      this.pending.push({ message, outcome, settle, fail });
      this.committing ??= this.commitAll();
    });
  }

  /** Resolves once every outcome handed in so far is committed. */
  async flushed(): Promise<void> {
    while (this.committing) await this.committing;
  }

  private async commitAll(): Promise<void> {
    // One turn of the event loop lets the answers that arrived together join the group.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
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
}
