import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSecret, SecretKeyMismatchError, sealSecret } from '../src/domain/secret-box.js';
import { checkMasterKey, MasterKeyError } from '../src/store/master-key.js';
import {
  type FakeSendgrid,
  type RecordedRequest,
  sendgridAnswers,
  startFakeSendgrid,
} from './harness/fake-sendgrid.js';
import { second, TestClock } from './harness/test-clock.js';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

const apiKey = 'SG.right-key-for-tests';
const publicUrl = 'https://mail.example.test';

/** SendGrid's webhook signing, done the way SendGrid does it: ECDSA P-256 over timestamp + body. */
function webhookSigner() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const verificationKey = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const signed = (body: string, timestamp: number) => ({
    'x-twilio-email-event-webhook-timestamp': String(timestamp),
    'x-twilio-email-event-webhook-signature': sign(
      'sha256',
      Buffer.from(`${timestamp}${body}`),
      privateKey,
    ).toString('base64'),
  });
  return { verificationKey, signed };
}

describe.each(testDialects())('real delivery through SendGrid on %s', (dialect) => {
  const clock = new TestClock(Date.now());
  const signer = webhookSigner();
  let fake: FakeSendgrid;
  let server: TestServer;

  const post = (url: string, body: unknown, key?: string) =>
    server.request('POST', url, { body, ...(key ? { key } : {}) });
  const get = (url: string) => server.request('GET', url);
  const overdue = async (invoice: string) => {
    const posted = await post('/api/v1/events', {
      event_type: 'invoice.overdue',
      entity_id: 'acct_123',
      data: { invoice_id: invoice, amount: 1200, days_overdue: 7 },
    });
    expect(posted.status).toBe(202);
    return posted.body.event_id as string;
  };
  const messagesOf = async (eventId: string) =>
    (await get(`/api/v1/messages?event_id=${eventId}&limit=100`)).body.data as Array<
      Record<string, any>
    >;
  const sendsOf = (messageId: string) =>
    fake.requests.filter(
      (r) =>
        r.path === '/v3/mail/send' &&
        (r.body as any)?.personalizations?.some(
          (p: any) => p.custom_args?.emivoy_message_id === messageId,
        ),
    );
  /** The mail one recipient gets from a request: their personalization applied to it. */
  const mailOf = (request: RecordedRequest | undefined, messageId: string) => {
    const body = request?.body as any;
    const personal = body.personalizations.find(
      (p: any) => p.custom_args?.emivoy_message_id === messageId,
    );
    const substitutions = personal.substitutions ?? {};
    return {
      personalization: personal,
      subject: personal.subject ?? body.subject,
      headers: { ...body.headers, ...personal.headers },
      content: body.content.map((part: { type: string; value: string }) => ({
        type: part.type,
        value: Object.entries(substitutions).reduce<string>(
          (value, [tag, replacement]) => value.split(tag).join(String(replacement)),
          part.value,
        ),
      })),
    };
  };
  const webhook = (
    events: unknown[],
    options: { timestamp?: number; headers?: Record<string, string> } = {},
  ) => {
    const body = JSON.stringify(events);
    const timestamp = options.timestamp ?? Math.floor(clock.now() / 1000);
    return server.request('POST', `/webhooks/sendgrid/${server.account.accountId}`, {
      key: null,
      raw: body,
      headers: options.headers ?? signer.signed(body, timestamp),
    });
  };

  beforeAll(async () => {
    fake = await startFakeSendgrid({ apiKey });
    server = await startTestServer(dialect, {
      now: clock.now,
      env: { EMIVOY_SENDGRID_API_URL: fake.url, EMIVOY_PUBLIC_URL: publicUrl },
    });
    await post('/api/v1/entities', {
      external_id: 'acct_123',
      entity_type: 'account',
      name: 'Acme Corp',
    });
    for (const [role, email, name] of [
      ['billing_contact', 'billing@acme.com', 'Jane Smith'],
      ['billing_contact', 'refused@acme.com', 'Refused Person'],
    ]) {
      await post('/api/v1/contacts', { entity_id: 'acct_123', role, email, name });
    }
    const template = await post('/api/v1/templates', {
      name: 'Invoice Overdue',
      subject: 'Invoice #{{invoice_id}} is overdue',
      text_body:
        'Hi {{contact_name}}, invoice #{{invoice_id}} for ${{amount}} is {{days_overdue}} days overdue.',
      html_body: '<p>Hi {{contact_name}},...</p>',
    });
    await post('/api/v1/policies', {
      name: 'Overdue',
      event_type: 'invoice.overdue',
      steps: [{ type: 'send_email', template_id: template.body.template_id }],
    });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('keeps secrets write-only and sealed, and verifies a wrong key then the right one', async () => {
    const initial = await get('/api/v1/settings/email-provider');
    expect(initial.body).toMatchObject({
      provider: 'outbox',
      api_key_set: false,
      status: 'active',
    });

    const wrong = await server.request('PUT', '/api/v1/settings/email-provider', {
      body: {
        provider: 'sendgrid',
        api_key: 'SG.wrong',
        from_email: 'billing@yourco.example',
        from_name: 'YourCo',
      },
    });
    expect(wrong.status).toBe(200);
    expect(JSON.stringify(wrong.body)).not.toContain('SG.wrong');
    const refused = await post('/api/v1/settings/email-provider/verify', {});
    expect(refused.body).toMatchObject({ ok: false, provider: 'sendgrid' });

    const right = await server.request('PUT', '/api/v1/settings/email-provider', {
      body: {
        provider: 'sendgrid',
        api_key: apiKey,
        from_email: 'billing@yourco.example',
        from_name: 'YourCo',
        reply_to: 'help@yourco.example',
        unsubscribe_mailto: 'unsubscribe@yourco.example',
        webhook_verification_key: signer.verificationKey,
      },
    });
    expect(right.body).toMatchObject({
      provider: 'sendgrid',
      api_key_set: true,
      webhook_url: `${publicUrl}/webhooks/sendgrid/${server.account.accountId}`,
    });
    expect(JSON.stringify(right.body)).not.toContain(apiKey);
    expect((await post('/api/v1/settings/email-provider/verify', {})).body.ok).toBe(true);

    const row = await server.database.handle.db
      .selectFrom('provider_settings')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(apiKey);
    expect(openSecret(server.masterKey, server.account.accountId, row.secrets ?? '')).toContain(
      apiKey,
    );
  });

  it('refuses settings it cannot use, naming the field, and keeps the stored ones', async () => {
    const bad = await server.request('PUT', '/api/v1/settings/email-provider', {
      body: {
        provider: 'sendgrid',
        webhook_verification_key: 'bm90IGEga2V5',
        from_email: 'x@y.example',
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'webhook_verification_key',
    ]);
    expect((await get('/api/v1/settings/email-provider')).body.webhook_verification_key).toBe(
      signer.verificationKey,
    );
  });

  it("sends the seed's mail through SendGrid with custom_args and one-click unsubscribe headers", async () => {
    const eventId = await overdue('INV-1042');
    await server.worker.drain();
    const messages = await messagesOf(eventId);
    expect(messages.map((m) => m.status)).toEqual(['sent', 'sent']);
    const jane = messages.find((m) => m.to.email === 'billing@acme.com') ?? {};
    expect(jane.provider).toBe('sendgrid');
    expect(jane.provider_message_id).toEqual(expect.any(String));

    // Both contacts' mail differs only by name and address: one request carries both.
    const [request] = sendsOf(jane.message_id);
    expect(fake.requests.filter((r) => r.path === '/v3/mail/send')).toHaveLength(1);
    expect(request?.invalid).toEqual([]);
    expect(request?.headers.authorization).toBe(`Bearer ${apiKey}`);
    const body = request?.body as any;
    expect(body.personalizations).toHaveLength(2);
    expect(body.from).toEqual({ email: 'billing@yourco.example', name: 'YourCo' });
    expect(body.reply_to).toEqual({ email: 'help@yourco.example' });
    const mail = mailOf(request, jane.message_id);
    expect(mail.subject).toBe(jane.subject);
    expect(mail.personalization).toMatchObject({
      to: [{ email: 'billing@acme.com', name: 'Jane Smith' }],
      custom_args: {
        emivoy_message_id: jane.message_id,
        emivoy_account_id: server.account.accountId,
      },
    });
    expect(mail.content).toEqual([
      {
        type: 'text/plain',
        value: 'Hi Jane Smith, invoice #INV-1042 for $1200 is 7 days overdue.',
      },
      { type: 'text/html', value: '<p>Hi Jane Smith,...</p>' },
    ]);
    const stored = (await get(`/api/v1/messages/${jane.message_id}`)).body;
    expect(mail.content.map((part: { value: string }) => part.value)).toEqual([
      stored.text_body,
      stored.html_body,
    ]);
    expect(mail.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(mail.headers['List-Unsubscribe']).toMatch(
      new RegExp(
        `^<${publicUrl}/unsubscribe/[\\w-]+\\.[\\w-]+>, <mailto:unsubscribe@yourco.example\\?subject=unsubscribe>$`,
      ),
    );
  });

  it('rides out an outage: delays the mail, loses none and sends none twice', async () => {
    fake.script(
      sendgridAnswers.unavailable(),
      sendgridAnswers.dropped(),
      sendgridAnswers.rateLimited({ retryAfter: '5' }),
    );
    const eventId = await overdue('INV-2');
    for (let round = 0; round < 12; round++) {
      await server.worker.drain();
      clock.advance(10 * second);
    }
    const messages = await messagesOf(eventId);
    expect(messages.map((m) => m.status)).toEqual(['sent', 'sent']);
    for (const message of messages) {
      const accepted = sendsOf(message.message_id).filter((r) => r.outcome === 202);
      expect(accepted).toHaveLength(1);
    }
  });

  it("fails only the message SendGrid refuses, with SendGrid's own reason", async () => {
    // The batch of both is refused as a whole; sent one by one, only one is refused.
    const invalid = () =>
      sendgridAnswers.badRequest('Does not contain a valid address.', 'personalizations.0.to');
    fake.script(invalid(), sendgridAnswers.accepted(), invalid());
    const eventId = await overdue('INV-3');
    await server.worker.drain();
    const statuses = (await messagesOf(eventId)).map((m) => m.status).sort();
    expect(statuses).toEqual(['failed', 'sent']);
    const failed = (await messagesOf(eventId)).find((m) => m.status === 'failed');
    expect(failed?.last_error).toContain('Does not contain a valid address.');
  });

  it('sends a step to 1,001 contacts in two requests, each message exactly once', async () => {
    await post('/api/v1/entities', {
      external_id: 'acct_many',
      entity_type: 'account',
      name: 'Many',
    });
    const emails = Array.from({ length: 1_001 }, (_, index) => `person-${index}@many.example`);
    for (let start = 0; start < emails.length; start += 50) {
      await Promise.all(
        emails.slice(start, start + 50).map((email, index) =>
          post('/api/v1/contacts', {
            entity_id: 'acct_many',
            role: 'member',
            email,
            name: `Person ${start + index}`,
          }),
        ),
      );
    }
    const template = await post('/api/v1/templates', {
      name: 'News',
      subject: 'News for {{contact_name}}',
      text_body: 'Dear {{contact_name}} <{{contact_email}}>, we have news.',
      html_body: '<p>Dear {{contact_name}},</p><p>we have news.</p>',
    });
    await post('/api/v1/policies', {
      name: 'News',
      event_type: 'news.published',
      steps: [{ type: 'send_email', template_id: template.body.template_id }],
    });
    const before = fake.requests.length;
    const posted = await post('/api/v1/events', {
      event_type: 'news.published',
      entity_id: 'acct_many',
      data: {},
    });
    expect(posted.status).toBe(202);
    await server.worker.drain();

    const requests = fake.requests.slice(before).filter((r) => r.path === '/v3/mail/send');
    expect(requests.map((r) => (r.body as any).personalizations.length).sort()).toEqual([1, 1000]);
    expect(requests.every((r) => r.invalid.length === 0)).toBe(true);
    const messages = (
      await get(`/api/v1/messages?event_id=${posted.body.event_id}&limit=100&status=sent`)
    ).body;
    expect(messages.has_more).toBe(true);
    const sent = requests.flatMap((r) =>
      (r.body as any).personalizations.map((p: any) => p.custom_args.emivoy_message_id),
    );
    expect(new Set(sent).size).toBe(1_001);
    const sample = messages.data[0];
    const request = requests.find((r) => sendsOf(sample.message_id).includes(r));
    const mail = mailOf(request, sample.message_id);
    const stored = (await get(`/api/v1/messages/${sample.message_id}`)).body;
    expect(mail.subject).toBe(stored.subject);
    expect(mail.content.map((part: { value: string }) => part.value)).toEqual([
      stored.text_body,
      stored.html_body,
    ]);
  });

  it('applies signed webhooks once, adds suppressions, and refuses forged ones', async () => {
    const eventId = await overdue('INV-4');
    await server.worker.drain();
    const [first, second_] = await messagesOf(eventId);
    const events = [
      {
        event: 'delivered',
        sg_event_id: 'e1',
        timestamp: 1_700_000_000,
        emivoy_message_id: first?.message_id,
      },
      {
        event: 'open',
        sg_event_id: 'e2',
        timestamp: 1_700_000_100,
        emivoy_message_id: first?.message_id,
      },
      {
        event: 'bounce',
        type: 'bounce',
        reason: '550 5.1.1 mailbox unknown',
        sg_event_id: 'e3',
        timestamp: 1_700_000_050,
        emivoy_message_id: second_?.message_id,
      },
    ];
    const applied = await webhook(events);
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ received: 3, applied: 3, duplicates: 0 });
    const again = await webhook(events);
    expect(again.body).toMatchObject({ applied: 0, duplicates: 3 });

    const opened = (await get(`/api/v1/messages/${first?.message_id}`)).body;
    expect(opened.status).toBe('opened');
    const history = opened.status_history.map((h: { status: string }) => h.status);
    expect(history.filter((s: string) => s === 'delivered')).toHaveLength(1);
    expect(opened.status_history.find((h: { status: string }) => h.status === 'open').at).toBe(
      new Date(1_700_000_100_000).toISOString(),
    );
    const bounced = await get(`/api/v1/suppressions?email=${second_?.to.email}`);
    expect(bounced.body.data[0]).toMatchObject({
      reason: 'bounce',
      message_id: second_?.message_id,
    });

    const body = JSON.stringify(events);
    const forged = await webhook(events, {
      headers: signer.signed(`${body} `, Math.floor(clock.now() / 1000)),
    });
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('webhook_signature_invalid');
    const stale = await webhook(events, { timestamp: Math.floor(clock.now() / 1000) - 3600 });
    expect(stale.status).toBe(401);
    const unsigned = await webhook(events, { headers: {} });
    expect(unsigned.status).toBe(401);
  });

  it('skips the bounced address on the next event and says so on the run', async () => {
    const eventId = await overdue('INV-5');
    await server.worker.drain();
    const messages = await messagesOf(eventId);
    const suppressedEmail = (await get('/api/v1/suppressions')).body.data[0].email;
    expect(messages.map((m) => m.to.email)).not.toContain(suppressedEmail);
    const event = (await get(`/api/v1/events/${eventId}`)).body;
    const run = (await get(`/api/v1/runs/${event.runs[0].run_id}`)).body;
    expect(
      run.log.find((e: { kind: string }) => e.kind === 'recipient_skipped').detail,
    ).toMatchObject({
      reason: 'suppressed',
      email: suppressedEmail,
    });
  });

  it('unsubscribes in one click from the link in the sent mail, and refuses a tampered link', async () => {
    const sent = fake.requests.filter((r) => r.outcome === 202).at(-1)?.body as any;
    const personal = sent.personalizations[0];
    const unsubscribe = personal.headers?.['List-Unsubscribe'] ?? sent.headers['List-Unsubscribe'];
    const url = /<([^>]+\/unsubscribe\/[^>]+)>/.exec(unsubscribe)?.[1] ?? '';
    const path = url.slice(publicUrl.length);
    const recipient = personal.to[0].email;

    const page = await server.request('GET', path, { key: null });
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain('<form method="post">');
    expect((await get(`/api/v1/suppressions?email=${recipient}`)).body.data).toEqual([]);

    const oneClick = await server.request('POST', path, {
      key: null,
      raw: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(oneClick.status).toBe(200);
    expect((await get(`/api/v1/suppressions?email=${recipient}`)).body.data[0].reason).toBe(
      'unsubscribe',
    );

    const tampered = await server.request('POST', `${path.slice(0, -3)}abc`, {
      key: null,
      raw: 'List-Unsubscribe=One-Click',
    });
    expect(tampered.status).toBe(400);
  });

  it('keeps test-mode mail in the outbox even with SendGrid set up', async () => {
    const before = fake.requests.length;
    const posted = await post(
      '/api/v1/events',
      { event_type: 'invoice.overdue', entity_id: 'acct_123', data: { invoice_id: 'T-1' } },
      server.account.testKey,
    );
    await server.worker.drain();
    const messages = await server.request(
      'GET',
      `/api/v1/messages?event_id=${posted.body.event_id}`,
      {
        key: server.account.testKey,
      },
    );
    expect(
      messages.body.data.every(
        (m: { status: string; provider: string }) =>
          m.status === 'captured' && m.provider === 'outbox',
      ),
    ).toBe(true);
    expect(fake.requests.length).toBe(before);
  });

  it('fails mail SendGrid refuses the key for, holds later mail, and sends it once the key is fixed', async () => {
    // Earlier tests suppressed both contacts; lifting a suppression lets policies mail again.
    for (const email of ['billing@acme.com', 'refused@acme.com']) {
      expect((await server.request('DELETE', `/api/v1/suppressions/${email}`)).status).toBe(204);
    }
    fake.setDefault(sendgridAnswers.unauthorized());
    const refusedEvent = await overdue('INV-6');
    await server.worker.drain();
    const refused = await messagesOf(refusedEvent);
    expect(refused.map((m) => m.status)).toEqual(['failed', 'failed']);
    expect(refused[0]?.last_error).toContain('authorization grant is invalid');
    const settings = (await get('/api/v1/settings/email-provider')).body;
    expect(settings).toMatchObject({
      status: 'needs_attention',
      status_detail: expect.any(String),
    });

    // While the settings need attention, mail waits instead of failing one message after another.
    const heldEvent = await overdue('INV-7');
    await server.worker.drain();
    expect((await messagesOf(heldEvent)).map((m) => m.status)).toEqual(['queued', 'queued']);

    fake.setDefault(sendgridAnswers.accepted());
    await server.request('PUT', '/api/v1/settings/email-provider', {
      body: { provider: 'sendgrid', api_key: apiKey, from_email: 'billing@yourco.example' },
    });
    for (let round = 0; round < 10; round++) {
      clock.advance(60 * second);
      await server.worker.drain();
    }
    expect((await messagesOf(heldEvent)).map((m) => m.status)).toEqual(['sent', 'sent']);
  });
});

describe('the master key', () => {
  it('refuses to open secrets sealed with another key, with a clear message', () => {
    const sealed = sealSecret(Buffer.alloc(32, 1), 'acc_1', '{"api_key":"SG.x"}');
    expect(() => openSecret(Buffer.alloc(32, 2), 'acc_1', sealed)).toThrow(SecretKeyMismatchError);
    expect(() => openSecret(Buffer.alloc(32, 1), 'acc_2', sealed)).toThrow(
      /another EMIVOY_SECRET_KEY/,
    );
    expect(openSecret(Buffer.alloc(32, 1), 'acc_1', sealed)).toBe('{"api_key":"SG.x"}');
  });

  it.each(testDialects())('stops a server started with another key (%s)', async (dialect) => {
    const server = await startTestServer(dialect);
    try {
      await checkMasterKey(server.database.handle.db, Buffer.alloc(32, 7));
      await expect(checkMasterKey(server.database.handle.db, Buffer.alloc(32, 8))).rejects.toThrow(
        MasterKeyError,
      );
    } finally {
      await server.close();
    }
  });
});
