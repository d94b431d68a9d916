import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceLeasedRuns } from '../src/engine/advance-leased-runs.js';
import { createLogger } from '../src/logger.js';
import { queueMessages } from '../src/store/messages-store.js';
import { claimDueRuns } from '../src/store/runs-store.js';
import { hour, second, TestClock } from './harness/test-clock.js';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

/**
 * Claimed runs advance several to a transaction (engine/advance-leased-runs.ts): each must
 * still be all-or-nothing, and one run that throws must not hold back the others.
 */
describe.each(testDialects())('runs advanced together on %s', (dialect) => {
  const clock = new TestClock();
  let server: TestServer;

  const post = (url: string, body: unknown) => server.request('POST', url, { body });
  const get = (url: string) => server.request('GET', url);

  beforeAll(async () => {
    server = await startTestServer(dialect, { now: clock.now });
    await post('/api/v1/entities', { external_id: 'acct_1', entity_type: 'account' });
    await post('/api/v1/entities', { external_id: 'acct_2', entity_type: 'account' });
    await post('/api/v1/contacts', { entity_id: 'acct_1', role: 'billing', email: 'a@x.test' });
    await post('/api/v1/contacts', { entity_id: 'acct_2', role: 'billing', email: 'b@x.test' });
    await post('/api/v1/contacts', { entity_id: 'acct_2', role: 'billing', email: 'c@x.test' });
    const template = await post('/api/v1/templates', {
      name: 'T',
      subject: 'Hi {{contact_name}}',
      text_body: 'About {{entity_name}}',
    });
    expect(template.status).toBe(201);
    const created = await post('/api/v1/policies', {
      name: 'together',
      event_type: 'together.check',
      steps: [
        { type: 'wait', duration: '1h' },
        { type: 'send_email', template_id: template.body.template_id },
      ],
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('advances the others when one run of the transaction throws, and that one later', async () => {
    const runIds: string[] = [];
    // Eight runs: the worker's four transactions take two each, the broken one's with another.
    for (const entityId of [
      'acct_1',
      'acct_2',
      'acct_1',
      'acct_2',
      'acct_1',
      'acct_2',
      'acct_1',
      'acct_2',
    ]) {
      const posted = await post('/api/v1/events', {
        event_type: 'together.check',
        entity_id: entityId,
      });
      expect(posted.status).toBe(202);
      runIds.push(posted.body.runs_started[0].run_id);
    }
    await server.worker.drain();

    // The third run's pinned policy version is gone: its advance throws (not a step failure).
    const { db } = server.database.handle;
    const broken = runIds[2] as string;
    await db.updateTable('runs').set({ policy_version: 999 }).where('id', '=', broken).execute();

    clock.advance(hour + second);
    await server.worker.drain();

    const runs = await Promise.all(
      runIds.map(async (id) => (await get(`/api/v1/runs/${id}`)).body),
    );
    expect(runs.map((run) => run.status)).toEqual(
      runIds.map((id) => (id === broken ? 'waiting' : 'completed')),
    );
    expect(runs[2].last_error).toBeTruthy();
    const messages = await db.selectFrom('messages').select(['run_id', 'to_email']).execute();
    const sent = (id: string) => messages.filter((message) => message.run_id === id).length;
    expect(runIds.map(sent)).toEqual([1, 2, 0, 2, 1, 2, 1, 2]);
    const log = await db.selectFrom('run_log').select(['run_id', 'kind']).execute();
    const kinds = (id: string) => log.filter((entry) => entry.run_id === id).map((e) => e.kind);
    expect(kinds(broken)).toEqual(['started', 'wait_started']);
    expect(kinds(runIds[1] as string)).toEqual([
      'started',
      'wait_started',
      'email_queued',
      'email_queued',
      'completed',
    ]);

    // Mended, it advances at its next try, once.
    await db
      .updateTable('runs')
      .set({ policy_version: runs[0].policy_version })
      .where('id', '=', broken)
      .execute();
    clock.advance(hour);
    await server.worker.drain();
    expect((await get(`/api/v1/runs/${broken}`)).body.status).toBe('completed');
    expect(sent(broken)).toBe(0);
    const after = await db
      .selectFrom('messages')
      .select('run_id')
      .where('run_id', '=', broken)
      .execute();
    expect(after).toHaveLength(1);
  });

  it('stores a group of two accounts at once, and a message queued before not twice', async () => {
    // A second account, with its own entity, contact, template and policy.
    const other = await server.createTestAccount('Other');
    const postOther = (url: string, body: unknown) =>
      server.request('POST', url, { body, key: other.key });
    await postOther('/api/v1/entities', { external_id: 'acct_1', entity_type: 'account' });
    await postOther('/api/v1/contacts', {
      entity_id: 'acct_1',
      role: 'billing',
      email: 'd@x.test',
    });
    const template = await postOther('/api/v1/templates', {
      name: 'T',
      subject: 'Hi',
      text_body: 'x',
    });
    await postOther('/api/v1/policies', {
      name: 'together',
      event_type: 'together.check',
      steps: [
        { type: 'wait', duration: '1h' },
        { type: 'send_email', template_id: template.body.template_id },
      ],
    });

    const runIds: string[] = [];
    for (const [postEvent, entityId] of [
      [post, 'acct_1'],
      [post, 'acct_2'],
      [postOther, 'acct_1'],
      [post, 'acct_1'],
    ] as const) {
      const posted = await postEvent('/api/v1/events', {
        event_type: 'together.check',
        entity_id: entityId,
      });
      expect(posted.status).toBe(202);
      runIds.push(posted.body.runs_started[0].run_id);
    }
    await server.worker.drain();

    // The last run's step was executed before (its commit lost the run's new position): its
    // message exists already.
    const { db } = server.database.handle;
    const again = runIds[3] as string;
    const run = await db
      .selectFrom('runs')
      .selectAll()
      .where('id', '=', again)
      .executeTakeFirstOrThrow();
    const [former] = await queueMessages(
      db,
      [
        {
          account_id: run.account_id,
          run_id: again,
          step_index: 1,
          event_id: run.event_id,
          entity_id: run.entity_id,
          contact_id: null,
          template_id: 'tpl_former',
          livemode: run.livemode,
          provider: 'outbox',
          to_email: 'a@x.test',
          to_name: null,
          subject: 'former',
          text_body: 'former',
          html_body: null,
        },
      ],
      clock.now(),
      { captured: true },
    );

    clock.advance(hour + second);
    const ctx = {
      db,
      logger: createLogger('silent'),
      now: clock.now,
      owner: 'test-group',
      leaseMs: 60 * second,
    };
    const now = clock.now();
    const claimed = await claimDueRuns(db, ctx.owner, now, now + ctx.leaseMs, 50);
    expect(claimed.map((r) => r.id).sort()).toEqual([...runIds].sort());
    const { advanced, alone } = await advanceLeasedRuns(ctx, claimed);
    expect(alone).toEqual([]);
    const queued = new Map(advanced.map((item) => [item.run.id, item.queued]));
    expect(runIds.map((id) => queued.get(id))).toEqual([1, 2, 1, 0]);

    const messages = await db
      .selectFrom('messages')
      .select(['id', 'run_id', 'account_id', 'to_email', 'subject'])
      .where('run_id', 'in', runIds)
      .orderBy('id')
      .execute();
    const of = (id: string) => messages.filter((message) => message.run_id === id);
    expect(runIds.map((id) => of(id).map((m) => m.to_email))).toEqual([
      ['a@x.test'],
      ['b@x.test', 'c@x.test'],
      ['d@x.test'],
      ['a@x.test'],
    ]);
    expect(of(again)[0]?.id).toBe(former?.id);
    expect(of(again)[0]?.subject).toBe('former');
    expect(of(runIds[2] as string)[0]?.account_id).toBe(other.accountId);
    expect(of(runIds[0] as string)[0]?.account_id).toBe(server.account.accountId);

    // Each message stored now has its queued and captured history; the former one keeps its own.
    const history = await db
      .selectFrom('message_status_history')
      .select(['message_id', 'status'])
      .where(
        'message_id',
        'in',
        messages.map((m) => m.id),
      )
      .orderBy('id')
      .execute();
    for (const message of messages) {
      const statuses = history.filter((h) => h.message_id === message.id).map((h) => h.status);
      expect(statuses).toEqual(['queued', 'captured']);
    }

    // The log says what this advance queued, with the ids of the messages it stored.
    const log = await db
      .selectFrom('run_log')
      .select(['run_id', 'account_id', 'kind', 'detail'])
      .where('run_id', 'in', runIds)
      .orderBy('id')
      .execute();
    const queuedIds = log
      .filter((entry) => entry.kind === 'email_queued')
      .map((entry) => JSON.parse(entry.detail).message_id);
    expect(queuedIds.sort()).toEqual(
      messages
        .filter((m) => m.run_id !== again)
        .map((m) => m.id)
        .sort(),
    );
    expect(log.filter((e) => e.run_id === again).map((e) => e.kind)).toEqual([
      'started',
      'wait_started',
      'completed',
    ]);
    expect(
      log.filter((e) => e.run_id === runIds[2]).every((e) => e.account_id === other.accountId),
    ).toBe(true);

    const runs = await db
      .selectFrom('runs')
      .select(['id', 'status', 'step_index', 'lease_owner', 'ended_at'])
      .where('id', 'in', runIds)
      .execute();
    for (const stored of runs) {
      expect(stored).toMatchObject({ status: 'completed', step_index: 2, lease_owner: null });
      expect(Number(stored.ended_at)).toBe(now);
    }
  });
});
