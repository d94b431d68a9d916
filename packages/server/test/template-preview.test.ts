import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

/** The seed's template, as the getting-started guide creates it. */
const seedTemplate = {
  name: 'Invoice Overdue',
  subject: 'Invoice #{{invoice_id}} is overdue',
  text_body:
    'Hi {{contact_name}}, invoice #{{invoice_id}} for ' +
    '${{amount}} is {{days_overdue}} days overdue.',
  html_body: '<p>Hi {{contact_name}},...</p>',
};

const seedData = { invoice_id: 'INV-1042', amount: 1200, days_overdue: 7 };

describe.each(testDialects())('template preview on %s', (dialect) => {
  let server: TestServer;
  let seedId: string;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    const created = await server.request('POST', '/api/v1/templates', { body: seedTemplate });
    expect(created.status).toBe(201);
    seedId = created.body.template_id;
  });
  afterAll(async () => {
    await server?.close();
  });

  async function createTemplate(parts: Record<string, string>): Promise<string> {
    const created = await server.request('POST', '/api/v1/templates', {
      body: { name: 'Preview test', subject: 'Hello', ...parts },
    });
    expect(created.status).toBe(201);
    return created.body.template_id;
  }

  const preview = (templateId: string, body?: unknown) =>
    server.request('POST', `/api/v1/templates/${templateId}/preview`, {
      ...(body === undefined ? {} : { body }),
    });

  it("renders the seed's template with the event data and the sample contact", async () => {
    const response = await preview(seedId, { data: seedData });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      object: 'template_preview',
      template_id: seedId,
      subject: 'Invoice #INV-1042 is overdue',
      text_body: 'Hi Jane Smith, invoice #INV-1042 for $1200 is 7 days overdue.',
      html_body: '<p>Hi Jane Smith,...</p>',
    });
  });

  it('fills in sample values for everything left out, even without a body', async () => {
    const templateId = await createTemplate({
      subject: '{{ event_type }} for {{ entity_name }}',
      text_body:
        '{{contact_name}} {{contact_email}} {{contact_role}} {{entity_id}} {{entity_type}}',
    });
    const expected = {
      subject: 'preview for Acme Corp',
      text_body: 'Jane Smith jane@example.com billing_contact acct_123 account',
      html_body: null,
    };

    expect((await preview(templateId, {})).body).toMatchObject(expected);
    const bare = await preview(templateId);
    expect(bare.status).toBe(200);
    expect(bare.body).toMatchObject(expected);
  });

  it('renders with the contact, entity and event type given', async () => {
    const templateId = await createTemplate({
      subject: '{{ event_type }}',
      html_body: '<p>{{ contact_name }} of {{ entity.name }} ({{ entity.attributes.plan }})</p>',
    });

    const response = await preview(templateId, {
      contact: { name: null, email: 'ops@example.org' },
      entity: { entity_id: 'acct_9', name: 'Tom & Jerry', attributes: { plan: 'pro' } },
      event_type: 'trial.ending',
    });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      subject: 'trial.ending',
      text_body: null,
      html_body: '<p>ops@example.org of Tom &amp; Jerry (pro)</p>',
    });
  });

  it('shows the latest version of a template after it is changed', async () => {
    const templateId = await createTemplate({ text_body: 'first' });
    expect((await preview(templateId)).body.text_body).toBe('first');

    const patched = await server.request('PATCH', `/api/v1/templates/${templateId}`, {
      body: { text_body: 'second' },
    });
    expect(patched.status).toBe(200);

    expect((await preview(templateId)).body.text_body).toBe('second');
  });

  it('answers 400 template_render_failed naming the part that fails', async () => {
    const templateId = await createTemplate({
      text_body: 'fine',
      html_body:
        '{% assign s = "xxxxxxxxxx" %}{% for i in (1..40) %}' +
        '{% assign s = s | append: s %}{% endfor %}{{ s }}',
    });

    const response = await preview(templateId);

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: 'template_render_failed',
      detail: expect.stringMatching(/^html_body: needs too much memory to render/),
      errors: [{ field: 'html_body', message: expect.stringMatching(/^needs too much memory/) }],
    });
  });

  it('answers 404 template_not_found for an unknown template', async () => {
    const response = await preview('tpl_00000000000000000000000000');

    expect(response.status).toBe(404);
    expect(response.body.code).toBe('template_not_found');
  });

  it('refuses unknown fields and a contact email that is not one', async () => {
    const response = await preview(seedId, {
      data: {},
      contact: { email: 'not an email', nickname: 'J' },
      recipient: 'x',
    });

    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
  });

  it('is documented in the OpenAPI document as previewTemplate', async () => {
    const response = await server.request('GET', '/openapi.json', { key: null });
    const operation = response.body.paths['/api/v1/templates/{template_id}/preview'].post;

    expect(operation).toMatchObject({ operationId: 'previewTemplate', tags: ['templates'] });
  });
});
