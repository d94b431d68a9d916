import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

const start = Date.parse('2026-03-01T09:00:00.000Z');
const hour = 3_600_000;

/** The seed's request bodies, verbatim. */
const seedEntity = { external_id: 'acct_123', entity_type: 'account', name: 'Acme Corp' };
const seedContact = {
  entity_id: 'acct_123',
  role: 'billing_contact',
  email: 'billing@acme.com',
  name: 'Jane Smith',
};

describe.each(testDialects())('contacts on %s', (dialect) => {
  let server: TestServer;
  // The server's clock: each test moves it forward, so created_at values are known.
  let clock = start;
  let janeId: string;

  beforeAll(async () => {
    server = await startTestServer(dialect, { now: () => clock });
    const entity = await server.request('POST', '/api/v1/entities', { body: seedEntity });
    expect(entity.status).toBe(201);
    const other = await server.request('POST', '/api/v1/entities', {
      body: { external_id: 'acct_456', entity_type: 'account', name: 'Globex' },
    });
    expect(other.status).toBe(201);
  });
  afterAll(async () => {
    await server?.close();
  });

  async function contactCount(key?: string): Promise<number> {
    const list = await server.request('GET', '/api/v1/contacts?limit=100', {
      ...(key ? { key } : {}),
    });
    expect(list.status).toBe(200);
    return list.body.data.length;
  }

  function ids(page: { data: { contact_id: string }[] }): string[] {
    return page.data.map((c) => c.contact_id);
  }

  it('attaches the seed contact exactly as documented and reads it back', async () => {
    const created = await server.request('POST', '/api/v1/contacts', { body: seedContact });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      object: 'contact',
      contact_id: expect.stringMatching(/^con_[0-9a-z]{26}$/),
      entity_id: 'acct_123',
      role: 'billing_contact',
      email: 'billing@acme.com',
      name: 'Jane Smith',
      attributes: {},
      created_at: '2026-03-01T09:00:00.000Z',
      updated_at: '2026-03-01T09:00:00.000Z',
    });
    janeId = created.body.contact_id;

    const fetched = await server.request('GET', `/api/v1/contacts/${janeId}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);
  });

  it('stores emails lowercased and keeps attributes as given', async () => {
    clock = start + hour;
    const created = await server.request('POST', '/api/v1/contacts', {
      body: {
        entity_id: 'acct_123',
        role: 'ops',
        email: 'Ops.Team@ACME.com',
        attributes: { timezone: 'Europe/Paris', escalation: [1, 2] },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      email: 'ops.team@acme.com',
      name: null,
      attributes: { timezone: 'Europe/Paris', escalation: [1, 2] },
      created_at: '2026-03-01T10:00:00.000Z',
    });
  });

  it('lets one address hold several roles and sit on several entities', async () => {
    clock = start + 2 * hour;
    const asOps = await server.request('POST', '/api/v1/contacts', {
      body: { ...seedContact, role: 'ops' },
    });
    expect(asOps.status).toBe(201);
    const elsewhere = await server.request('POST', '/api/v1/contacts', {
      body: { ...seedContact, entity_id: 'acct_456', name: 'Jane at Globex' },
    });
    expect(elsewhere.status).toBe(201);
    expect(await contactCount()).toBe(4);
  });

  it('refuses the same entity, role and email twice, in any case, storing nothing', async () => {
    const again = await server.request('POST', '/api/v1/contacts', {
      body: { ...seedContact, email: 'Billing@Acme.com', name: 'Someone else' },
    });
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.body.code).toBe('contact_exists');
    expect(again.body.errors).toEqual([{ field: 'email', message: expect.any(String) }]);
    expect(await contactCount()).toBe(4);
  });

  it('creates one of two identical contacts posted at once', async () => {
    const body = { ...seedContact, role: 'racer' };
    const answers = await Promise.all([
      server.request('POST', '/api/v1/contacts', { body }),
      server.request('POST', '/api/v1/contacts', { body }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const created = answers.find((a) => a.status === 201);
    const deleted = await server.request('DELETE', `/api/v1/contacts/${created?.body.contact_id}`);
    expect(deleted.status).toBe(204);
    expect(await contactCount()).toBe(4);
  });

  it('answers 404 entity_not_found for an entity the account does not have', async () => {
    const missing = await server.request('POST', '/api/v1/contacts', {
      body: { ...seedContact, entity_id: 'acct_999' },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('entity_not_found');
    expect(missing.body.detail).toContain('acct_999');
    expect(missing.body.errors).toEqual([{ field: 'entity_id', message: expect.any(String) }]);
    expect(await contactCount()).toBe(4);
  });

  it('names every bad field and stores nothing', async () => {
    const bad = await server.request('POST', '/api/v1/contacts', {
      body: { entity_id: 'acct_123', role: '-billing', email: 'not-an-email', phone: '555' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
    const fields = bad.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['email', 'phone', 'role']);

    const missing = await server.request('POST', '/api/v1/contacts', { body: {} });
    expect(missing.status).toBe(400);
    const required = missing.body.errors.map((e: { field: string }) => e.field).sort();
    expect(required).toEqual(['email', 'entity_id', 'role']);
    expect(await contactCount()).toBe(4);
  });

  it('filters by entity_id, role and email, and searches with q', async () => {
    const query = async (search: string) => {
      const page = await server.request('GET', `/api/v1/contacts?${search}`);
      expect(page.status).toBe(200);
      return page.body;
    };
    expect((await query('entity_id=acct_456')).data).toHaveLength(1);
    expect((await query('entity_id=acct_123')).data).toHaveLength(3);
    expect((await query('role=billing_contact')).data).toHaveLength(2);
    expect((await query('role=ops&entity_id=acct_123')).data).toHaveLength(2);
    expect((await query('email=BILLING%40acme.com')).data).toHaveLength(3);
    expect((await query('q=smith')).data).toHaveLength(2);
    expect((await query('q=OPS.TEAM')).data).toHaveLength(1);
    expect((await query('q=acct_45')).data).toHaveLength(1);
    // Wildcards match literally: `%` is in no contact, `_` only in entity ids.
    expect((await query(`q=${encodeURIComponent('%')}`)).data).toHaveLength(0);
    expect((await query(`q=${encodeURIComponent('t_4')}`)).data).toHaveLength(1);
  });

  it('filters by creation time', async () => {
    const after = await server.request(
      'GET',
      '/api/v1/contacts?created_after=2026-03-01T09:30:00Z',
    );
    expect(after.body.data).toHaveLength(3);
    const before = await server.request(
      'GET',
      '/api/v1/contacts?created_before=2026-03-01T09:30:00Z',
    );
    expect(ids(before.body)).toEqual([janeId]);
    const badTime = await server.request('GET', '/api/v1/contacts?created_after=yesterday');
    expect(badTime.status).toBe(400);
    expect(badTime.body.errors[0].field).toBe('created_after');
  });

  it('pages newest first with cursors, without repeats', async () => {
    const all = await server.request('GET', '/api/v1/contacts?limit=100');
    const first = await server.request('GET', '/api/v1/contacts?limit=3');
    expect(first.body.has_more).toBe(true);
    const second = await server.request(
      'GET',
      `/api/v1/contacts?limit=3&cursor=${first.body.next_cursor}`,
    );
    expect(second.body).toMatchObject({ has_more: false, next_cursor: null });
    expect([...ids(first.body), ...ids(second.body)]).toEqual(ids(all.body));
    expect(ids(all.body).at(-1)).toBe(janeId);
  });

  it('patches name and attributes, and lowercases a new email', async () => {
    clock = start + 3 * hour;
    const patched = await server.request('PATCH', `/api/v1/contacts/${janeId}`, {
      body: { name: null, attributes: { vip: true }, email: 'Jane@Acme.com' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      contact_id: janeId,
      entity_id: 'acct_123',
      role: 'billing_contact',
      email: 'jane@acme.com',
      name: null,
      attributes: { vip: true },
      created_at: '2026-03-01T09:00:00.000Z',
      updated_at: '2026-03-01T12:00:00.000Z',
    });
  });

  it('refuses a patch that would duplicate another contact, and changes nothing', async () => {
    const before = await server.request('GET', `/api/v1/contacts/${janeId}`);
    const clash = await server.request('PATCH', `/api/v1/contacts/${janeId}`, {
      body: { role: 'ops', email: 'OPS.TEAM@acme.com', name: 'Clash' },
    });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('contact_exists');
    const after = await server.request('GET', `/api/v1/contacts/${janeId}`);
    expect(after.body).toEqual(before.body);
  });

  it('keeps a contact on its entity and validates patches', async () => {
    const move = await server.request('PATCH', `/api/v1/contacts/${janeId}`, {
      body: { entity_id: 'acct_456', role: 'has space' },
    });
    expect(move.status).toBe(400);
    const fields = move.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['entity_id', 'role']);
  });

  it('answers 404 contact_not_found for an unknown contact', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const response = await server.request(method, '/api/v1/contacts/con_nope', {
        ...(method === 'PATCH' ? { body: { name: 'x' } } : {}),
      });
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('contact_not_found');
    }
  });

  it("keeps accounts apart: no account sees, changes or attaches to another's", async () => {
    const other = await server.createTestAccount('Other tenant');
    expect(await contactCount(other.key)).toBe(0);
    const foreignEntity = await server.request('POST', '/api/v1/contacts', {
      key: other.key,
      body: seedContact,
    });
    expect(foreignEntity.status).toBe(404);
    expect(foreignEntity.body.code).toBe('entity_not_found');

    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const response = await server.request(method, `/api/v1/contacts/${janeId}`, {
        key: other.key,
        ...(method === 'PATCH' ? { body: { name: 'Mallory' } } : {}),
      });
      expect(response.status).toBe(404);
    }
    const mine = await server.request('GET', `/api/v1/contacts/${janeId}`);
    expect(mine.body.name).toBeNull();
  });

  it('deletes a contact; then it is gone', async () => {
    const deleted = await server.request('DELETE', `/api/v1/contacts/${janeId}`);
    expect(deleted.status).toBe(204);
    const gone = await server.request('GET', `/api/v1/contacts/${janeId}`);
    expect(gone.status).toBe(404);
    expect(await contactCount()).toBe(3);
  });

  it("deletes an entity's contacts with it", async () => {
    const deleted = await server.request('DELETE', '/api/v1/entities/acct_456');
    expect(deleted.status).toBe(204);
    const left = await server.request('GET', '/api/v1/contacts?entity_id=acct_456');
    expect(left.body.data).toEqual([]);
  });
});
