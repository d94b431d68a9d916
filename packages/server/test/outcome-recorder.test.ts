import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineContext } from '../src/engine/engine-context.js';
import { outboxRoute } from '../src/engine/outbox-route.js';
import { OutcomeRecorder } from '../src/engine/outcome-recorder.js';
import { Worker } from '../src/engine/worker.js';
import { createLogger } from '../src/logger.js';
import { type MessageRow, queueMessages } from '../src/store/messages-store.js';
import { waitFor } from './harness/emivoy-processes.js';
import { newMessages } from './harness/new-messages.js';
import { createTestDatabase, type TestDatabase, testDialects } from './harness/test-database.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Delivery outcomes commit in groups (engine/outcome-recorder.ts). Each commit reads the
 * clock once, and this clock moves on every read: messages recorded by one commit share
 * their `sent_at`, messages of different commits do not.
 */
describe.each(testDialects())('outcome groups on %s', (dialect) => {
  let database: TestDatabase;
  let ctx: EngineContext;
  let tick = 1_700_000_000_000;
  let runNumber = 0;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    ctx = {
      db: database.handle.db,
      logger: createLogger('silent'),
      now: () => ++tick,
      owner: 'test-worker',
      leaseMs: 60_000,
    };
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function leasedMessages(count: number): Promise<MessageRow[]> {
    const runId = `run_${++runNumber}`;
    return queueMessages(ctx.db, newMessages(runId, count), ctx.now(), {
      leaseTo: { owner: ctx.owner, until: ctx.now() + ctx.leaseMs },
    });
  }

  async function sentAtOf(messages: MessageRow[]): Promise<number[]> {
    const rows = await ctx.db
      .selectFrom('messages')
      .select(['id', 'status', 'sent_at'])
      .where(
        'id',
        'in',
        messages.map((message) => message.id),
      )
      .execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    return messages.map((message) => {
      const row = byId.get(message.id);
      expect(row?.status).toBe('sent');
      return Number(row?.sent_at);
    });
  }

  it('gathers answers that arrive over several turns into one commit', async () => {
    const recorder = new OutcomeRecorder(ctx, 50);
    const messages = await leasedMessages(3);
    const recorded: Promise<boolean>[] = [];
    for (const message of messages) {
      recorded.push(recorder.record(message, { status: 'sent', providerMessageId: message.id }));
      await nextTurn();
    }
    expect(await Promise.all(recorded)).toEqual([true, true, true]);
    expect(new Set(await sentAtOf(messages)).size).toBe(1);
  });

  it('commits a full group without waiting for later answers', async () => {
    const recorder = new OutcomeRecorder(ctx, 2);
    const messages = await leasedMessages(3);
    const recorded = messages
      .slice(0, 2)
      .map((message) => recorder.record(message, { status: 'sent', providerMessageId: 'a' }));
    await nextTurn();
    const third = messages[2] as MessageRow;
    recorded.push(recorder.record(third, { status: 'sent', providerMessageId: 'b' }));
    expect(await Promise.all(recorded)).toEqual([true, true, true]);
    const [first, second, last] = await sentAtOf(messages);
    expect(first).toBe(second);
    expect(last).toBeGreaterThan(first as number);
  });

  it('closes the group at once when asked, and later answers start the next one', async () => {
    const recorder = new OutcomeRecorder(ctx, 50);
    const [early, late] = await leasedMessages(2);
    const recorded = [recorder.record(early as MessageRow, { status: 'sent' })];
    // The worker does this as it claims, so that its claim shares the group's commit.
    recorder.closeGroupNow();
    await nextTurn();
    recorded.push(recorder.record(late as MessageRow, { status: 'sent' }));
    expect(await Promise.all(recorded)).toEqual([true, true]);
    const [earlyAt, lateAt] = await sentAtOf([early as MessageRow, late as MessageRow]);
    expect(lateAt).toBeGreaterThan(earlyAt as number);
  });

  it('commits what it gathered at once when flushed, and says when a lease was lost', async () => {
    const recorder = new OutcomeRecorder(ctx, 50);
    const [mine, taken] = await leasedMessages(2);
    await ctx.db
      .updateTable('messages')
      .set({ lease_owner: 'another-worker' })
      .where('id', '=', (taken as MessageRow).id)
      .execute();
    const recorded = [
      recorder.record(mine as MessageRow, { status: 'sent', providerMessageId: 'c' }),
      recorder.record(taken as MessageRow, { status: 'sent', providerMessageId: 'd' }),
    ];
    await recorder.flushed();
    expect(await Promise.all(recorded)).toEqual([true, false]);
    await sentAtOf([mine as MessageRow]);
  });

  it('commits an outcome at once when nothing else is being delivered', async () => {
    // A group that gathered for its full minute would time this test out.
    const worker = new Worker({
      db: ctx.db,
      logger: ctx.logger,
      pollMs: 60_000,
      outcomeGatherMs: 60_000,
      routeFor: async () => ({
        ...outboxRoute,
        provider: {
          ...outboxRoute.provider,
          send: async () => ({ outcome: 'accepted', providerMessageId: 'sg-1', status: 'sent' }),
        },
      }),
    });
    const [message] = await queueMessages(ctx.db, newMessages(`run_${++runNumber}`, 1), Date.now());
    worker.start();
    const statusOf = async () =>
      (
        await ctx.db
          .selectFrom('messages')
          .select('status')
          .where('id', '=', (message as MessageRow).id)
          .executeTakeFirst()
      )?.status;
    try {
      await waitFor('the outcome to commit', 5_000, async () => (await statusOf()) === 'sent');
      expect(await statusOf()).toBe('sent');
    } finally {
      await worker.stop();
    }
  });
});
