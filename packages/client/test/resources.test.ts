import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../../server/test/harness/spawn-emivoy.js';
import {
  ConflictError,
  type Emivoy,
  type Event,
  type Policy,
  type Template,
} from '../src/index.js';
import { type ClientServer, eventually, startClientServer } from './harness/client-server.js';
import {
  seedContact,
  seedEntity,
  seedEvent,
  seedPolicy,
  seedReminderTemplate,
  seedTemplate,
} from './seed.js';

let server: ClientServer;
let client: Emivoy;

beforeAll(async () => {
  server = await startClientServer();
  client = server.client();
});

afterAll(async () => {
  await server?.stop();
});

describe('the seed flow', () => {
  let template: Template;
  let reminder: Template;
  let policy: Policy;

  test('entity, contact, templates and policy are created as the docs show them', async () => {
    const entity = await client.entities.create(seedEntity);
    expect(entity).toMatchObject({ object: 'entity', entity_id: 'acct_123', name: 'Acme Corp' });

    const contact = await client.contacts.create(seedContact);
    expect(contact).toMatchObject({ entity_id: 'acct_123', name: 'Jane Smith' });
    expect(contact.contact_id).toMatch(/^con_/);

    template = await client.templates.create(seedTemplate);
    reminder = await client.templates.create(seedReminderTemplate);
    expect(template.template_id).toMatch(/^tpl_/);

    policy = await client.policies.create(seedPolicy(template.template_id, reminder.template_id));
    expect(policy).toMatchObject({ event_type: 'invoice.overdue', enabled: true, version: 1 });
    expect(policy.steps).toHaveLength(3);
  });

  test('the seed event starts the policy and its first email is rendered', async () => {
    const event = await client.events.create(seedEvent);
    expect(event).toMatchObject({ object: 'event', entity_id: 'acct_123', livemode: true });
    expect(event.runs_started.map((run) => run.policy_id)).toEqual([policy.policy_id]);

    const [message] = await eventually('the first email', async () => {
      const page = await client.messages.list({ event_id: event.event_id });
      return page.data.length > 0 ? page.data : undefined;
    });
    expect(message).toMatchObject({ subject: 'Invoice #INV-1042 is overdue', status: 'captured' });
    expect(message?.to).toEqual({ email: 'billing@acme.com', name: 'Jane Smith' });

    const full = await client.messages.get(message?.message_id ?? '');
    expect(full.text_body).toBe('Hi Jane Smith, invoice #INV-1042 for $1200 is 7 days overdue.');
    expect(full.status_history?.map((entry) => entry.status)).toContain('captured');

    const detail = await client.events.get(event.event_id);
    expect(detail.runs.map((run) => run.run_id)).toEqual([event.runs_started[0]?.run_id]);
    expect(detail.messages.map((m) => m.message_id)).toEqual([message?.message_id]);
  });

  test('a dry run answers what would happen and stores nothing', async () => {
    const before = await client.usage.get();
    const plan = await client.events.create(seedEvent, { dryRun: true });
    expect(plan.object).toBe('event_dry_run');
    expect(plan.matched_policies.map((p) => p.policy_id)).toEqual([policy.policy_id]);
    expect(plan.matched_policies[0]?.steps[0]?.emails?.[0]?.subject).toBe(
      'Invoice #INV-1042 is overdue',
    );
    expect((await client.usage.get()).events).toBe(before.events);
  });

  test('the same idempotency key replays the first event instead of storing another', async () => {
    const idempotencyKey = 'invoice-INV-2001-overdue';
    const body = { ...seedEvent, data: { ...seedEvent.data, invoice_id: 'INV-2001' } };
    const first = await client.events.create(body, { idempotencyKey });
    const again = await client.events.create(body, { idempotencyKey });
    expect(again.event_id).toBe(first.event_id);

    const listed = await client.events.list({ event_type: 'invoice.overdue', limit: 100 });
    const ids = listed.data.map((event: Event) => event.event_id);
    expect(ids.filter((id) => id === first.event_id)).toHaveLength(1);
  });

  test('templates: get, list, update, preview, delete', async () => {
    expect(await client.templates.get(template.template_id)).toEqual(template);
    const found = await client.templates.list({ q: 'reminder' });
    expect(found.data.map((t) => t.template_id)).toEqual([reminder.template_id]);

    const updated = await client.templates.update(reminder.template_id, {
      subject: 'Still overdue: #{{invoice_id}}',
    });
    expect(updated.subject).toBe('Still overdue: #{{invoice_id}}');

    const preview = await client.templates.preview(template.template_id, {
      data: { invoice_id: 'INV-9', amount: 5, days_overdue: 1 },
    });
    expect(preview).toMatchObject({
      object: 'template_preview',
      subject: 'Invoice #INV-9 is overdue',
    });
    expect(preview.text_body).toBe('Hi Jane Smith, invoice #INV-9 for $5 is 1 days overdue.');
    const bare = await client.templates.preview(template.template_id);
    expect(bare.html_body).toBe('<p>Hi Jane Smith,...</p>');

    const spare = await client.templates.create({ name: 'Spare', subject: 'x', text_body: 'y' });
    await client.templates.delete(spare.template_id);
    const names = (await client.templates.list()).data.map((t) => t.name);
    expect(names).not.toContain('Spare');
  });

  test('policies: get, list, update makes a new version, delete', async () => {
    expect(await client.policies.get(policy.policy_id)).toEqual(policy);
    const listed = await client.policies.list({ event_type: 'invoice.overdue', enabled: true });
    expect(listed.data.map((p) => p.policy_id)).toEqual([policy.policy_id]);

    const renamed = await client.policies.update(policy.policy_id, { name: 'Overdue invoices' });
    expect(renamed).toMatchObject({ name: 'Overdue invoices', version: 1 });
    const recut = await client.policies.update(policy.policy_id, {
      recipients: { roles: ['billing_contact'] },
    });
    expect(recut.version).toBe(2);

    const other = await client.policies.create({
      name: 'Paid',
      event_type: 'invoice.paid',
      steps: [{ type: 'send_email', template_id: template.template_id }],
    });
    await client.policies.delete(other.policy_id);
    const remaining = await client.policies.list();
    expect(remaining.data.map((p) => p.policy_id)).toEqual([policy.policy_id]);
  });
});

describe('entities and contacts', () => {
  test('replace creates then replaces; update changes only the fields given', async () => {
    const created = await client.entities.replace('inv_1042', {
      entity_type: 'invoice',
      name: 'INV-1042',
      attributes: { amount: 1200 },
    });
    expect(created).toMatchObject({ entity_id: 'inv_1042', attributes: { amount: 1200 } });

    const replaced = await client.entities.replace('inv_1042', { entity_type: 'invoice' });
    expect(replaced).toMatchObject({ name: null, attributes: {} });

    const updated = await client.entities.update('inv_1042', { name: 'Invoice 1042' });
    expect(updated).toMatchObject({ entity_type: 'invoice', name: 'Invoice 1042' });
    expect(await client.entities.get('inv_1042')).toEqual(updated);

    await client.entities.delete('inv_1042');
    const left = await client.entities.list({ entity_type: 'invoice' });
    expect(left.data).toEqual([]);
  });

  test('an entity id with reserved URL characters is escaped in the path', async () => {
    const id = 'inv/2026:7@acme';
    await client.entities.create({ external_id: id, entity_type: 'invoice' });
    expect((await client.entities.get(id)).entity_id).toBe(id);
    await client.entities.delete(id);
  });

  test('contacts: get, list by role, update, delete', async () => {
    await client.entities.create({ external_id: 'acct_contacts', entity_type: 'account' });
    const billing = await client.contacts.create({
      entity_id: 'acct_contacts',
      role: 'billing_contact',
      email: 'Pay@Example.com',
    });
    const owner = await client.contacts.create({
      entity_id: 'acct_contacts',
      role: 'owner',
      email: 'owner@example.com',
    });
    expect(billing.email).toBe('pay@example.com');
    expect(await client.contacts.get(owner.contact_id)).toEqual(owner);

    const byRole = await client.contacts.list({ entity_id: 'acct_contacts', role: 'owner' });
    expect(byRole.data.map((c) => c.contact_id)).toEqual([owner.contact_id]);

    const renamed = await client.contacts.update(owner.contact_id, { name: 'Olive Owner' });
    expect(renamed.name).toBe('Olive Owner');

    await client.contacts.delete(owner.contact_id);
    const left = await client.contacts.list({ entity_id: 'acct_contacts' });
    expect(left.data.map((c) => c.contact_id)).toEqual([billing.contact_id]);
  });

  test('the timeline tells the story of acct_123, a page of events at a time', async () => {
    // `limit` counts events; each page holds everything about its events, oldest first.
    const page = await client.entities.timeline('acct_123', { limit: 1 });
    expect(page).toMatchObject({ object: 'timeline', entity_id: 'acct_123', has_more: true });
    expect(page.data[0]?.kind).toBe('event');

    const eventIds = new Set<string>();
    const kinds = new Set<string>();
    for await (const item of client.entities.timeline('acct_123', { limit: 1 })) {
      if (item.kind === 'event') eventIds.add(item.event_id ?? '');
      kinds.add(item.kind);
    }
    expect(eventIds.size).toBe(2);
    expect([...kinds]).toEqual(expect.arrayContaining(['event', 'run_started', 'email_queued']));
  });
});

describe('lists', () => {
  test('paging through 30 entities, 7 at a time', async () => {
    for (let i = 0; i < 30; i++) {
      const n = String(i).padStart(2, '0');
      await client.entities.create({ external_id: `page_${n}`, entity_type: 'paged' });
    }
    let requests = 0;
    const counting = server.client({
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    });

    const first = await counting.entities.list({ entity_type: 'paged', limit: 7 });
    expect(first.data).toHaveLength(7);
    expect(first.has_more).toBe(true);
    expect(requests).toBe(1);

    requests = 0;
    const ids: string[] = [];
    for await (const entity of counting.entities.list({ entity_type: 'paged', limit: 7 })) {
      ids.push(entity.entity_id);
    }
    expect(requests).toBe(5);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    // Newest first.
    expect(ids[0]).toBe('page_29');
    expect(ids.at(-1)).toBe('page_00');
  });

  test('a list awaited twice asks once; pages() walks from a given cursor', async () => {
    let requests = 0;
    const counting = server.client({
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    });
    const list = counting.entities.list({ entity_type: 'paged', limit: 10 });
    const [a, b] = await Promise.all([list, list]);
    expect(a).toBe(b);
    expect(requests).toBe(1);

    const sizes: number[] = [];
    const rest = counting.entities.list({
      entity_type: 'paged',
      limit: 10,
      cursor: a.next_cursor ?? '',
    });
    for await (const page of rest.pages()) sizes.push(page.data.length);
    expect(sizes).toEqual([10, 10]);
  });

  test('breaking out of for await stops fetching', async () => {
    let requests = 0;
    const counting = server.client({
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    });
    let seen = 0;
    for await (const _ of counting.entities.list({ entity_type: 'paged', limit: 7 })) {
      if (++seen === 8) break;
    }
    expect(requests).toBe(2);
  });
});

describe('runs and messages, in test mode', () => {
  test('a test-mode run waits, is advanced, and sends its second email', async () => {
    const testKey = await client.apiKeys.create({ name: 'Tests', mode: 'test' });
    expect(testKey.key).toMatch(/^em_test_/);
    const testClient = server.client({ apiKey: testKey.key });

    const event = await testClient.events.create(seedEvent);
    expect(event.livemode).toBe(false);
    const runId = event.runs_started[0]?.run_id ?? '';

    const waiting = await eventually('the run to wait', async () => {
      const run = await testClient.runs.get(runId);
      return run.status === 'waiting' ? run : undefined;
    });
    expect(waiting.wake_at).not.toBeNull();
    expect((await testClient.runs.list({ status: 'waiting' })).data.map((r) => r.run_id)).toEqual([
      runId,
    ]);

    const advanced = await testClient.runs.advance(runId);
    expect(advanced.run_id).toBe(runId);
    const completed = await eventually('the run to complete', async () => {
      const run = await testClient.runs.get(runId);
      return run.status === 'completed' ? run : undefined;
    });
    expect(completed.log?.map((entry) => entry.kind)).toContain('wait_started');

    const messages = await testClient.messages.list({ run_id: runId });
    expect(messages.data).toHaveLength(2);
    expect(messages.data.map((m) => m.status)).toEqual(['captured', 'captured']);
    expect(messages.data.map((m) => m.subject).sort()).toEqual([
      'Invoice #INV-1042 is overdue',
      'Still overdue: #INV-1042',
    ]);
    expect(messages.data.every((m) => m.livemode === false)).toBe(true);

    // Live keys do not see test-mode messages.
    const live = await client.messages.list({ run_id: runId });
    expect(live.data).toEqual([]);
  });

  test('a cancelled run sends nothing more', async () => {
    const event = await client.events.create({
      ...seedEvent,
      data: { ...seedEvent.data, invoice_id: 'INV-3003' },
    });
    const runId = event.runs_started[0]?.run_id ?? '';
    await eventually('the run to wait', async () => {
      const run = await client.runs.get(runId);
      return run.status === 'waiting' ? run : undefined;
    });
    const cancelled = await client.runs.cancel(runId);
    expect(cancelled.status).toBe('cancelled');
    const page = await client.runs.list({ event_id: event.event_id });
    expect(page.data.map((r) => r.status)).toEqual(['cancelled']);
  });
});

describe('suppressions, email provider, API keys and usage', () => {
  test('suppressions: create, list, delete', async () => {
    const created = await client.suppressions.create({
      email: 'gone@example.com',
      detail: 'asked by phone',
    });
    expect(created).toMatchObject({ email: 'gone@example.com', reason: 'manual' });

    const listed = await client.suppressions.list({ email: 'gone@example.com' });
    expect(listed.data).toEqual([created]);

    await client.suppressions.delete('gone@example.com');
    expect((await client.suppressions.list()).data).toEqual([]);
  });

  test('email provider: the outbox by default; secrets are write-only; verify', async () => {
    expect(await client.emailProvider.get()).toMatchObject({
      object: 'email_provider_settings',
      provider: 'outbox',
    });

    const port = await freePort();
    const smtp = await client.emailProvider.update({
      provider: 'smtp',
      from_email: 'billing@acme.com',
      smtp: { host: '127.0.0.1', port, username: 'acme', password: 'hunter2' },
    });
    expect(smtp).toMatchObject({ provider: 'smtp', smtp_password_set: true, api_key_set: false });
    expect(JSON.stringify(smtp)).not.toContain('hunter2');

    // Nothing listens on that port: the check answers, and says why it failed.
    const check = await client.emailProvider.verify();
    expect(check).toMatchObject({ object: 'email_provider_verification', ok: false });

    await client.emailProvider.update({ provider: 'outbox' });
    const error = await client.emailProvider.verify().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('provider_not_configured');
  });

  test('API keys: create, list, revoke', async () => {
    const created = await client.apiKeys.create({ name: 'CI' });
    expect(created).toMatchObject({ name: 'CI', mode: 'live' });
    expect(created.key).toMatch(/^em_live_/);

    const listed = await client.apiKeys.list({ limit: 100 });
    const hint = listed.data.find((key) => key.api_key_id === created.api_key_id)?.key_hint;
    expect(hint).toBe(`em_live_…${created.key.slice(-4)}`);
    expect(JSON.stringify(listed)).not.toContain(created.key);

    const revoked = await client.apiKeys.revoke(created.api_key_id);
    expect(revoked.revoked_at).not.toBeNull();
  });

  test('usage counts this month’s live events against the limit', async () => {
    const usage = await client.usage.get();
    expect(usage).toMatchObject({ object: 'usage', limit: 1000 });
    expect(usage.events).toBeGreaterThanOrEqual(3);
    expect(usage.remaining).toBe(1000 - usage.events);
  });
});
