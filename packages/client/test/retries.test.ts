import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../../server/test/harness/spawn-emivoy.js';
import {
  ConflictError,
  ConnectionError,
  Emivoy,
  EmivoyError,
  RateLimitError,
  ServerError,
} from '../src/index.js';
import { parseRetryAfter, retryDelayMs } from '../src/retry.js';
import { type ClientServer, startClientServer } from './harness/client-server.js';
import { type ForwardingProxy, startForwardingProxy } from './harness/forwarding-proxy.js';
import {
  problem,
  type StandInAnswer,
  type StandInServer,
  startStandInServer,
} from './harness/stand-in-server.js';
import { seedEntity, seedEvent } from './seed.js';

async function failure(promise: Promise<unknown>): Promise<EmivoyError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EmivoyError);
    return error as EmivoyError;
  }
  throw new Error('expected the call to fail');
}

describe('through a proxy that loses the first answer', () => {
  let server: ClientServer;
  let proxy: ForwardingProxy | undefined;

  beforeAll(async () => {
    server = await startClientServer();
    await server.client().entities.create(seedEntity);
  });

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  afterAll(async () => {
    await server?.stop();
  });

  function clientThroughProxy(): Emivoy {
    return new Emivoy({ apiKey: server.apiKey, baseUrl: proxy?.url ?? '', maxRetries: 2 });
  }

  test('POST /events is retried with the same key: exactly one event results', async () => {
    proxy = await startForwardingProxy(
      server.url,
      (method, path) => method === 'POST' && path === '/api/v1/events',
    );
    const event = await clientThroughProxy().events.create({
      ...seedEvent,
      data: { invoice_id: 'INV-LOST' },
    });

    const posts = proxy.seen.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(posts[0]?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(posts[1]?.idempotencyKey).toBe(posts[0]?.idempotencyKey);

    const stored = [];
    for await (const e of server.client().events.list({ entity_id: 'acct_123' })) {
      if (e.data.invoice_id === 'INV-LOST') stored.push(e);
    }
    expect(stored.map((e) => e.event_id)).toEqual([event.event_id]);
  });

  test('a POST without a key is not sent again once it may have reached the server', async () => {
    proxy = await startForwardingProxy(
      server.url,
      (method, path) => method === 'POST' && path === '/api/v1/entities',
    );
    const error = await failure(
      clientThroughProxy().entities.create({ external_id: 'once', entity_type: 'account' }),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).sent).toBe(true);
    expect(proxy.seen.filter((r) => r.method === 'POST')).toHaveLength(1);
    // The server did act: the caller must decide, since a second POST would fail or duplicate.
    expect((await server.client().entities.get('once')).entity_id).toBe('once');
  });

  test('a POST given a key is retried, and the retry replays the first answer', async () => {
    proxy = await startForwardingProxy(
      server.url,
      (method, path) => method === 'POST' && path === '/api/v1/contacts',
    );
    const contact = await clientThroughProxy().contacts.create(
      { entity_id: 'acct_123', role: 'owner', email: 'owner@acme.com' },
      { idempotencyKey: 'contact-owner-acme' },
    );
    expect(proxy.seen.filter((r) => r.method === 'POST')).toHaveLength(2);
    const owners = await server.client().contacts.list({ entity_id: 'acct_123', role: 'owner' });
    expect(owners.data.map((c) => c.contact_id)).toEqual([contact.contact_id]);
  });

  test('a GET is retried after a lost answer', async () => {
    proxy = await startForwardingProxy(server.url, (method) => method === 'GET');
    const entity = await clientThroughProxy().entities.get('acct_123');
    expect(entity.entity_id).toBe('acct_123');
    expect(proxy.seen).toHaveLength(2);
  });
});

describe('against a stand-in server', () => {
  let standIn: StandInServer | undefined;

  afterEach(async () => {
    await standIn?.close();
    standIn = undefined;
  });

  async function serve(answers: Array<StandInAnswer>, maxRetries = 2) {
    standIn = await startStandInServer(
      (_, index) => answers[Math.min(index, answers.length - 1)] ?? null,
    );
    return new Emivoy({ apiKey: 'em_live_x', baseUrl: standIn.url, maxRetries });
  }

  const unavailable = {
    status: 503,
    body: problem(503, 'service_unavailable', 'The database is not reachable'),
  };
  const usage = {
    status: 200,
    body: { object: 'usage', events: 0, limit: null, remaining: null },
  };

  test('5xx: a GET is retried up to maxRetries, then fails with ServerError', async () => {
    const client = await serve([unavailable]);
    const error = await failure(client.usage.get());
    expect(error).toBeInstanceOf(ServerError);
    expect(error.code).toBe('service_unavailable');
    expect(standIn?.seen).toHaveLength(3);
  });

  test('5xx then success: the retry’s answer is returned', async () => {
    const client = await serve([unavailable, usage]);
    expect((await client.usage.get()).object).toBe('usage');
    expect(standIn?.seen).toHaveLength(2);
  });

  test('5xx: a POST without a key is not retried; events.create is, with one key', async () => {
    const client = await serve([unavailable]);
    await failure(client.templates.create({ name: 'T', subject: 's', text_body: 'b' }));
    expect(standIn?.seen).toHaveLength(1);

    await failure(client.events.create(seedEvent));
    const posts = standIn?.seen.slice(1) ?? [];
    expect(posts).toHaveLength(3);
    expect(new Set(posts.map((r) => r.idempotencyKey)).size).toBe(1);
    expect(posts[0]?.idempotencyKey).toBeDefined();
  });

  test('maxRetries: 0 sends once', async () => {
    const client = await serve([unavailable], 0);
    await failure(client.usage.get());
    expect(standIn?.seen).toHaveLength(1);
  });

  test('429 rate_limited waits out Retry-After, even for a POST without a key', async () => {
    const limited = {
      status: 429,
      headers: { 'Retry-After': '1' },
      body: problem(429, 'rate_limited', 'More than 1 requests a second'),
    };
    const created = { status: 201, body: { object: 'template', template_id: 'tpl_1' } };
    const client = await serve([limited, created]);
    const started = Date.now();
    const template = await client.templates.create({ name: 'T', subject: 's', text_body: 'b' });
    expect(template.template_id).toBe('tpl_1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  test('a Retry-After beyond a minute is not waited for', async () => {
    const client = await serve([
      {
        status: 429,
        headers: { 'Retry-After': '3600' },
        body: problem(429, 'rate_limited', 'Slow down'),
      },
    ]);
    const error = await failure(client.usage.get());
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfter).toBe(3600);
    expect(standIn?.seen).toHaveLength(1);
  });

  test('409 idempotency_key_in_use is retried; other conflicts are not', async () => {
    const inUse = {
      status: 409,
      headers: { 'Retry-After': '0' },
      body: problem(409, 'idempotency_key_in_use', 'Still being answered'),
    };
    const accepted = { status: 202, body: { object: 'event', event_id: 'evt_1' } };
    const client = await serve([inUse, accepted]);
    expect((await client.events.create(seedEvent)).event_id).toBe('evt_1');
    await standIn?.close();

    const exists = { status: 409, body: problem(409, 'entity_exists', 'It exists') };
    const again = await serve([exists]);
    expect(await failure(again.entities.get('x'))).toBeInstanceOf(ConflictError);
    expect(standIn?.seen).toHaveLength(1);
  });

  test('a refused connection is retried even for a POST without a key', async () => {
    const port = await freePort();
    let attempts = 0;
    const client = new Emivoy({
      apiKey: 'em_live_x',
      baseUrl: `http://127.0.0.1:${port}`,
      fetch: (input, init) => {
        attempts++;
        return fetch(input, init);
      },
    });
    const error = await failure(client.entities.create(seedEntity));
    expect(error).toMatchObject({ sent: false });
    expect(attempts).toBe(3);
  });
});

describe('retry timing', () => {
  test('back-off doubles with equal jitter, capped at 8 s', () => {
    expect(retryDelayMs(0, undefined, () => 0)).toBe(250);
    expect(retryDelayMs(0, undefined, () => 1)).toBe(500);
    expect(retryDelayMs(1, undefined, () => 0)).toBe(500);
    expect(retryDelayMs(3, undefined, () => 1)).toBe(4000);
    expect(retryDelayMs(10, undefined, () => 1)).toBe(8000);
  });

  test('Retry-After is a floor', () => {
    expect(retryDelayMs(0, 2, () => 1)).toBe(2000);
    expect(retryDelayMs(5, 1, () => 0)).toBe(4000);
  });

  test('Retry-After is read as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-03T12:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3);
    expect(parseRetryAfter('Thu, 03 Dec 2026 12:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Thu, 03 Dec 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
