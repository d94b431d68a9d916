import { describe, expect, it } from 'vitest';
import {
  buildTemplateVariables,
  type RenderableTemplate,
  renderTemplate,
  type TemplateRenderError,
  type TemplateVariableSources,
  templateCacheStats,
} from './render-template.js';

let templateCount = 0;

/** A template with a fresh id, so that no test finds another test's parse in the cache. */
function template(parts: Partial<RenderableTemplate>): RenderableTemplate {
  templateCount += 1;
  return {
    template_id: `tpl_test_${templateCount}`,
    version: '1',
    subject: 'Subject',
    text_body: null,
    html_body: null,
    ...parts,
  };
}

function sources(overrides: {
  data?: Record<string, unknown>;
  contactName?: string | null;
}): TemplateVariableSources {
  const data = overrides.data ?? {};
  return {
    event: {
      event_id: 'evt_1',
      event_type: 'invoice.overdue',
      entity_id: 'acct_123',
      data,
      created_at: '2025-01-01T00:00:00.000Z',
    },
    entity: {
      entity_id: 'acct_123',
      entity_type: 'account',
      name: 'Acme Corp',
      attributes: { plan: 'pro' },
    },
    contact: {
      contact_id: 'con_1',
      email: 'billing@acme.com',
      name: overrides.contactName === undefined ? 'Jane Smith' : overrides.contactName,
      role: 'billing_contact',
      attributes: { locale: 'en' },
    },
  };
}

const seedData = { invoice_id: 'INV-1042', amount: 1200, days_overdue: 7 };

async function renderText(textBody: string, variables = buildTemplateVariables(sources({}))) {
  const rendered = await renderTemplate(template({ text_body: textBody }), variables);
  return rendered.text_body;
}

async function renderFailure(parts: Partial<RenderableTemplate>): Promise<TemplateRenderError> {
  const variables = buildTemplateVariables(sources({}));
  const error = await renderTemplate(template(parts), variables).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toMatchObject({ name: 'TemplateRenderError' });
  return error as TemplateRenderError;
}

describe('renderTemplate', () => {
  it("renders the seed's template exactly as the docs show", async () => {
    const seed = template({
      subject: 'Invoice #{{invoice_id}} is overdue',
      text_body:
        'Hi {{contact_name}}, invoice #{{invoice_id}} for ' +
        '${{amount}} is {{days_overdue}} days overdue.',
      html_body: '<p>Hi {{contact_name}},...</p>',
    });

    const rendered = await renderTemplate(
      seed,
      buildTemplateVariables(sources({ data: seedData })),
    );

    expect(rendered).toEqual({
      subject: 'Invoice #INV-1042 is overdue',
      text_body: 'Hi Jane Smith, invoice #INV-1042 for $1200 is 7 days overdue.',
      html_body: '<p>Hi Jane Smith,...</p>',
    });
  });

  it('escapes variables in the HTML body only, unless a template asks for raw', async () => {
    const script = '<script>alert(1)</script>';
    const variables = buildTemplateVariables(sources({ contactName: script }));
    const parts = {
      subject: 'To {{ contact_name }}',
      text_body: 'Hi {{ contact_name }}',
      html_body: '<p>Hi {{ contact_name }}</p><p>{{ contact_name | raw }}</p>',
    };

    const rendered = await renderTemplate(template(parts), variables);

    expect(rendered).toEqual({
      subject: `To ${script}`,
      text_body: `Hi ${script}`,
      html_body: `<p>Hi &lt;script&gt;alert(1)&lt;/script&gt;</p><p>${script}</p>`,
    });
  });

  it('gives nested access to the contact, entity, event and data', async () => {
    const variables = buildTemplateVariables(sources({ data: seedData }));
    const text = await renderText(
      '{{entity.attributes.plan}} {{data.invoice_id}} {{contact.email}} ' +
        '{{contact.attributes.locale}} {{event.event_id}} {{entity_name}} {{entity_type}} ' +
        '{{entity_id}} {{event_type}} {{contact_email}} {{contact_role}}',
      variables,
    );

    expect(text).toBe(
      'pro INV-1042 billing@acme.com en evt_1 Acme Corp account acct_123 invoice.overdue ' +
        'billing@acme.com billing_contact',
    );
  });

  it('keeps the named variables from being spoofed by data keys of the same name', async () => {
    const data = { contact_name: 'Evil', contact_email: 'evil@example.com', entity: 'x', a: 1 };
    const variables = buildTemplateVariables(sources({ data }));

    const text = await renderText(
      '{{contact_name}} {{contact_email}} {{entity.name}} {{a}} {{data.contact_name}}',
      variables,
    );

    expect(text).toBe('Jane Smith billing@acme.com Acme Corp 1 Evil');
  });

  it('names the contact by email when it has no name', async () => {
    for (const contactName of [null, '', '  ']) {
      const variables = buildTemplateVariables(sources({ contactName }));
      expect(await renderText('Hi {{contact_name}}', variables)).toBe('Hi billing@acme.com');
    }
  });

  it('reaches no property that is not the object’s own', async () => {
    const data = JSON.parse('{"__proto__": {"polluted": "yes"}, "x": 1}');
    const variables = buildTemplateVariables(sources({ data }));

    const text = await renderText(
      '[{{ data.constructor }}][{{ contact.__proto__ }}][{{ data.constructor.name }}]' +
        '[{{ entity.toString }}][{{ event.hasOwnProperty }}][{{ polluted }}][{{ x }}]',
      variables,
    );

    expect(text).toBe('[][][][][][][1]');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('makes the subject one trimmed line, so a variable cannot add a mail header', async () => {
    const data = { invoice_id: 'INV-1\r\nBcc: victim@example.com\n\n' };
    const variables = buildTemplateVariables(sources({ data }));

    const rendered = await renderTemplate(
      template({ subject: '  Invoice {{ invoice_id }}', text_body: 'x' }),
      variables,
    );

    expect(rendered.subject).toBe('Invoice INV-1 Bcc: victim@example.com');
  });

  it('leaves a missing body null', async () => {
    const rendered = await renderTemplate(
      template({ text_body: 'Only text' }),
      buildTemplateVariables(sources({})),
    );
    expect(rendered).toEqual({ subject: 'Subject', text_body: 'Only text', html_body: null });
  });
});

describe('renderTemplate on a hostile or broken template', () => {
  it('stops a deep nested loop by its render time', async () => {
    const error = await renderFailure({
      text_body:
        '{% for a in (1..1000) %}{% for b in (1..1000) %}{% for c in (1..1000) %}' +
        'x{% endfor %}{% endfor %}{% endfor %}',
    });

    expect(error.part).toBe('text_body');
    expect(error.reason).toMatch(/^took longer than 200 ms to render at line 1, column \d+/);
  });

  it('stops a string that doubles itself by its memory', async () => {
    const error = await renderFailure({
      html_body:
        '{% assign s = "xxxxxxxxxx" %}{% for i in (1..40) %}' +
        '{% assign s = s | append: s %}{% endfor %}{{ s }}',
    });

    expect(error.part).toBe('html_body');
    expect(error.reason).toMatch(/^needs too much memory to render/);
  });

  it('refuses output over the limit that a loop writes', async () => {
    const error = await renderFailure({
      subject: `{% for i in (1..200) %}${'x'.repeat(6000)}{% endfor %}`,
    });

    expect(error.part).toBe('subject');
    expect(error.message).toBe(
      'subject: renders to more than 1,000,000 characters; ' +
        'make its loops or repeated text smaller',
    );
  });

  it('says where a part does not parse', async () => {
    const error = await renderFailure({ text_body: 'ok', html_body: '<p>\n{% if %}</p>' });

    expect(error.part).toBe('html_body');
    expect(error.reason).toMatch(
      /^does not parse as Liquid at line 2, column \d+: invalid value expression/,
    );
  });

  it('refuses an unknown filter and an include', async () => {
    const filter = await renderFailure({ text_body: '{{ x | nope }}' });
    expect(filter.reason).toMatch(/^does not parse as Liquid at line 1, column 1: .*nope/);

    const include = await renderFailure({ text_body: 'a{% include "secrets" %}' });
    expect(include.reason).toMatch(/^could not be rendered at line 1, column 2: /);
  });
});

describe('the parsed-template cache', () => {
  it('parses a template version once and renders it from the cache after that', async () => {
    const cached = template({ subject: 'S {{ a }}', text_body: 'T {{ a }}', html_body: 'H' });
    const variables = { a: 1 };
    const before = templateCacheStats();

    await renderTemplate(cached, variables);
    const afterFirst = templateCacheStats();
    const again = await renderTemplate({ ...cached }, { a: 2 });
    const afterSecond = templateCacheStats();

    expect(again).toEqual({ subject: 'S 2', text_body: 'T 2', html_body: 'H' });
    expect(afterFirst.misses - before.misses).toBe(3);
    expect(afterSecond.misses).toBe(afterFirst.misses);
    expect(afterSecond.hits - afterFirst.hits).toBe(3);
  });

  it('parses again when the version or the source changes', async () => {
    const first = template({ text_body: 'v1' });
    await renderTemplate(first, {});
    const before = templateCacheStats();

    const newVersion = await renderTemplate({ ...first, version: '2', text_body: 'v2' }, {});
    // Two writes in one millisecond share a version; the changed source still shows.
    const sameVersion = await renderTemplate({ ...first, text_body: 'v1, edited' }, {});

    expect(newVersion.text_body).toBe('v2');
    expect(sameVersion.text_body).toBe('v1, edited');
    expect(templateCacheStats().misses - before.misses).toBe(3);
  });
});
