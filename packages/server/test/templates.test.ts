import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deletePolicy, insertPolicy } from '../src/store/policies-store.js';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

/** The seed's request body, verbatim. */
const seedTemplate = {
  name: 'Invoice Overdue',
  subject: 'Invoice #{{invoice_id}} is overdue',
  text_body:
    'Hi {{contact_name}}, invoice #{{invoice_id}} for ' +
    '${{amount}} is {{days_overdue}} days overdue.',
  html_body: '<p>Hi {{contact_name}},...</p>',
};

describe.each(testDialects())('templates on %s', (dialect) => {
  let server: TestServer;
  let seedId: string;
  let reminderId: string;

  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(async () => {
    await server?.close();
  });

  async function templateCount(): Promise<number> {
    const list = await server.request('GET', '/api/v1/templates?limit=100');
    expect(list.status).toBe(200);
    return list.body.data.length;
  }

  /** The distinct fields a problem names (a nullable field refused by type is named thrice). */
  function fieldsOf(body: { errors: { field: string }[] }): string[] {
    return [...new Set(body.errors.map((e) => e.field))].sort();
  }

  it('creates the seed template exactly as documented and reads it back', async () => {
    const created = await server.request('POST', '/api/v1/templates', { body: seedTemplate });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      object: 'template',
      template_id: expect.stringMatching(/^tpl_[0-9a-z]{26}$/),
      ...seedTemplate,
      created_at: expect.any(String),
      updated_at: created.body.created_at,
    });
    seedId = created.body.template_id;

    const fetched = await server.request('GET', `/api/v1/templates/${seedId}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);
  });

  it('accepts a template with only one of the two bodies', async () => {
    const htmlOnly = await server.request('POST', '/api/v1/templates', {
      body: { name: 'Reminder', subject: 'Reminder: {{invoice_id}}', html_body: '<p>Pay</p>' },
    });
    expect(htmlOnly.status).toBe(201);
    expect(htmlOnly.body).toMatchObject({ text_body: null, html_body: '<p>Pay</p>' });
    reminderId = htmlOnly.body.template_id;

    const textOnly = await server.request('POST', '/api/v1/templates', {
      body: { name: 'Plain', subject: 'Hello', text_body: 'Hi', html_body: null },
    });
    expect(textOnly.status).toBe(201);
    expect(textOnly.body).toMatchObject({ text_body: 'Hi', html_body: null });
    expect(await templateCount()).toBe(3);
  });

  it('refuses a template without a body, naming text_body, and stores nothing', async () => {
    const bodies = [{}, { text_body: null, html_body: null }, { text_body: ' ', html_body: '' }];
    for (const parts of bodies) {
      const refused = await server.request('POST', '/api/v1/templates', {
        body: { name: 'Empty', subject: 'Nothing', ...parts },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('validation_failed');
      expect(refused.body.errors).toEqual([{ field: 'text_body', message: expect.any(String) }]);
    }
    expect(await templateCount()).toBe(3);
  });

  it('refuses Liquid that does not parse, with the field, line and column', async () => {
    const refused = await server.request('POST', '/api/v1/templates', {
      body: {
        name: 'Broken',
        subject: 'Invoice {{ invoice_id',
        text_body: 'Fine {{ contact_name }}',
        html_body: '<p>Hi</p>\n<p>{% if paid %}Thanks</p>',
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body.code).toBe('validation_failed');
    expect(fieldsOf(refused.body)).toEqual(['html_body', 'subject']);
    const byField = Object.fromEntries(
      refused.body.errors.map((e: { field: string; message: string }) => [e.field, e.message]),
    );
    expect(byField.subject).toMatch(/line 1, column 9/);
    expect(byField.html_body).toMatch(/line 2, column 4/);
    expect(refused.body.detail).toMatch(/^subject: does not parse as Liquid at line 1/);

    const badFilter = await server.request('POST', '/api/v1/templates', {
      body: { name: 'Filter', subject: 'x', text_body: 'a\n\n  {{ amount | no_such_filter }}' },
    });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.errors).toEqual([
      { field: 'text_body', message: expect.stringMatching(/line 3, column 3.*no_such_filter/) },
    ]);
    expect(await templateCount()).toBe(3);
  });

  it('names every field the schema refuses', async () => {
    const bad = await server.request('POST', '/api/v1/templates', {
      body: { name: '', text_body: 7, from: 'me@example.com' },
    });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['from', 'name', 'subject', 'text_body']);
    const long = await server.request('POST', '/api/v1/templates', {
      body: { name: 'Long', subject: 's'.repeat(2001), text_body: 'x' },
    });
    expect(long.status).toBe(400);
    expect(fieldsOf(long.body)).toEqual(['subject']);
    expect(await templateCount()).toBe(3);
  });

  it('searches name and subject with q, and pages newest first', async () => {
    const search = async (q: string) => {
      const page = await server.request('GET', `/api/v1/templates?q=${encodeURIComponent(q)}`);
      expect(page.status).toBe(200);
      return page.body.data.map((t: { template_id: string }) => t.template_id);
    };
    expect(await search('OVERDUE')).toEqual([seedId]);
    expect(await search('reminder:')).toEqual([reminderId]);
    expect(await search('{{invoice_id}}')).toEqual([reminderId, seedId]);
    expect(await search('%')).toEqual([]);

    const first = await server.request('GET', '/api/v1/templates?limit=2');
    expect(first.body.has_more).toBe(true);
    const rest = await server.request(
      'GET',
      `/api/v1/templates?limit=2&cursor=${first.body.next_cursor}`,
    );
    expect(rest.body).toMatchObject({ has_more: false, next_cursor: null });
    expect(rest.body.data.map((t: { template_id: string }) => t.template_id)).toEqual([seedId]);
    const unknown = await server.request('GET', '/api/v1/templates?entity_id=acct_123');
    expect(unknown.status).toBe(400);
  });

  it('patches only the given parts', async () => {
    const patched = await server.request('PATCH', `/api/v1/templates/${seedId}`, {
      body: { subject: 'Reminder: invoice #{{ invoice_id }}', text_body: null },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      template_id: seedId,
      name: 'Invoice Overdue',
      subject: 'Reminder: invoice #{{ invoice_id }}',
      text_body: null,
      html_body: seedTemplate.html_body,
    });
  });

  it('refuses a patch with bad Liquid or that leaves no body, and changes nothing', async () => {
    const before = await server.request('GET', `/api/v1/templates/${seedId}`);
    const badLiquid = await server.request('PATCH', `/api/v1/templates/${seedId}`, {
      body: { name: 'Renamed', text_body: '{% endif %}' },
    });
    expect(badLiquid.status).toBe(400);
    expect(badLiquid.body.errors).toEqual([
      { field: 'text_body', message: expect.stringContaining('line 1, column 1') },
    ]);

    // The text body is already null: emptying the HTML one would leave no body at all.
    const noBody = await server.request('PATCH', `/api/v1/templates/${seedId}`, {
      body: { name: 'Renamed', html_body: '' },
    });
    expect(noBody.status).toBe(400);
    expect(noBody.body.code).toBe('validation_failed');
    expect(fieldsOf(noBody.body)).toEqual(['text_body']);

    const after = await server.request('GET', `/api/v1/templates/${seedId}`);
    expect(after.body).toEqual(before.body);
  });

  it('lets only one of two racing patches remove the last other body', async () => {
    const created = await server.request('POST', '/api/v1/templates', {
      body: { name: 'Race', subject: 'Race', text_body: 'text', html_body: '<p>html</p>' },
    });
    const url = `/api/v1/templates/${created.body.template_id}`;
    const answers = await Promise.all([
      server.request('PATCH', url, { body: { text_body: null } }),
      server.request('PATCH', url, { body: { html_body: null } }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    const after = await server.request('GET', url);
    expect([after.body.text_body, after.body.html_body]).toContain(null);
    expect([after.body.text_body, after.body.html_body]).not.toEqual([null, null]);

    const deleted = await server.request('DELETE', url);
    expect(deleted.status).toBe(204);
  });

  it('answers 404 template_not_found for an unknown template', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const response = await server.request(method, '/api/v1/templates/tpl_nope', {
        ...(method === 'PATCH' ? { body: { name: 'x' } } : {}),
      });
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('template_not_found');
    }
  });

  it("keeps accounts apart: no account sees or changes another's templates", async () => {
    const other = await server.createTestAccount('Other tenant');
    const list = await server.request('GET', '/api/v1/templates', { key: other.key });
    expect(list.body.data).toEqual([]);
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const response = await server.request(method, `/api/v1/templates/${seedId}`, {
        key: other.key,
        ...(method === 'PATCH' ? { body: { name: 'Mallory' } } : {}),
      });
      expect(response.status).toBe(404);
    }
    const mine = await server.request('GET', `/api/v1/templates/${seedId}`);
    expect(mine.body.name).toBe('Invoice Overdue');
  });

  it('refuses to delete a template a policy sends, naming the policy', async () => {
    const { db } = server.database.handle;
    const policy = await insertPolicy(db, server.account.accountId, {
      name: 'Invoice Overdue Notifications',
      event_type: 'invoice.overdue',
      enabled: true,
      definition: {
        steps: [
          { type: 'send_email', template_id: seedId },
          { type: 'wait', duration: '3d' },
          { type: 'send_email', template_id: reminderId },
        ],
        conditions: [],
        recipients: null,
        cancel_on: [],
      },
    });

    const refused = await server.request('DELETE', `/api/v1/templates/${seedId}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('template_in_use');
    expect(refused.body.detail).toContain(policy.id);
    const kept = await server.request('GET', `/api/v1/templates/${seedId}`);
    expect(kept.status).toBe(200);

    await deletePolicy(db, server.account.accountId, policy.id);
    const deleted = await server.request('DELETE', `/api/v1/templates/${seedId}`);
    expect(deleted.status).toBe(204);
    const gone = await server.request('GET', `/api/v1/templates/${seedId}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('template_not_found');
  });
});
