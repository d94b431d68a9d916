import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDueMessages, type MessageRow, queueMessages } from '../src/store/messages-store.js';
import { claimDueRuns, insertRuns, newRunRows } from '../src/store/runs-store.js';
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

/**
 * A claim walks the due index in order and stops at its limit. On a PostgreSQL table never
 * analyzed (a new install: autovacuum analyzes a minute or more after the changes) that has
 * seen some mail go out, the planner's default estimates say a handful of rows are due, and
 * during the next burst it preferred reading every due message through a bitmap scan and
 * sorting them to lease 50: each claim of a burst of 10,000 read all of it (auto_explain in
 * the delivery bench). PostgreSQL counts the index entries each index gave out, which tells
 * the two plans apart. (The claim is a function, migration 0008, planned for each call's
 * values with bitmap scans off; with them on, the second claim here reads 7,050 entries.)
 */
describe.each(testDialects().filter((dialect) => dialect === 'postgres'))(
  'claims on a table never analyzed (%s)',
  (dialect) => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
    });
    afterAll(async () => {
      await database?.drop();
    });

    it('read the due index in order, not the whole burst', async () => {
      const { db } = database.handle;
      await queueMessages(db, newMessages('run_sent', 2_000), 1_000);
      await db.updateTable('messages').set({ lease_owner: 'w', lease_until: 1_500 }).execute();
      await db
        .updateTable('messages')
        .set({ status: 'sent', next_attempt_at: null, lease_owner: null, lease_until: null })
        .execute();
      await queueMessages(db, newMessages('run_due', 3_000), 2_000);
      const entriesRead = async () => {
        await sql`select pg_stat_clear_snapshot()`.execute(db);
        const result = await sql<{ read: string }>`
          select idx_tup_read as read from pg_stat_user_indexes
          where indexrelname = 'messages_due'
        `.execute(db);
        return Number(result.rows[0]?.read ?? Number.NaN);
      };
      const claimReads = async () => {
        const before = await entriesRead();
        await db.transaction().execute(async (trx) => {
          expect(await claimDueMessages(trx, 'me', 5_000, 35_000, 50)).toHaveLength(50);
          // Counted for this connection as its transaction ends, before its commit is answered.
          await sql`select pg_stat_force_next_flush()`.execute(trx);
        });
        return (await entriesRead()) - before;
      };
      // The first claim in order also steps over the entries the sent mail left (4,000, two
      // versions each) and marks them dead in the index, so that later claims skip them.
      await claimReads();
      const read = await claimReads();
      expect(read).toBeGreaterThanOrEqual(50);
      expect(read).toBeLessThan(500);
    });

    it('lease the due runs among many pending without reading the whole table', async () => {
      // A function's statement planned for any arguments joined its UPDATE to the due rows
      // by reading every run (the waits bench: 127 ms a claim among 200,000 pending waits).
      const { db } = database.handle;
      const run = (index: number, wakeAt: number) => ({
        account_id: 'acc_1',
        policy_id: 'pol_1',
        policy_version: 1,
        event_id: `evt_${index}`,
        entity_id: 'ent_1',
        livemode: true,
        wake_at: wakeAt,
      });
      for (let start = 0; start < 20_000; start += 2_000) {
        const pending = Array.from({ length: 2_000 }, (_, i) => run(start + i, 9_000_000 + i));
        await insertRuns(db, newRunRows(pending, 1_000));
      }
      await insertRuns(
        db,
        newRunRows(
          Array.from({ length: 50 }, (_, i) => run(30_000 + i, 2_000 + i)),
          1_000,
        ),
      );
      await sql`analyze runs`.execute(db);
      const rowsReadBySeqScans = async () => {
        await sql`select pg_stat_clear_snapshot()`.execute(db);
        const result = await sql<{ read: string }>`
          select seq_tup_read as read from pg_stat_user_tables where relname = 'runs'
        `.execute(db);
        return Number(result.rows[0]?.read ?? Number.NaN);
      };
      const before = await rowsReadBySeqScans();
      await db.transaction().execute(async (trx) => {
        expect(await claimDueRuns(trx, 'me', 5_000, 35_000, 50)).toHaveLength(50);
        await sql`select pg_stat_force_next_flush()`.execute(trx);
      });
      expect((await rowsReadBySeqScans()) - before).toBe(0);
    });
  },
);
