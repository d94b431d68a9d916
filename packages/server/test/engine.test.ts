import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { day, second, TestClock } from './harness/test-clock.js';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

const seedTemplate = {
  name: 'Invoice Overdue',
  subject: 'Invoice #{{invoice_id}} is overdue',
  text_body:
    'Hi {{contact_name}}, invoice #{{invoice_id}} for ${{amount}} is {{days_overdue}} days overdue.',
  html_body: '<p>Hi {{contact_name}},...</p>',
};
const seedData = { invoice_id: 'INV-1042', amount: 1200, days_overdue: 7 };

describe.each(testDialects())('the engine on %s', (dialect) => {
  const clock = new TestClock();
  let server: TestServer;
  let policyId: string;
  let reminderId: string;

  const post = (url: string, body: unknown, key?: string) =>
    server.request('POST', url, { body, ...(key ? { key } : {}) });
  const get = (url: string, key?: string) => server.request('GET', url, key ? { key } : {});
  const messagesOf = async (eventId: string, key?: string) =>
    (await get(`/api/v1/messages?event_id=${eventId}&limit=100`, key)).body.data;

  beforeAll(async () => {
    server = await startTestServer(dialect, { now: clock.now });
    await post('/api/v1/entities', {
      external_id: 'acct_123',
      entity_type: 'account',
      name: 'Acme Corp',
    });
    await post('/api/v1/contacts', {
      entity_id: 'acct_123',
      role: 'billing_contact',
      email: 'billing@acme.com',
      name: 'Jane Smith',
    });
    const template = await post('/api/v1/templates', seedTemplate);
    const reminder = await post('/api/v1/templates', {
      name: 'Reminder',
      subject: 'Reminder: invoice #{{invoice_id}}',
      text_body: 'Hi {{contact_name}}, a reminder about {{invoice_id}}.',
    });
    reminderId = reminder.body.template_id;
    const policy = await post('/api/v1/policies', {
      name: 'Invoice Overdue Notifications',
      event_type: 'invoice.overdue',
      steps: [
        { type: 'send_email', template_id: template.body.template_id },
        { type: 'wait', duration: '3d' },
        { type: 'send_email', template_id: reminderId },
      ],
      cancel_on: [{ event_type: 'invoice.paid', match: ['invoice_id'] }],
    });
    expect(policy.status).toBe(201);
    policyId = policy.body.policy_id;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('runs the seed policy: mail now, a durable three-day wait, the reminder, completed', async () => {
    const posted = await post('/api/v1/events', {
      event_type: 'invoice.overdue',
      entity_id: 'acct_123',
      data: seedData,
    });
    expect(posted.status).toBe(202);
    expect(posted.body.runs_started).toEqual([
      { run_id: expect.stringMatching(/^run_/), policy_id: policyId, policy_version: 1 },
    ]);
    expect(posted.body.runs_cancelled).toEqual([]);
    const runId = posted.body.runs_started[0].run_id;

    await server.worker.drain();
    const first = await messagesOf(posted.body.event_id);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      status: 'captured',
      provider: 'outbox',
      to: { email: 'billing@acme.com' },
    });
    const detail = await get(`/api/v1/messages/${first[0].message_id}`);
    expect(detail.body.subject).toBe('Invoice #INV-1042 is overdue');
    expect(detail.body.text_body).toBe(
      'Hi Jane Smith, invoice #INV-1042 for $1200 is 7 days overdue.',
    );
    expect(detail.body.status_history.map((h: { status: string }) => h.status)).toEqual([
      'queued',
      'captured',
    ]);

    const waiting = await get(`/api/v1/runs/${runId}`);
    expect(waiting.body).toMatchObject({ status: 'waiting', step_index: 2 });
    expect(Date.parse(waiting.body.wake_at)).toBe(clock.now() + 3 * day);
    expect(waiting.body.log.map((e: { kind: string }) => e.kind)).toEqual([
      'started',
      'email_queued',
      'wait_started',
    ]);

    clock.advance(3 * day - second);
    await server.worker.drain();
    expect(await messagesOf(posted.body.event_id)).toHaveLength(1);

    clock.advance(second);
    await server.worker.drain();
    const both = await messagesOf(posted.body.event_id);
    expect(both.map((m: { subject: string }) => m.subject).sort()).toEqual([
      'Invoice #INV-1042 is overdue',
      'Reminder: invoice #INV-1042',
    ]);
    const done = await get(`/api/v1/runs/${runId}`);
    expect(done.body).toMatchObject({ status: 'completed', wake_at: null });

    const event = await get(`/api/v1/events/${posted.body.event_id}`);
    expect(event.body.runs.map((r: { run_id: string }) => r.run_id)).toEqual([runId]);
    expect(event.body.messages).toHaveLength(2);
  });

  it('cancels only the runs whose invoice was paid, in the answer to the paying event', async () => {
    const overdue = async (invoice: string) =>
      (
        await post('/api/v1/events', {
          event_type: 'invoice.overdue',
          entity_id: 'acct_123',
          data: { invoice_id: invoice },
        })
      ).body;
    const a = await overdue('INV-A');
    const b = await overdue('INV-B');
    await server.worker.drain();

    const paid = await post('/api/v1/events', {
      event_type: 'invoice.paid',
      entity_id: 'acct_123',
      data: { invoice_id: 'INV-B' },
    });
    expect(paid.status).toBe(202);
    expect(paid.body.runs_cancelled.map((r: { run_id: string }) => r.run_id)).toEqual([
      b.runs_started[0].run_id,
    ]);

    const cancelled = await get(`/api/v1/runs/${b.runs_started[0].run_id}`);
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      cancelled_by_event_id: paid.body.event_id,
    });

    clock.advance(3 * day);
    await server.worker.drain();
    expect(await messagesOf(a.event_id)).toHaveLength(2);
    expect(await messagesOf(b.event_id)).toHaveLength(1);
  });

  it('answers a dry run with policies, rendered mail and the schedule, storing nothing', async () => {
    const before = (await get('/api/v1/events?limit=100')).body.data.length;
    const usage = (await get('/api/v1/usage')).body.events;
    const dry = await post('/api/v1/events?dry_run=true', {
      event_type: 'invoice.overdue',
      entity_id: 'acct_123',
      data: seedData,
    });
    expect(dry.status).toBe(200);
    expect(dry.body.object).toBe('event_dry_run');
    const [policy] = dry.body.matched_policies;
    expect(policy.policy_id).toBe(policyId);
    const at = policy.steps.map((s: { at: string }) => Date.parse(s.at) - clock.now());
    expect(at).toEqual([0, 0, 3 * day]);
    expect(policy.steps[0].emails[0]).toMatchObject({
      to: { email: 'billing@acme.com', name: 'Jane Smith' },
      text_body: 'Hi Jane Smith, invoice #INV-1042 for $1200 is 7 days overdue.',
    });
    expect(policy.steps[1]).toMatchObject({ type: 'wait', duration: '3d' });

    expect((await get('/api/v1/events?limit=100')).body.data.length).toBe(before);
    expect((await get('/api/v1/usage')).body.events).toBe(usage);
  });

  it('runs test-mode events into the outbox with livemode false, and advances their waits', async () => {
    const { testKey } = server.account;
    const posted = await post(
      '/api/v1/events',
      { event_type: 'invoice.overdue', entity_id: 'acct_123', data: seedData },
      testKey,
    );
    expect(posted.body.livemode).toBe(false);
    await server.worker.drain();
    const runId = posted.body.runs_started[0].run_id;

    const live = await server.request('POST', `/api/v1/runs/${runId}/advance`);
    expect(live.status).toBe(404);
    const advanced = await server.request('POST', `/api/v1/runs/${runId}/advance`, {
      key: testKey,
    });
    expect(advanced.status).toBe(200);
    expect(Date.parse(advanced.body.wake_at)).toBe(clock.now());
    await server.worker.drain();

    const messages = await messagesOf(posted.body.event_id, testKey);
    expect(messages).toHaveLength(2);
    expect(
      messages.every(
        (m: { livemode: boolean; status: string }) => !m.livemode && m.status === 'captured',
      ),
    ).toBe(true);
    expect(await messagesOf(posted.body.event_id)).toEqual([]);
  });

  it('cancels a run through the API, and refuses to cancel it twice', async () => {
    const posted = await post('/api/v1/events', {
      event_type: 'invoice.overdue',
      entity_id: 'acct_123',
      data: seedData,
    });
    await server.worker.drain();
    const runId = posted.body.runs_started[0].run_id;
    const cancelled = await server.request('POST', `/api/v1/runs/${runId}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    const again = await server.request('POST', `/api/v1/runs/${runId}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('run_not_active');

    clock.advance(3 * day);
    await server.worker.drain();
    expect(await messagesOf(posted.body.event_id)).toHaveLength(1);
  });

  it('keeps the policy version a run started with', async () => {
    const posted = await post('/api/v1/events', {
      event_type: 'invoice.overdue',
      entity_id: 'acct_123',
      data: seedData,
    });
    await server.worker.drain();
    const edited = await server.request('PATCH', `/api/v1/policies/${policyId}`, {
      body: { steps: [{ type: 'send_email', template_id: reminderId }] },
    });
    expect(edited.body.version).toBe(2);

    clock.advance(3 * day);
    await server.worker.drain();
    const run = await get(`/api/v1/runs/${posted.body.runs_started[0].run_id}`);
    expect(run.body).toMatchObject({ status: 'completed', policy_version: 1 });
    expect(await messagesOf(posted.body.event_id)).toHaveLength(2);

    const next = await post('/api/v1/events', {
      event_type: 'invoice.overdue',
      entity_id: 'acct_123',
      data: seedData,
    });
    expect(next.body.runs_started[0].policy_version).toBe(2);
    await server.request('PATCH', `/api/v1/policies/${policyId}`, { body: { enabled: false } });
  });
});
