import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

/**
 * Ingest takes shortcuts (on PostgreSQL one statement with the policies this process already
 * knows; a cancel scan only when some policy version could cancel). Each case here changes
 * what a shortcut relies on between two events, and expects the answer a fresh read gives.
 */
describe.each(testDialects())('ingest paths on %s', (dialect) => {
  let server: TestServer;
  let templateId: string;
  let entity = 0;

  const post = (url: string, body: unknown, headers?: Record<string, string>) =>
    server.request('POST', url, { body, ...(headers ? { headers } : {}) });
  const patch = (url: string, body: unknown) => server.request('PATCH', url, { body });
  const newEntity = async () => {
    const externalId = `ent_${++entity}`;
    await post('/api/v1/entities', { external_id: externalId, entity_type: 'account' });
    return externalId;
  };
  const newPolicy = async (eventType: string, extra: Record<string, unknown> = {}) => {
    const policy = await post('/api/v1/policies', {
      name: eventType,
      event_type: eventType,
      steps: [{ type: 'wait', duration: '1d' }],
      ...extra,
    });
    expect(policy.status).toBe(201);
    return policy.body.policy_id as string;
  };
  const started = (answer: { body: { runs_started: Array<Record<string, unknown>> } }) =>
    answer.body.runs_started.map(({ policy_id, policy_version }) => ({
      policy_id,
      policy_version,
    }));

  beforeAll(async () => {
    server = await startTestServer(dialect, { env: { EMIVOY_MONTHLY_EVENT_LIMIT: 'unlimited' } });
    const template = await post('/api/v1/templates', { name: 't', subject: 's', text_body: 'b' });
    templateId = template.body.template_id;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('starts runs at the version a policy has now, after edits and while disabled', async () => {
    const entityId = await newEntity();
    const policyId = await newPolicy('order.placed');
    const event = { event_type: 'order.placed', entity_id: entityId, data: {} };

    expect(started(await post('/api/v1/events', event))).toEqual([
      { policy_id: policyId, policy_version: 1 },
    ]);
    await patch(`/api/v1/policies/${policyId}`, {
      steps: [{ type: 'send_email', template_id: templateId }],
    });
    expect(started(await post('/api/v1/events', event))).toEqual([
      { policy_id: policyId, policy_version: 2 },
    ]);
    await patch(`/api/v1/policies/${policyId}`, { enabled: false });
    expect(started(await post('/api/v1/events', event))).toEqual([]);
    await patch(`/api/v1/policies/${policyId}`, { enabled: true });
    const second = await newPolicy('order.placed');
    expect(started(await post('/api/v1/events', event))).toEqual(
      [
        { policy_id: policyId, policy_version: 2 },
        { policy_id: second, policy_version: 1 },
      ].sort((a, b) => a.policy_id.localeCompare(b.policy_id)),
    );
  });

  it('starts only the policies whose conditions hold', async () => {
    const entityId = await newEntity();
    const policyId = await newPolicy('invoice.issued', {
      conditions: [{ field: 'amount', op: 'gte', value: 100 }],
    });
    const event = (amount: number) => ({
      event_type: 'invoice.issued',
      entity_id: entityId,
      data: { amount },
    });
    expect(started(await post('/api/v1/events', event(50)))).toEqual([]);
    expect(started(await post('/api/v1/events', event(150)))).toEqual([
      { policy_id: policyId, policy_version: 1 },
    ]);
  });

  it('cancels by the rules of the version a run pinned, even once the policy dropped them', async () => {
    const entityId = await newEntity();
    const policyId = await newPolicy('trial.started', {
      cancel_on: [{ event_type: 'trial.converted' }],
    });
    const trial = await post('/api/v1/events', {
      event_type: 'trial.started',
      entity_id: entityId,
      data: {},
    });
    const runId = trial.body.runs_started[0].run_id;
    await patch(`/api/v1/policies/${policyId}`, { cancel_on: [] });

    const converted = await post(
      '/api/v1/events',
      { event_type: 'trial.converted', entity_id: entityId, data: {} },
      { 'idempotency-key': 'converted-1' },
    );
    expect(converted.status).toBe(202);
    expect(converted.body.runs_cancelled).toEqual([
      { run_id: runId, policy_id: policyId, policy_version: 1 },
    ]);
    const replayed = await post(
      '/api/v1/events',
      { event_type: 'trial.converted', entity_id: entityId, data: {} },
      { 'idempotency-key': 'converted-1' },
    );
    expect(replayed.body).toEqual(converted.body);
  });

  it('still cancels the runs of a deleted policy through the version they pinned', async () => {
    const entityId = await newEntity();
    const policyId = await newPolicy('parcel.sent', {
      cancel_on: [{ event_type: 'parcel.received' }],
    });
    const sent = await post('/api/v1/events', {
      event_type: 'parcel.sent',
      entity_id: entityId,
      data: {},
    });
    const runId = sent.body.runs_started[0].run_id;
    const deleted = await server.request('DELETE', `/api/v1/policies/${policyId}`);
    expect(deleted.status).toBe(204);

    const received = await post('/api/v1/events', {
      event_type: 'parcel.received',
      entity_id: entityId,
      data: {},
    });
    expect(received.status).toBe(202);
    expect(received.body.runs_cancelled).toEqual([
      { run_id: runId, policy_id: policyId, policy_version: 1 },
    ]);
  });

  it('refuses an unknown entity before anything else, and stores nothing', async () => {
    await newPolicy('ghost.seen');
    const before = await server.request('GET', '/api/v1/usage');
    const refused = await post('/api/v1/events', {
      event_type: 'ghost.seen',
      entity_id: 'no_such_entity',
      data: {},
    });
    expect(refused.status).toBe(404);
    const after = await server.request('GET', '/api/v1/usage');
    expect(after.body.events).toBe(before.body.events);
  });
});

describe.each(testDialects())('concurrent events of several accounts on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect, { env: { EMIVOY_MONTHLY_EVENT_LIMIT: '5' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('counts each account against its own limit, and refuses only what does not fit', async () => {
    const nearLimit = await server.createTestAccount('near its limit');
    const fresh = await server.createTestAccount('fresh');
    for (const account of [nearLimit, fresh]) {
      await server.request('POST', '/api/v1/entities', {
        key: account.key,
        body: { external_id: 'acct_1', entity_type: 'account' },
      });
    }
    const postAs = (key: string, entityId = 'acct_1') =>
      server.request('POST', '/api/v1/events', {
        key,
        body: { event_type: 'a.b', entity_id: entityId, data: {} },
      });
    for (let n = 0; n < 4; n++) expect((await postAs(nearLimit.key)).status).toBe(202);

    // Sent together, so that they share batches where the database allows it.
    const answers = await Promise.all([
      postAs(nearLimit.key),
      postAs(fresh.key),
      postAs(nearLimit.key),
      postAs(fresh.key, 'no_such_entity'),
      postAs(fresh.key),
      postAs(nearLimit.key),
    ]);
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((_, index) => [0, 2, 5].includes(index)).sort()).toEqual([
      202, 429, 429,
    ]);
    expect([statuses[1], statuses[3], statuses[4]]).toEqual([202, 404, 202]);

    const usage = async (key: string) =>
      (await server.request('GET', '/api/v1/usage', { key })).body.events;
    expect(await usage(nearLimit.key)).toBe(5);
    expect(await usage(fresh.key)).toBe(2);
    const stored = await server.request('GET', '/api/v1/events?limit=100', { key: fresh.key });
    expect(stored.body.data).toHaveLength(2);
  });
});

describe.each(testDialects())('a monthly limit of 0 on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect, { env: { EMIVOY_MONTHLY_EVENT_LIMIT: '0' } });
    await server.request('POST', '/api/v1/entities', {
      body: { external_id: 'acct_1', entity_type: 'account' },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses every live event and stores nothing', async () => {
    const refused = await server.request('POST', '/api/v1/events', {
      body: { event_type: 'a.b', entity_id: 'acct_1', data: {} },
    });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('quota_exceeded');
    const events = await server.request('GET', '/api/v1/events');
    expect(events.body.data).toEqual([]);
    const usage = await server.request('GET', '/api/v1/usage');
    expect(usage.body.events).toBe(0);
  });
});
