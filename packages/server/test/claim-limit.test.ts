import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDueMessages, type MessageRow, queueMessages } from '../src/store/messages-store.js';
import { newMessages } from './harness/new-messages.js';
import { createTestDatabase, type TestDatabase, testDialects } from './harness/test-database.js';

/**
 * A claim leases at most `limit` due messages, whatever plan the database picks. On
 * PostgreSQL, `id in (subquery … limit … for update skip locked)` may be planned with the
 * subquery rescanned for every outer row, each rescan skipping what the statement just
 * leased: with statistics taken before a burst was queued it leased 2,850 messages for a
 * limit of 50. The state here is that one: statistics of a table of sent mail, then a
 * burst of due messages, some of them leased already.
 */
describe.each(testDialects())('claim limits on %s', (dialect) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await database?.drop();
  });

  const bodies = { text: 'x'.repeat(300), html: 'y'.repeat(400) };
  const messages = (run: string, count: number) => newMessages(run, count, bodies);

  it('leases no more than its limit during a burst', async () => {
    const { db } = database.handle;
    const sent = await queueMessages(db, messages('run_sent', 1_000), 1_000);
    await db
      .updateTable('messages')
      .set({ status: 'sent', next_attempt_at: null })
      .where(
        'id',
        'in',
        sent.map((message: MessageRow) => message.id),
      )
      .execute();
    if (dialect === 'postgres') await sql`analyze messages`.execute(db);
    await queueMessages(db, messages('run_leased', 150), 2_000, {
      leaseTo: { owner: 'other', until: 10_000_000 },
    });
    await queueMessages(db, messages('run_due', 3_000), 2_000);

    const claimed = await claimDueMessages(db, 'me', 5_000, 35_000, 50);
    expect(claimed).toHaveLength(50);
    const leased = await db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('lease_owner', '=', 'me')
      .executeTakeFirstOrThrow();
    expect(Number(leased.count)).toBe(50);
    expect(claimed.every((message) => message.attempts === 1)).toBe(true);
  });
});
