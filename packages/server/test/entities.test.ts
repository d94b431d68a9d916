import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

describe.each(testDialects())('entities on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('creates the seed entity exactly as documented and reads it back', async () => {
    const created = await server.request('POST', '/api/v1/entities', {
      body: { external_id: 'acct_123', entity_type: 'account', name: 'Acme Corp' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      object: 'entity',
      entity_id: 'acct_123',
      entity_type: 'account',
      name: 'Acme Corp',
      attributes: {},
    });

    const fetched = await server.request('GET', '/api/v1/entities/acct_123');
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);
  });

  it('refuses a second entity with the same external_id', async () => {
    const again = await server.request('POST', '/api/v1/entities', {
      body: { external_id: 'acct_123', entity_type: 'account' },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('entity_exists');
    expect(again.body.errors).toEqual([{ field: 'external_id', message: expect.any(String) }]);
  });

  it('upserts with PUT: 201 when new, 200 when replaced', async () => {
    const first = await server.request('PUT', '/api/v1/entities/inv_9', {
      body: { entity_type: 'invoice', name: 'Invoice 9', attributes: { amount: 10 } },
    });
    expect(first.status).toBe(201);
    const second = await server.request('PUT', '/api/v1/entities/inv_9', {
      body: { entity_type: 'invoice' },
    });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ entity_id: 'inv_9', name: null, attributes: {} });
  });

  it('patches only the given fields', async () => {
    const patched = await server.request('PATCH', '/api/v1/entities/acct_123', {
      body: { attributes: { plan: 'pro' } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Acme Corp', attributes: { plan: 'pro' } });
  });

  it('names every bad field and stores nothing', async () => {
    const bad = await server.request('POST', '/api/v1/entities', {
      body: { external_id: '', entity_type: 7, colour: 'red' },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body.code).toBe('validation_failed');
    const fields = bad.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['colour', 'entity_type', 'external_id']);
    const list = await server.request('GET', '/api/v1/entities?limit=100');
    expect(list.body.data).toHaveLength(2);
  });

  it('searches with q and filters by entity_type', async () => {
    const byName = await server.request('GET', '/api/v1/entities?q=acme');
    expect(byName.body.data.map((e: { entity_id: string }) => e.entity_id)).toEqual(['acct_123']);
    const byType = await server.request('GET', '/api/v1/entities?entity_type=invoice');
    expect(byType.body.data.map((e: { entity_id: string }) => e.entity_id)).toEqual(['inv_9']);
    const literal = await server.request('GET', `/api/v1/entities?q=${encodeURIComponent('%')}`);
    expect(literal.body.data).toEqual([]);
  });

  it('pages through hundreds of entities with cursors, newest first, without repeats', async () => {
    const other = await server.createTestAccount('Pager');
    for (let i = 0; i < 230; i++) {
      const response = await server.request('POST', '/api/v1/entities', {
        key: other.key,
        body: { external_id: `e_${String(i).padStart(3, '0')}`, entity_type: 'thing' },
      });
      expect(response.status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `limit=100&cursor=${cursor}` : 'limit=100';
      const page = await server.request('GET', `/api/v1/entities?${query}`, { key: other.key });
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((e: { entity_id: string }) => e.entity_id));
      cursor = page.body.next_cursor;
      expect(page.body.has_more).toBe(cursor !== null);
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(230);
    expect(new Set(seen).size).toBe(230);
    expect(seen[0]).toBe('e_229');
    expect(seen.at(-1)).toBe('e_000');
  });

  it('refuses a cursor it did not issue and a page size over 100', async () => {
    const badCursor = await server.request('GET', '/api/v1/entities?cursor=garbage');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.code).toBe('invalid_cursor');
    const tooMany = await server.request('GET', '/api/v1/entities?limit=101');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].field).toBe('limit');
  });

  it('deletes an entity with its contacts; then it is gone', async () => {
    const deleted = await server.request('DELETE', '/api/v1/entities/inv_9');
    expect(deleted.status).toBe(204);
    const gone = await server.request('GET', '/api/v1/entities/inv_9');
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('entity_not_found');
  });
});
