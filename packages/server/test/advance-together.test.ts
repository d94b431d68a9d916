import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
