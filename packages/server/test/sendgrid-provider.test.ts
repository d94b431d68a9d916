import { Agent, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  EmailProvider,
  OutgoingEmail,
  SendResult,
  VerifyResult,
} from '../src/providers/email-provider.js';
import {
  createSendgridProvider,
  type SendgridProviderOptions,
} from '../src/providers/sendgrid-provider.js';
import {
  type FakeSendgrid,
  mailSendProblems,
  sendgridAnswers,
  startFakeSendgrid,
} from './harness/fake-sendgrid.js';

const apiKey = 'SG.emivoy-test-key.0123456789abcdefghijklmnop';
const now = Date.parse('2026-12-01T09:00:00.000Z');

function outgoing(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    messageId: 'msg_01JTEST',
    accountId: 'acc_01JTEST',
    from: { email: 'billing@example.com', name: 'Acme Billing' },
    replyTo: 'support@example.com',
    to: { email: 'ada@example.org', name: 'Ada Lovelace' },
    subject: 'Invoice INV-7 is overdue',
    textBody: 'Hello Ada, invoice INV-7 is overdue.',
    htmlBody: '<p>Hello Ada, invoice <b>INV-7</b> is overdue.</p>',
    headers: {
      'List-Unsubscribe': '<https://emivoy.example/u/abc>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    ...overrides,
  };
}

describe('SendGrid provider', () => {
  let fake: FakeSendgrid;
  const providers: EmailProvider[] = [];
  // Every error and detail any provider produced, to show the key is in none of them.
  const texts: string[] = [];

  function provider(options: Partial<SendgridProviderOptions> = {}): EmailProvider {
    const created = createSendgridProvider({
      apiUrl: fake.url,
      apiKey,
      now: () => now,
      ...options,
    });
    providers.push(created);
    return created;
  }

  async function send(via: EmailProvider, email = outgoing()): Promise<SendResult> {
    const result = await via.send(email);
    if (result.outcome !== 'accepted') texts.push(result.error);
    return result;
  }

  async function verify(via: EmailProvider): Promise<VerifyResult> {
    const result = await via.verify();
    texts.push(result.detail);
    return result;
  }

  beforeEach(async () => {
    fake = await startFakeSendgrid({ apiKey });
  });

  afterEach(async () => {
    await Promise.all(providers.splice(0).map((each) => each.close()));
    await fake.close();
    // The fake refuses what SendGrid would refuse: nothing the provider sent may be invalid.
    expect(fake.requests.flatMap((each) => each.invalid)).toEqual([]);
    for (const text of texts.splice(0)) expect(text).not.toContain(apiKey);
  });

  describe('the request', () => {
    it('is one SendGrid accepts, and the answer carries its message id', async () => {
      fake.script(sendgridAnswers.accepted('sg-id-1'));

      const result = await send(provider());

      expect(result).toEqual({ outcome: 'accepted', providerMessageId: 'sg-id-1', status: 'sent' });
      expect(fake.requests).toHaveLength(1);
      expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v3/mail/send' });
      expect(fake.requests[0]?.outcome).toBe(202);
    });

    it('carries the key, the ids, the addresses, both parts in order and the headers', async () => {
      await send(provider());

      const [received] = fake.requests;
      expect(received?.headers.authorization).toBe(`Bearer ${apiKey}`);
      expect(received?.headers['content-type']).toBe('application/json');
      expect(received?.body).toEqual({
        personalizations: [
          {
            to: [{ email: 'ada@example.org', name: 'Ada Lovelace' }],
            custom_args: { emivoy_message_id: 'msg_01JTEST', emivoy_account_id: 'acc_01JTEST' },
          },
        ],
        from: { email: 'billing@example.com', name: 'Acme Billing' },
        reply_to: { email: 'support@example.com' },
        subject: 'Invoice INV-7 is overdue',
        content: [
          { type: 'text/plain', value: 'Hello Ada, invoice INV-7 is overdue.' },
          { type: 'text/html', value: '<p>Hello Ada, invoice <b>INV-7</b> is overdue.</p>' },
        ],
        headers: {
          'List-Unsubscribe': '<https://emivoy.example/u/abc>',
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      });
    });

    it('leaves out what the email does not have', async () => {
      const bare = outgoing({
        from: { email: 'billing@example.com', name: null },
        to: { email: 'ada@example.org', name: null },
        replyTo: null,
        htmlBody: null,
        headers: {},
      });

      const result = await send(provider(), bare);

      expect(result.outcome).toBe('accepted');
      const body = fake.requests[0]?.body as Record<string, any>;
      expect(body.from).toEqual({ email: 'billing@example.com' });
      expect(body.personalizations[0].to).toEqual([{ email: 'ada@example.org' }]);
      expect(body.content).toEqual([{ type: 'text/plain', value: bare.textBody }]);
      expect(Object.keys(body)).not.toContain('reply_to');
      expect(Object.keys(body)).not.toContain('headers');
    });

    it('sends an HTML-only email as one text/html part', async () => {
      await send(provider(), outgoing({ textBody: null }));

      const body = fake.requests[0]?.body as Record<string, any>;
      expect(body.content.map((part: { type: string }) => part.type)).toEqual(['text/html']);
      expect(fake.requests[0]?.outcome).toBe(202);
    });

    it('reuses one keep-alive connection for 50 sends in a row', async () => {
      const sendgrid = provider();

      for (let i = 0; i < 50; i += 1) {
        const result = await send(sendgrid, outgoing({ messageId: `msg_${i}` }));
        expect(result.outcome).toBe('accepted');
        // The worker records each outcome in the database before the next send: some I/O.
        await new Promise((resolve) => setImmediate(resolve));
      }

      expect(fake.requests).toHaveLength(50);
      expect(fake.connectionCount).toBe(1);
    });

    it('reuses at most two connections for 50 sends back to back', async () => {
      const sendgrid = provider();

      for (let i = 0; i < 50; i += 1) await send(sendgrid, outgoing({ messageId: `msg_${i}` }));

      // NOTE: undici frees a connection for the next request a microtask after the answer
      // ends, so a send in that same tick finds it busy and opens a second one; no more.
      expect(fake.requests.map((each) => each.outcome)).toEqual(Array(50).fill(202));
      expect(fake.connectionCount).toBeLessThanOrEqual(2);
    });

    it('opens a bounded number of connections for a burst of concurrent sends', async () => {
      const sendgrid = provider();

      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => send(sendgrid, outgoing({ messageId: `msg_${i}` }))),
      );

      expect(results.every((result) => result.outcome === 'accepted')).toBe(true);
      expect(fake.connectionCount).toBeLessThanOrEqual(16);
    });
  });

  describe('answers worth another try', () => {
    it('429 with Retry-After in seconds', async () => {
      fake.script(sendgridAnswers.rateLimited({ retryAfter: '7' }));

      const result = await send(provider());

      expect(result).toMatchObject({ outcome: 'retry', retryAfterMs: 7_000 });
      expect(result.outcome === 'retry' && result.error).toContain('too many requests');
    });

    it('429 with Retry-After as an HTTP date', async () => {
      const retryAfter = new Date(now + 90_000).toUTCString();
      fake.script(sendgridAnswers.rateLimited({ retryAfter }));

      expect(await send(provider())).toMatchObject({ outcome: 'retry', retryAfterMs: 90_000 });
    });

    it("429 with SendGrid's X-RateLimit-Reset", async () => {
      fake.script(sendgridAnswers.rateLimited({ rateLimitReset: now / 1000 + 42 }));

      expect(await send(provider())).toMatchObject({ outcome: 'retry', retryAfterMs: 42_000 });
    });

    it('429 without a hint leaves the wait to the backoff', async () => {
      fake.script(sendgridAnswers.rateLimited());

      const result = await send(provider());

      expect(result.outcome).toBe('retry');
      expect(result).not.toHaveProperty('retryAfterMs');
    });

    it('503', async () => {
      fake.script(sendgridAnswers.unavailable(503));

      const result = await send(provider());

      expect(result.outcome).toBe('retry');
      expect(result.outcome === 'retry' && result.error).toMatch(/Service Unavailable.*503/);
    });

    it('a dropped connection, and the next send still goes through', async () => {
      fake.script(sendgridAnswers.dropped());
      const sendgrid = provider();

      const dropped = await send(sendgrid);
      const next = await send(sendgrid);

      expect(dropped.outcome).toBe('retry');
      expect(fake.requests[0]?.outcome).toBe('dropped');
      expect(next.outcome).toBe('accepted');
    });

    it('an answer slower than the timeout', async () => {
      fake.script(sendgridAnswers.slow(5_000));
      const sendgrid = provider({ timeouts: { headersMs: 200 } });

      const started = Date.now();
      const result = await send(sendgrid);

      expect(Date.now() - started).toBeLessThan(2_000);
      expect(result.outcome).toBe('retry');
      expect(result.outcome === 'retry' && result.error).toContain('UND_ERR_HEADERS_TIMEOUT');
      expect((await send(sendgrid)).outcome).toBe('accepted');
    });

    it('nobody listening', async () => {
      const gone = await startFakeSendgrid({ apiKey });
      await gone.close();

      const result = await send(provider({ apiUrl: gone.url }));

      expect(result.outcome).toBe('retry');
      expect(result.outcome === 'retry' && result.error).toContain('ECONNREFUSED');
    });
  });

  describe('refusals', () => {
    it("400 keeps SendGrid's own words and the field they name", async () => {
      const words = 'The from address does not match a verified Sender Identity.';
      fake.script(sendgridAnswers.badRequest(words, 'from.email'));

      const result = await send(provider());

      expect(result.outcome).toBe('rejected');
      expect(result.outcome === 'rejected' && result.error).toContain(words);
      expect(result.outcome === 'rejected' && result.error).toContain('from.email');
      expect(result).not.toHaveProperty('credentialsRejected');
    });

    it('401 says the credentials themselves were refused', async () => {
      const result = await send(provider({ apiKey: 'SG.revoked-key' }));

      expect(result).toMatchObject({ outcome: 'rejected', credentialsRejected: true });
      expect(result.outcome === 'rejected' && result.error).toContain(
        'invalid, expired, or revoked',
      );
      expect(result.outcome === 'rejected' && result.error).not.toContain('SG.revoked-key');
    });

    it('403 when the key may not send mail', async () => {
      fake.scopes = ['user.profile.read'];

      const result = await send(provider());

      expect(result.outcome).toBe('rejected');
      expect(result.outcome === 'rejected' && result.error).toContain('access forbidden');
      expect(result).not.toHaveProperty('credentialsRejected');
    });

    it('413', async () => {
      fake.script(sendgridAnswers.payloadTooLarge());

      const result = await send(provider());

      expect(result.outcome).toBe('rejected');
      expect(result.outcome === 'rejected' && result.error).toMatch(/30 megabytes.*413/);
    });

    it('any other 4xx', async () => {
      fake.script({ status: 404, errors: [{ message: 'Not Found' }] });

      expect(await send(provider())).toMatchObject({ outcome: 'rejected' });
    });

    it('never repeats the API key, even when something echoes it back', async () => {
      fake.script(sendgridAnswers.badRequest(`Key ${apiKey} is not allowed`), {
        status: 500,
        body: `proxy error for Bearer ${apiKey}`,
      });
      const sendgrid = provider();

      const results = [await send(sendgrid), await send(sendgrid)];

      for (const result of results) {
        expect(result.outcome === 'accepted' ? '' : result.error).toContain('[redacted API key]');
      }
    });
  });

  describe('verify', () => {
    it('is ok for a key with the mail.send scope, and sends no mail', async () => {
      const result = await verify(provider());

      expect(result.ok).toBe(true);
      expect(result.detail).toContain('mail.send');
      expect(fake.requests.map((each) => each.path)).toEqual(['/v3/scopes']);
      expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${apiKey}`);
    });

    it('is not ok for a key without the mail.send scope', async () => {
      fake.scopes = ['user.profile.read', 'stats.read'];

      const result = await verify(provider());

      expect(result.ok).toBe(false);
      expect(result.detail).toContain('lacks the mail.send scope');
    });

    it('is not ok for a key SendGrid refuses', async () => {
      const result = await verify(provider({ apiKey: 'SG.wrong-key' }));

      expect(result.ok).toBe(false);
      expect(result.detail).toMatch(/^SendGrid refused this API key: .*revoked/);
      expect(result.detail).not.toContain('SG.wrong-key');
    });

    it('is not ok on 403', async () => {
      fake.scriptScopes(sendgridAnswers.forbidden());

      const result = await verify(provider());

      expect(result).toMatchObject({ ok: false });
      expect(result.detail).toContain('SendGrid refused this API key: access forbidden');
    });

    it('is not ok when SendGrid cannot be reached', async () => {
      const gone = await startFakeSendgrid({ apiKey });
      await gone.close();

      const result = await verify(provider({ apiUrl: gone.url }));

      expect(result.ok).toBe(false);
      expect(result.detail).toContain(`could not reach SendGrid at ${gone.url}`);
    });
  });

  it('refuses an API URL that is not http(s) at creation', () => {
    expect(() => createSendgridProvider({ apiUrl: 'api.sendgrid.com', apiKey })).toThrow(
      /not an http\(s\) URL/,
    );
  });

  it('close() closes its keep-alive connection, and may be called twice', async () => {
    const sendgrid = createSendgridProvider({ apiUrl: fake.url, apiKey });
    await send(sendgrid);
    expect(fake.openConnectionCount).toBe(1);

    await sendgrid.close();
    await sendgrid.close();

    await vi.waitFor(() => expect(fake.openConnectionCount).toBe(0));
  });

  it('leaves a dispatcher it was given open for its owner', async () => {
    const shared = new Agent();
    const sendgrid = createSendgridProvider({ apiUrl: fake.url, apiKey, dispatcher: shared });
    await send(sendgrid);

    await sendgrid.close();

    expect(shared.closed).toBe(false);
    await shared.close();
  });
});

describe('the fake SendGrid', () => {
  let fake: FakeSendgrid;

  beforeEach(async () => {
    fake = await startFakeSendgrid({ apiKey });
  });

  afterEach(async () => {
    await fake.close();
  });

  async function post(body: unknown, key = apiKey) {
    const response = await request(`${fake.url}/v3/mail/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.statusCode, body: (await response.body.text()) || null };
  }

  const valid = {
    personalizations: [{ to: [{ email: 'ada@example.org' }] }],
    from: { email: 'billing@example.com' },
    subject: 'Hi',
    content: [{ type: 'text/plain', value: 'Hi' }],
  };

  it('accepts a valid body with 202 and an X-Message-Id', async () => {
    const response = await request(`${fake.url}/v3/mail/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(valid),
    });
    await response.body.dump();

    expect(response.statusCode).toBe(202);
    expect(response.headers['x-message-id']).toMatch(/^[\w-]{22}$/);
  });

  it("refuses what SendGrid's description refuses, in SendGrid's error shape", async () => {
    const response = await post({
      personalizations: [{ to: [{ email: 'not an address' }] }],
      subject: '',
      content: [{ type: 'text/plain', value: 'Hi' }],
    });

    expect(response.status).toBe(400);
    const { errors } = JSON.parse(response.body ?? '{}');
    expect(errors).toEqual(
      expect.arrayContaining([
        {
          field: 'personalizations.0.to.0.email',
          message: 'must match format "email"',
          help: null,
        },
        { field: 'from', message: "must have required property 'from'", help: null },
        { field: 'subject', message: 'must NOT have fewer than 1 characters', help: null },
      ]),
    );
    expect(fake.requests[0]?.invalid).toHaveLength(3);
  });

  it('refuses text/html before text/plain and a body without content', () => {
    const htmlFirst = {
      ...valid,
      content: [
        { type: 'text/html', value: '<p>Hi</p>' },
        { type: 'text/plain', value: 'Hi' },
      ],
    };

    expect(mailSendProblems(valid)).toEqual([]);
    expect(mailSendProblems(htmlFirst)).toMatchObject([{ field: 'content' }]);
    expect(mailSendProblems({ ...valid, content: [] })).toMatchObject([{ field: 'content' }]);
  });

  it('answers 401 to a wrong key, before looking at the body', async () => {
    const response = await post({}, 'SG.other');

    expect(response.status).toBe(401);
    expect(response.body).toContain('invalid, expired, or revoked');
  });

  it('plays its script in order, then the default', async () => {
    fake.script(sendgridAnswers.unavailable(), sendgridAnswers.rateLimited({ retryAfter: '1' }));
    fake.setDefault(sendgridAnswers.accepted('always-this'));

    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await post(valid)).status);

    expect(statuses).toEqual([503, 429, 202, 202]);
    expect(fake.requests.map((each) => each.outcome)).toEqual([503, 429, 202, 202]);
  });
});
