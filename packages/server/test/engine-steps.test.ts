import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxRoute } from '../src/engine/outbox-route.js';
import { Worker } from '../src/engine/worker.js';
import { createLogger } from '../src/logger.js';
import type { EmailProvider, SendResult } from '../src/providers/email-provider.js';
import { claimDueRuns } from '../src/store/runs-store.js';
import { day, second, TestClock } from './harness/test-clock.js';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

/** A provider that answers from a script, then accepts; it records every email it saw. */
function scriptedProvider(script: SendResult[]) {
  const seen: string[] = [];
  const provider: EmailProvider = {
    name: 'scripted',
    verify: async () => ({ ok: true, detail: 'scripted' }),
    close: async () => {},
    send: async (email) => {
      seen.push(email.to.email);
      return (
        script.shift() ?? {
          outcome: 'accepted',
          providerMessageId: `pm_${seen.length}`,
          status: 'sent',
        }
      );
    },
  };
  return { provider, seen };
}

describe.each(testDialects())('engine steps on %s', (dialect) => {
  const clock = new TestClock();
  const scripted = scriptedProvider([]);
  let server: TestServer;
  let templateId: string;

  const post = (url: string, body: unknown) => server.request('POST', url, { body });
  const get = (url: string) => server.request('GET', url);
  const event = async (entityId: string, eventType: string, data: Record<string, unknown> = {}) => {
    const posted = await post('/api/v1/events', {
      event_type: eventType,
      entity_id: entityId,
      data,
    });
    expect(posted.status).toBe(202);
    return posted.body;
  };
  const policy = async (body: Record<string, unknown>) => {
    const created = await post('/api/v1/policies', { name: String(body.event_type), ...body });
    expect(created.status).toBe(201);
    return created.body;
  };
  const messagesOf = async (eventId: string) =>
    (await get(`/api/v1/messages?event_id=${eventId}&limit=100`)).body.data;
  const runOf = async (posted: { runs_started: Array<{ run_id: string }> }) =>
    (await get(`/api/v1/runs/${posted.runs_started[0]?.run_id}`)).body;

  beforeAll(async () => {
    server = await startTestServer(dialect, {
      now: clock.now,
      worker: { routeFor: async () => ({ ...outboxRoute, provider: scripted.provider }) },
    });
    // Outbox messages are captured as they are queued: a real provider makes them deliveries
    // (which the scripted provider above answers).
    const settings = await server.request('PUT', '/api/v1/settings/email-provider', {
      body: { provider: 'sendgrid', api_key: 'SG.scripted', from_email: 'billing@yourco.example' },
    });
    expect(settings.status).toBe(200);
    await post('/api/v1/entities', {
      external_id: 'acct_1',
      entity_type: 'account',
      name: 'Acme <b>Corp</b>',
    });
    const contact = (role: string, email: string, name: string) =>
      post('/api/v1/contacts', { entity_id: 'acct_1', role, email, name });
    await contact('billing_contact', 'jane@acme.com', '<script>alert(1)</script>');
    await contact('owner', 'jane@acme.com', 'Jane as owner');
    await contact('support', 'sam@acme.com', 'Sam');
    const template = await post('/api/v1/templates', {
      name: 'T',
      subject: 'For {{contact_name}}',
      text_body: 'Hi {{contact_name}} of {{entity_name}}',
      html_body: '<p>Hi {{contact_name}} of {{entity_name}}</p>',
    });
    templateId = template.body.template_id;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('mails one address once when it holds two roles, and says why a role got nothing', async () => {
    await policy({
      event_type: 'roles.check',
      steps: [
        {
          type: 'send_email',
          template_id: templateId,
          to_roles: ['billing_contact', 'owner', 'legal'],
        },
      ],
    });
    const posted = await event('acct_1', 'roles.check');
    await server.worker.drain();

    const messages = await messagesOf(posted.event_id);
    expect(messages.map((m: { to: { email: string } }) => m.to.email)).toEqual(['jane@acme.com']);
    const run = await runOf(posted);
    const skipped = run.log.filter((e: { kind: string }) => e.kind === 'recipient_skipped');
    expect(skipped).toEqual([
      expect.objectContaining({
        detail: expect.objectContaining({ reason: 'no_contact_for_role', role: 'legal' }),
      }),
    ]);
  });

  it('escapes variables in HTML but not in the subject or text body', async () => {
    const posted = await event('acct_1', 'roles.check');
    await server.worker.drain();
    const [summary] = await messagesOf(posted.event_id);
    const message = (await get(`/api/v1/messages/${summary.message_id}`)).body;
    expect(message.subject).toBe('For <script>alert(1)</script>');
    expect(message.text_body).toBe('Hi <script>alert(1)</script> of Acme <b>Corp</b>');
    expect(message.html_body).toBe(
      '<p>Hi &lt;script&gt;alert(1)&lt;/script&gt; of Acme &lt;b&gt;Corp&lt;/b&gt;</p>',
    );
  });

  it('skips a suppressed address and records why; mails it again once removed', async () => {
    await policy({
      event_type: 'support.ping',
      steps: [{ type: 'send_email', template_id: templateId, to_roles: ['support'] }],
    });
    await post('/api/v1/suppressions', { email: 'SAM@acme.com' });
    const suppressed = await event('acct_1', 'support.ping');
    await server.worker.drain();
    expect(await messagesOf(suppressed.event_id)).toEqual([]);
    const run = await runOf(suppressed);
    expect(run.status).toBe('completed');
    expect(
      run.log.find((e: { kind: string }) => e.kind === 'recipient_skipped').detail,
    ).toMatchObject({
      reason: 'suppressed',
      email: 'sam@acme.com',
    });

    expect((await server.request('DELETE', '/api/v1/suppressions/sam@acme.com')).status).toBe(204);
    const again = await event('acct_1', 'support.ping');
    await server.worker.drain();
    expect(await messagesOf(again.event_id)).toHaveLength(1);
  });

  it('resolves contacts when a step runs, not when the event came in', async () => {
    await post('/api/v1/entities', { external_id: 'acct_2', entity_type: 'account' });
    await policy({
      event_type: 'later.check',
      recipients: { roles: ['billing_contact'] },
      steps: [
        { type: 'send_email', template_id: templateId },
        { type: 'wait', duration: '1d' },
        { type: 'send_email', template_id: templateId },
      ],
    });
    const posted = await event('acct_2', 'later.check');
    await server.worker.drain();
    expect(await messagesOf(posted.event_id)).toEqual([]);

    await post('/api/v1/contacts', {
      entity_id: 'acct_2',
      role: 'billing_contact',
      email: 'new@acme.com',
    });
    clock.advance(day);
    await server.worker.drain();
    const messages = await messagesOf(posted.event_id);
    expect(
      messages.map((m: { to: { email: string }; step_index: number }) => [
        m.to.email,
        m.step_index,
      ]),
    ).toEqual([['new@acme.com', 2]]);
  });

  it('starts a run only when the conditions hold on the event data', async () => {
    await policy({
      event_type: 'invoice.big',
      conditions: [{ field: 'amount', op: 'gte', value: 1000 }],
      steps: [{ type: 'send_email', template_id: templateId, to_roles: ['support'] }],
    });
    expect((await event('acct_1', 'invoice.big', { amount: 500 })).runs_started).toEqual([]);
    expect((await event('acct_1', 'invoice.big', { amount: 1500 })).runs_started).toHaveLength(1);
  });

  it('fires waits longer than 24.8 days (beyond any setTimeout) at their time', async () => {
    await policy({
      event_type: 'long.wait',
      steps: [
        { type: 'wait', duration: 'P60D' },
        { type: 'send_email', template_id: templateId, to_roles: ['support'] },
      ],
    });
    const posted = await event('acct_1', 'long.wait');
    await server.worker.drain();
    const run = await runOf(posted);
    expect(Date.parse(run.wake_at) - clock.now()).toBe(60 * day);

    clock.advance(60 * day - second);
    await server.worker.drain();
    expect(await messagesOf(posted.event_id)).toEqual([]);
    clock.advance(second);
    await server.worker.drain();
    expect(await messagesOf(posted.event_id)).toHaveLength(1);
  });

  it('retries a refused delivery with backoff, honours Retry-After, and fails a permanent refusal', async () => {
    await policy({
      event_type: 'delivery.check',
      steps: [{ type: 'send_email', template_id: templateId, to_roles: ['support'] }],
    });
    scripted.provider.send = scriptedProvider([
      { outcome: 'retry', error: '503 Service Unavailable' },
      { outcome: 'retry', error: '429 Too Many Requests', retryAfterMs: 120 * second },
    ]).provider.send;
    const posted = await event('acct_1', 'delivery.check');
    await server.worker.drain();
    let [message] = await messagesOf(posted.event_id);
    expect(message).toMatchObject({
      status: 'queued',
      attempts: 1,
      last_error: '503 Service Unavailable',
    });
    const firstRetry = Date.parse(message.next_attempt_at) - clock.now();
    expect(firstRetry).toBeGreaterThanOrEqual(500);
    expect(firstRetry).toBeLessThanOrEqual(1_000);

    clock.advance(firstRetry);
    await server.worker.drain();
    [message] = await messagesOf(posted.event_id);
    expect(message.status).toBe('queued');
    expect(Date.parse(message.next_attempt_at) - clock.now()).toBeGreaterThanOrEqual(120 * second);

    clock.advance(120 * second);
    await server.worker.drain();
    [message] = await messagesOf(posted.event_id);
    expect(message).toMatchObject({
      status: 'sent',
      attempts: 3,
      provider_message_id: expect.any(String),
    });
    const history = (await get(`/api/v1/messages/${message.message_id}`)).body.status_history;
    expect(history.map((h: { status: string }) => h.status)).toEqual([
      'queued',
      'retrying',
      'retrying',
      'sent',
    ]);

    scripted.provider.send = scriptedProvider([
      { outcome: 'rejected', error: 'invalid address' },
    ]).provider.send;
    const refused = await event('acct_1', 'delivery.check');
    await server.worker.drain();
    [message] = await messagesOf(refused.event_id);
    expect(message).toMatchObject({ status: 'failed', last_error: 'invalid address', attempts: 1 });
    scripted.provider.send = scriptedProvider([]).provider.send;
  });

  it('fails the run with the reason when its template cannot render', async () => {
    const bomb = await post('/api/v1/templates', {
      name: 'Bomb',
      subject: 'x',
      text_body:
        '{% for a in (1..3000) %}{% for b in (1..3000) %}{% for c in (1..3000) %}x{% endfor %}{% endfor %}{% endfor %}',
    });
    await policy({
      event_type: 'bomb.check',
      steps: [{ type: 'send_email', template_id: bomb.body.template_id, to_roles: ['support'] }],
    });
    const posted = await event('acct_1', 'bomb.check');
    await server.worker.drain();
    const run = await runOf(posted);
    expect(run.status).toBe('failed');
    expect(run.last_error).toContain(`template ${bomb.body.template_id} failed to render`);
    expect(await messagesOf(posted.event_id)).toEqual([]);
  });

  it("takes over a dead worker's claim once its lease expires, without sending twice", async () => {
    await policy({
      event_type: 'lease.check',
      steps: [{ type: 'send_email', template_id: templateId, to_roles: ['support'] }],
    });
    const posted = await event('acct_1', 'lease.check');
    // A worker claims the run and dies before doing anything.
    const now = clock.now();
    const claimed = await claimDueRuns(
      server.database.handle.db,
      'dead-worker',
      now,
      now + 30 * second,
      50,
    );
    expect(claimed.map((run) => run.id)).toContain(posted.runs_started[0].run_id);

    await server.worker.drain();
    expect(await messagesOf(posted.event_id)).toEqual([]);

    clock.advance(30 * second + 1);
    await server.worker.drain();
    expect(await messagesOf(posted.event_id)).toHaveLength(1);

    // A second worker finding nothing left to do proves the run is not claimable again.
    const other = new Worker({
      db: server.database.handle.db,
      logger: createLogger('silent'),
      now: clock.now,
    });
    expect(await other.drain()).toBe(0);
    expect(await messagesOf(posted.event_id)).toHaveLength(1);
  });
});
