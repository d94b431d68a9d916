import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

const seedEvent = {
  event_type: 'invoice.overdue',
  entity_id: 'acct_123',
  data: { invoice_id: 'INV-1042', amount: 1200, days_overdue: 7 },
};

describe.each(testDialects())('events on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
    await server.request('POST', '/api/v1/entities', {
      body: { external_id: 'acct_123', entity_type: 'account', name: 'Acme Corp' },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('accepts the seed event with 202 and lists it', async () => {
    const posted = await server.request('POST', '/api/v1/events', { body: seedEvent });
    expect(posted.status).toBe(202);
    expect(posted.body).toMatchObject({ object: 'event', ...seedEvent, livemode: true });
    expect(posted.body.event_id).toMatch(/^evt_[0-9a-z]{26}$/);

    const fetched = await server.request('GET', `/api/v1/events/${posted.body.event_id}`);
    const { runs_started: _started, runs_cancelled: _cancelled, ...event } = posted.body;
    expect(fetched.body).toEqual({ ...event, runs: [], messages: [] });
    const list = await server.request('GET', '/api/v1/events?event_type=invoice.overdue');
    expect(list.body.data.map((e: { event_id: string }) => e.event_id)).toContain(
      posted.body.event_id,
    );
  });

  it('refuses an event for an unknown entity and stores nothing', async () => {
    const before = await server.request('GET', '/api/v1/usage');
    const refused = await server.request('POST', '/api/v1/events', {
      body: { ...seedEvent, entity_id: 'acct_missing' },
    });
    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({
      code: 'entity_not_found',
      errors: [{ field: 'entity_id' }],
    });
    const after = await server.request('GET', '/api/v1/usage');
    expect(after.body.events).toBe(before.body.events);
    const list = await server.request('GET', '/api/v1/events?entity_id=acct_missing');
    expect(list.body.data).toEqual([]);
  });

  it('names bad fields of an event', async () => {
    const bad = await server.request('POST', '/api/v1/events', {
      body: { event_type: 'has spaces', entity_id: 'acct_123', data: [1, 2] },
    });
    expect(bad.status).toBe(400);
    const fields = bad.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['data', 'event_type']);
  });

  it('keeps test-mode events apart from live ones', async () => {
    const posted = await server.request('POST', '/api/v1/events', {
      key: server.account.testKey,
      body: seedEvent,
    });
    expect(posted.status).toBe(202);
    expect(posted.body.livemode).toBe(false);

    const liveList = await server.request('GET', '/api/v1/events?limit=100');
    const liveIds = liveList.body.data.map((e: { event_id: string }) => e.event_id);
    expect(liveIds).not.toContain(posted.body.event_id);
    const asLive = await server.request('GET', `/api/v1/events/${posted.body.event_id}`);
    expect(asLive.status).toBe(404);
    const asTest = await server.request('GET', `/api/v1/events/${posted.body.event_id}`, {
      key: server.account.testKey,
    });
    expect(asTest.status).toBe(200);
  });

  it('replays an idempotent POST and refuses the key with another body', async () => {
    const headers = { 'idempotency-key': 'order-42' };
    const first = await server.request('POST', '/api/v1/events', { body: seedEvent, headers });
    const second = await server.request('POST', '/api/v1/events', { body: seedEvent, headers });
    expect(second.status).toBe(202);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);

    const list = await server.request('GET', '/api/v1/events?limit=100');
    const ids = list.body.data.map((e: { event_id: string }) => e.event_id);
    expect(ids.filter((id: string) => id === first.body.event_id)).toHaveLength(1);

    const other = await server.request('POST', '/api/v1/events', {
      body: { ...seedEvent, data: { invoice_id: 'INV-9' } },
      headers,
    });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
  });

  it('creates one event for concurrent requests with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'race-1' };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        server.request('POST', '/api/v1/events', { body: seedEvent, headers }),
      ),
    );
    const ids = new Set(answers.filter((a) => a.status === 202).map((a) => a.body.event_id));
    expect(ids.size).toBe(1);
    for (const answer of answers) expect([202, 409]).toContain(answer.status);
  });
});

describe.each(testDialects())('the monthly quota on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect, { env: { EMIVOY_MONTHLY_EVENT_LIMIT: '5' } });
    await server.request('POST', '/api/v1/entities', {
      body: { external_id: 'acct_123', entity_type: 'account' },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('accepts exactly the limit under concurrency, then answers 429 quota_exceeded', async () => {
    const answers = await Promise.all(
      Array.from({ length: 9 }, () =>
        server.request('POST', '/api/v1/events', { body: seedEvent }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429, 429, 429]);
    const refused = answers.find((a) => a.status === 429);
    expect(refused?.body.code).toBe('quota_exceeded');
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);

    const usage = await server.request('GET', '/api/v1/usage');
    expect(usage.body).toMatchObject({ events: 5, limit: 5, remaining: 0 });
    const list = await server.request('GET', '/api/v1/events?limit=100');
    expect(list.body.data).toHaveLength(5);
  });

  it('does not count test-mode events', async () => {
    const posted = await server.request('POST', '/api/v1/events', {
      key: server.account.testKey,
      body: seedEvent,
    });
    expect(posted.status).toBe(202);
    const usage = await server.request('GET', '/api/v1/usage');
    expect(usage.body.events).toBe(5);
  });
});
