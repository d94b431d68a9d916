import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

describe.each(testDialects())('API keys and authentication on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('creates a live key whose secret is shown once and works at once', async () => {
    const created = await server.request('POST', '/api/v1/api-keys', { body: { name: 'CI' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      object: 'api_key',
      name: 'CI',
      mode: 'live',
      revoked_at: null,
    });
    expect(created.body.key).toMatch(/^em_live_[A-Za-z0-9]{40}$/);
    expect(created.headers['cache-control']).toBe('no-store');

    const list = await server.request('GET', '/api/v1/entities', { key: created.body.key });
    expect(list.status).toBe(200);

    const keys = await server.request('GET', '/api/v1/api-keys');
    const listed = keys.body.data.find(
      (k: { api_key_id: string }) => k.api_key_id === created.body.api_key_id,
    );
    expect(listed).toBeDefined();
    expect(listed.key).toBeUndefined();
    expect(JSON.stringify(keys.body)).not.toContain(created.body.key);
    expect(listed.key_hint).toBe(`em_live_…${created.body.key.slice(-4)}`);
  });

  it('creates test-mode keys, and refuses live keys to a test-mode caller', async () => {
    const test = await server.request('POST', '/api/v1/api-keys', { body: { mode: 'test' } });
    expect(test.status).toBe(201);
    expect(test.body.key).toMatch(/^em_test_/);

    const escalate = await server.request('POST', '/api/v1/api-keys', {
      key: test.body.key,
      body: { mode: 'live' },
    });
    expect(escalate.status).toBe(403);
    expect(escalate.body.errors[0].field).toBe('mode');
  });

  it('revokes a key at once', async () => {
    const created = await server.request('POST', '/api/v1/api-keys', {
      body: { name: 'short-lived' },
    });
    const revoked = await server.request('DELETE', `/api/v1/api-keys/${created.body.api_key_id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).not.toBeNull();

    const refused = await server.request('GET', '/api/v1/entities', { key: created.body.key });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('api_key_revoked');
    const again = await server.request('DELETE', '/api/v1/api-keys/key_nope');
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('api_key_not_found');
  });

  it('refuses missing, malformed and unknown credentials with 401 and a challenge', async () => {
    const none = await server.request('GET', '/api/v1/entities', { key: null });
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('authentication_required');
    expect(none.headers['www-authenticate']).toContain('Bearer');

    const basic = await server.request('GET', '/api/v1/entities', {
      key: null,
      headers: { authorization: 'Basic Zm9vOmJhcg==' },
    });
    expect(basic.body.code).toBe('authentication_required');

    const unknown = await server.request('GET', '/api/v1/entities', {
      key: `em_live_${'x'.repeat(40)}`,
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe('invalid_api_key');
  });

  it('stores only a SHA-256 hash of each secret', async () => {
    const created = await server.request('POST', '/api/v1/api-keys', { body: {} });
    const rows = await server.database.handle.db.selectFrom('api_keys').selectAll().execute();
    const text = JSON.stringify(rows);
    expect(text).not.toContain(created.body.key);
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.key_hash))).toBe(true);
  });
});
