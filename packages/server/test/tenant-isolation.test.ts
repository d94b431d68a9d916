import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/domain/password-hash.js';
import { addMembership } from '../src/store/memberships-store.js';
import { insertTemplate } from '../src/store/templates-store.js';
import { createUser } from '../src/store/users-store.js';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestAccount, type TestServer } from './harness/test-server.js';

/** What account A owns; every probe tries to reach it with account B's key. */
interface Owned {
  entityId: string;
  contactId: string;
  templateId: string;
  policyId: string;
  eventId: string;
  apiKeyId: string;
  runId: string;
  messageId: string;
  suppressed: string;
  /** A's owner: a console user with a password. */
  ownerUserId: string;
  ownerEmail: string;
}

/** A console user of account B, signed in: the cookie and the CSRF token it was given. */
interface IntruderSession {
  userId: string;
  cookie: string;
  csrf: string;
}

interface Context {
  server: TestServer;
  owner: TestAccount;
  intruder: TestAccount;
  intruderSession: IntruderSession;
  owned: Owned;
}

type Probe = (ctx: Context) => Promise<void>;

const asIntruder = (ctx: Context, method: any, url: string, body?: unknown) =>
  ctx.server.request(method, url, {
    key: ctx.intruder.key,
    ...(body === undefined ? {} : { body }),
  });

const asOwner = (ctx: Context, method: any, url: string, body?: unknown) =>
  ctx.server.request(method, url, { key: ctx.owner.key, ...(body === undefined ? {} : { body }) });

/** As B's signed-in user, through the console's cookie (the route's other way in). */
const asIntruderSession = (ctx: Context, method: any, url: string, body?: unknown) =>
  ctx.server.request(method, url, {
    key: null,
    headers: { cookie: ctx.intruderSession.cookie, 'x-csrf-token': ctx.intruderSession.csrf },
    ...(body === undefined ? {} : { body }),
  });

/** Nothing in an answer names A's account or A's owner. */
function expectNothingOfOwner(ctx: Context, body: unknown) {
  const text = JSON.stringify(body);
  expect(text).not.toContain(ctx.owner.accountId);
  expect(text).not.toContain(ctx.owned.ownerUserId);
  expect(text).not.toContain(ctx.owned.ownerEmail);
}

const ownersPassword = 'owner password 123';
const intrudersPassword = 'intruder password 123';

function idsOf(list: { data: Array<Record<string, unknown>> }, field: string): unknown[] {
  return list.data.map((row) => row[field]);
}

async function expectNotFound(
  ctx: Context,
  method: string,
  url: string,
  code: string,
  body?: unknown,
) {
  const response = await asIntruder(ctx, method, url, body);
  expect(response.status, `${method} ${url}`).toBe(404);
  expect(response.body.code).toBe(code);
}

/**
 * One probe per route under /api/v1, keyed as "METHOD /url-pattern". A route added without a
 * probe here fails the first test: every route must show it keeps tenants apart.
 */
const probes: Record<string, Probe> = {
  'GET /api/v1/entities': async (ctx) => {
    const list = await asIntruder(ctx, 'GET', '/api/v1/entities?limit=100');
    expect(idsOf(list.body, 'entity_id')).not.toContain(ctx.owned.entityId);
    const search = await asIntruder(ctx, 'GET', `/api/v1/entities?q=${ctx.owned.entityId}`);
    expect(search.body.data).toEqual([]);
  },
  'GET /api/v1/entities/:entity_id': (ctx) =>
    expectNotFound(ctx, 'GET', `/api/v1/entities/${ctx.owned.entityId}`, 'entity_not_found'),
  'PATCH /api/v1/entities/:entity_id': (ctx) =>
    expectNotFound(ctx, 'PATCH', `/api/v1/entities/${ctx.owned.entityId}`, 'entity_not_found', {
      name: 'x',
    }),
  'DELETE /api/v1/entities/:entity_id': (ctx) =>
    expectNotFound(ctx, 'DELETE', `/api/v1/entities/${ctx.owned.entityId}`, 'entity_not_found'),
  'POST /api/v1/entities': async (ctx) => {
    // The same external_id in another account is another entity, not a conflict.
    const created = await asIntruder(ctx, 'POST', '/api/v1/entities', {
      external_id: 'shared_ext',
      entity_type: 'intruder',
    });
    expect(created.status).toBe(201);
  },
  'PUT /api/v1/entities/:entity_id': async (ctx) => {
    const replaced = await asIntruder(ctx, 'PUT', '/api/v1/entities/shared_ext', {
      entity_type: 'intruder2',
    });
    expect(replaced.status).toBe(200);
    const owners = await asOwner(ctx, 'GET', '/api/v1/entities/shared_ext');
    expect(owners.body.entity_type).toBe('owner');
  },

  'POST /api/v1/contacts': (ctx) =>
    expectNotFound(ctx, 'POST', '/api/v1/contacts', 'entity_not_found', {
      entity_id: ctx.owned.entityId,
      role: 'billing_contact',
      email: 'intruder@example.com',
    }),
  'GET /api/v1/contacts': async (ctx) => {
    const list = await asIntruder(ctx, 'GET', '/api/v1/contacts?limit=100');
    expect(idsOf(list.body, 'contact_id')).not.toContain(ctx.owned.contactId);
    const filtered = await asIntruder(
      ctx,
      'GET',
      `/api/v1/contacts?entity_id=${ctx.owned.entityId}`,
    );
    expect(filtered.body.data).toEqual([]);
  },
  'GET /api/v1/contacts/:contact_id': (ctx) =>
    expectNotFound(ctx, 'GET', `/api/v1/contacts/${ctx.owned.contactId}`, 'contact_not_found'),
  'PATCH /api/v1/contacts/:contact_id': (ctx) =>
    expectNotFound(ctx, 'PATCH', `/api/v1/contacts/${ctx.owned.contactId}`, 'contact_not_found', {
      name: 'x',
    }),
  'DELETE /api/v1/contacts/:contact_id': (ctx) =>
    expectNotFound(ctx, 'DELETE', `/api/v1/contacts/${ctx.owned.contactId}`, 'contact_not_found'),

  'POST /api/v1/templates': async (ctx) => {
    const created = await asIntruder(ctx, 'POST', '/api/v1/templates', {
      name: 'Mine',
      subject: 'Hi',
      text_body: 'x',
    });
    expect(created.status).toBe(201);
    const owners = await asOwner(ctx, 'GET', '/api/v1/templates?limit=100');
    expect(idsOf(owners.body, 'template_id')).not.toContain(created.body.template_id);
  },
  'GET /api/v1/templates': async (ctx) => {
    const list = await asIntruder(ctx, 'GET', '/api/v1/templates?limit=100');
    expect(idsOf(list.body, 'template_id')).not.toContain(ctx.owned.templateId);
  },
  'GET /api/v1/templates/:template_id': (ctx) =>
    expectNotFound(ctx, 'GET', `/api/v1/templates/${ctx.owned.templateId}`, 'template_not_found'),
  'PATCH /api/v1/templates/:template_id': (ctx) =>
    expectNotFound(
      ctx,
      'PATCH',
      `/api/v1/templates/${ctx.owned.templateId}`,
      'template_not_found',
      { name: 'x' },
    ),
  'DELETE /api/v1/templates/:template_id': (ctx) =>
    expectNotFound(
      ctx,
      'DELETE',
      `/api/v1/templates/${ctx.owned.templateId}`,
      'template_not_found',
    ),
  'POST /api/v1/templates/:template_id/preview': (ctx) =>
    expectNotFound(
      ctx,
      'POST',
      `/api/v1/templates/${ctx.owned.templateId}/preview`,
      'template_not_found',
      {},
    ),

  'POST /api/v1/policies': async (ctx) => {
    // Another account's template does not exist, as far as this account can tell.
    const refused = await asIntruder(ctx, 'POST', '/api/v1/policies', {
      name: 'Steal',
      event_type: 'invoice.overdue',
      steps: [{ type: 'send_email', template_id: ctx.owned.templateId }],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain(
      'steps.0.template_id',
    );
  },
  'GET /api/v1/policies': async (ctx) => {
    const list = await asIntruder(ctx, 'GET', '/api/v1/policies?limit=100');
    expect(idsOf(list.body, 'policy_id')).not.toContain(ctx.owned.policyId);
  },
  'GET /api/v1/policies/:policy_id': (ctx) =>
    expectNotFound(ctx, 'GET', `/api/v1/policies/${ctx.owned.policyId}`, 'policy_not_found'),
  'PATCH /api/v1/policies/:policy_id': (ctx) =>
    expectNotFound(ctx, 'PATCH', `/api/v1/policies/${ctx.owned.policyId}`, 'policy_not_found', {
      enabled: false,
    }),
  'DELETE /api/v1/policies/:policy_id': (ctx) =>
    expectNotFound(ctx, 'DELETE', `/api/v1/policies/${ctx.owned.policyId}`, 'policy_not_found'),

  'POST /api/v1/events': async (ctx) => {
    await expectNotFound(ctx, 'POST', '/api/v1/events', 'entity_not_found', {
      event_type: 'invoice.overdue',
      entity_id: ctx.owned.entityId,
    });
    // The owner's Idempotency-Key means nothing in another account: no replay of its answer.
    const own = await ctx.server.request('POST', '/api/v1/events', {
      key: ctx.intruder.key,
      headers: { 'idempotency-key': 'shared-key' },
      body: { event_type: 'invoice.overdue', entity_id: 'shared_ext' },
    });
    expect(own.status).toBe(202);
    expect(own.headers['idempotent-replayed']).toBeUndefined();
    expect(own.body.event_id).not.toBe(ctx.owned.eventId);
  },
  'GET /api/v1/events': async (ctx) => {
    const list = await asIntruder(ctx, 'GET', '/api/v1/events?limit=100');
    expect(idsOf(list.body, 'event_id')).not.toContain(ctx.owned.eventId);
  },
  'GET /api/v1/events/:event_id': (ctx) =>
    expectNotFound(ctx, 'GET', `/api/v1/events/${ctx.owned.eventId}`, 'event_not_found'),

  'POST /api/v1/api-keys': async (ctx) => {
    const created = await asIntruder(ctx, 'POST', '/api/v1/api-keys', { name: 'mine' });
    const owners = await asOwner(ctx, 'GET', '/api/v1/api-keys?limit=100');
    expect(idsOf(owners.body, 'api_key_id')).not.toContain(created.body.api_key_id);
  },
  'GET /api/v1/api-keys': async (ctx) => {
    const list = await asIntruder(ctx, 'GET', '/api/v1/api-keys?limit=100');
    expect(idsOf(list.body, 'api_key_id')).not.toContain(ctx.owned.apiKeyId);
  },
  'DELETE /api/v1/api-keys/:id': async (ctx) => {
    await expectNotFound(
      ctx,
      'DELETE',
      `/api/v1/api-keys/${ctx.owned.apiKeyId}`,
      'api_key_not_found',
    );
    const stillWorks = await asOwner(ctx, 'GET', '/api/v1/api-keys');
    expect(
      stillWorks.body.data.find((k: any) => k.api_key_id === ctx.owned.apiKeyId).revoked_at,
    ).toBeNull();
  },

  'GET /api/v1/runs': async (ctx) => {
    const list = await asIntruder(ctx, 'GET', '/api/v1/runs?limit=100');
    expect(idsOf(list.body, 'run_id')).not.toContain(ctx.owned.runId);
    const byEvent = await asIntruder(ctx, 'GET', `/api/v1/runs?event_id=${ctx.owned.eventId}`);
    expect(byEvent.body.data).toEqual([]);
  },
  'GET /api/v1/runs/:run_id': (ctx) =>
    expectNotFound(ctx, 'GET', `/api/v1/runs/${ctx.owned.runId}`, 'run_not_found'),
  'POST /api/v1/runs/:run_id/cancel': (ctx) =>
    expectNotFound(ctx, 'POST', `/api/v1/runs/${ctx.owned.runId}/cancel`, 'run_not_found'),
  'POST /api/v1/runs/:run_id/advance': (ctx) =>
    expectNotFound(ctx, 'POST', `/api/v1/runs/${ctx.owned.runId}/advance`, 'run_not_found'),

  'GET /api/v1/messages': async (ctx) => {
    const list = await asIntruder(ctx, 'GET', '/api/v1/messages?limit=100');
    expect(idsOf(list.body, 'message_id')).not.toContain(ctx.owned.messageId);
    const byAddress = await asIntruder(ctx, 'GET', '/api/v1/messages?to=owner@example.com');
    expect(byAddress.body.data).toEqual([]);
  },
  'GET /api/v1/messages/:message_id': (ctx) =>
    expectNotFound(ctx, 'GET', `/api/v1/messages/${ctx.owned.messageId}`, 'message_not_found'),

  'GET /api/v1/entities/:entity_id/timeline': (ctx) =>
    expectNotFound(
      ctx,
      'GET',
      `/api/v1/entities/${ctx.owned.entityId}/timeline`,
      'entity_not_found',
    ),

  'GET /api/v1/suppressions': async (ctx) => {
    const list = await asIntruder(ctx, 'GET', '/api/v1/suppressions?limit=100');
    expect(idsOf(list.body, 'email')).not.toContain(ctx.owned.suppressed);
  },
  'POST /api/v1/suppressions': async (ctx) => {
    // Suppressing an address in one account does not stop another account's mail to it.
    const created = await asIntruder(ctx, 'POST', '/api/v1/suppressions', {
      email: 'owner@example.com',
    });
    expect(created.status).toBe(201);
    const owners = await asOwner(ctx, 'GET', '/api/v1/suppressions?email=owner@example.com');
    expect(owners.body.data).toEqual([]);
  },
  'DELETE /api/v1/suppressions/:email': (ctx) =>
    expectNotFound(
      ctx,
      'DELETE',
      `/api/v1/suppressions/${ctx.owned.suppressed}`,
      'suppression_not_found',
    ),

  'GET /api/v1/settings/email-provider': async (ctx) => {
    const mine = await asIntruder(ctx, 'GET', '/api/v1/settings/email-provider');
    expect(mine.body).toMatchObject({ provider: 'outbox', from_email: null, api_key_set: false });
  },
  'POST /api/v1/settings/email-provider/verify': async (ctx) => {
    const mine = await asIntruder(ctx, 'POST', '/api/v1/settings/email-provider/verify', {});
    expect(mine.status).toBe(409);
    expect(mine.body.code).toBe('provider_not_configured');
  },
  'PUT /api/v1/settings/email-provider': async (ctx) => {
    const mine = await asIntruder(ctx, 'PUT', '/api/v1/settings/email-provider', {
      provider: 'smtp',
      from_email: 'intruder@example.com',
      smtp: { host: 'smtp.intruder.example', port: 587 },
    });
    expect(mine.status).toBe(200);
    const owners = await asOwner(ctx, 'GET', '/api/v1/settings/email-provider');
    expect(owners.body).toMatchObject({
      provider: 'sendgrid',
      from_email: 'owner-sender@example.com',
    });
  },

  // The console's own routes: sign-in and the session are about the caller alone; accounts
  // and members are about the caller's account. None may show or touch anything of A.
  'POST /api/v1/auth/signup': async (ctx) => {
    const created = await asIntruder(ctx, 'POST', '/api/v1/auth/signup', {
      email: 'newcomer@example.com',
      password: 'newcomer password',
      account_name: 'Newcomer',
    });
    expect(created.status).toBe(201);
    expect(created.body.accounts).toHaveLength(1);
    expectNothingOfOwner(ctx, created.body);
    const taken = await asIntruder(ctx, 'POST', '/api/v1/auth/signup', {
      email: ctx.owned.ownerEmail,
      password: 'another password',
      account_name: 'Takeover',
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('email_taken');
  },
  'POST /api/v1/auth/signin': async (ctx) => {
    const guess = await asIntruder(ctx, 'POST', '/api/v1/auth/signin', {
      email: ctx.owned.ownerEmail,
      password: intrudersPassword,
    });
    expect(guess.status).toBe(401);
    expect(guess.body.code).toBe('invalid_credentials');
    expect(guess.headers['set-cookie']).toBeUndefined();
    const own = await asIntruder(ctx, 'POST', '/api/v1/auth/signin', {
      email: 'intruder@example.com',
      password: intrudersPassword,
    });
    expect(own.status).toBe(200);
    expectNothingOfOwner(ctx, own.body);
  },
  'POST /api/v1/auth/signout': async (ctx) => {
    const keyOnly = await asIntruder(ctx, 'POST', '/api/v1/auth/signout');
    expect(keyOnly.status).toBe(401);
  },
  'GET /api/v1/auth/session': async (ctx) => {
    expect((await asIntruder(ctx, 'GET', '/api/v1/auth/session')).status).toBe(401);
    const mine = await asIntruderSession(ctx, 'GET', '/api/v1/auth/session');
    expect(mine.status).toBe(200);
    expect(mine.body.current_account_id).toBe(ctx.intruder.accountId);
    expectNothingOfOwner(ctx, mine.body);
  },
  'POST /api/v1/auth/switch-account': async (ctx) => {
    const body = { account_id: ctx.owner.accountId };
    expect((await asIntruder(ctx, 'POST', '/api/v1/auth/switch-account', body)).status).toBe(401);
    const refused = await asIntruderSession(ctx, 'POST', '/api/v1/auth/switch-account', body);
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe('account_not_found');
    const still = await asIntruderSession(ctx, 'GET', '/api/v1/entities');
    expect(idsOf(still.body, 'entity_id')).not.toContain(ctx.owned.entityId);
  },
  'POST /api/v1/accounts': async (ctx) => {
    const byKey = await asIntruder(ctx, 'POST', '/api/v1/accounts', { name: 'Mine' });
    expect(byKey.status).toBe(403);
    const created = await asIntruderSession(ctx, 'POST', '/api/v1/accounts', { name: 'Mine' });
    expect(created.status).toBe(201);
    expect(created.body.account_id).not.toBe(ctx.owner.accountId);
  },
  'GET /api/v1/members': async (ctx) => {
    const byKey = await asIntruder(ctx, 'GET', '/api/v1/members?limit=100');
    expect(idsOf(byKey.body, 'user_id')).toEqual([ctx.intruderSession.userId]);
    const bySession = await asIntruderSession(ctx, 'GET', '/api/v1/members?limit=100');
    expectNothingOfOwner(ctx, bySession.body);
  },
  'POST /api/v1/members': async (ctx) => {
    const byKey = await asIntruder(ctx, 'POST', '/api/v1/members', {
      email: 'intruder@example.com',
    });
    expect(byKey.status).toBe(403);
  },
  'DELETE /api/v1/members/:user_id': async (ctx) => {
    const url = `/api/v1/members/${ctx.owned.ownerUserId}`;
    expect((await asIntruder(ctx, 'DELETE', url)).status).toBe(403);
    const bySession = await asIntruderSession(ctx, 'DELETE', url);
    expect(bySession.status).toBe(404);
    expect(bySession.body.code).toBe('member_not_found');
  },

  'GET /api/v1/usage': async (ctx) => {
    const mine = await asIntruder(ctx, 'GET', '/api/v1/usage');
    const theirs = await asOwner(ctx, 'GET', '/api/v1/usage');
    expect(theirs.body.events).toBe(1);
    expect(mine.body.events).toBe(1);
  },
};

describe.each(testDialects())('tenant isolation on %s', (dialect) => {
  let ctx: Context;
  let snapshot: Record<string, unknown>;

  const ownerView = async (c: Context) => {
    const view: Record<string, unknown> = {};
    for (const url of [
      `/api/v1/entities/${c.owned.entityId}`,
      '/api/v1/entities/shared_ext',
      `/api/v1/contacts/${c.owned.contactId}`,
      `/api/v1/templates/${c.owned.templateId}`,
      `/api/v1/policies/${c.owned.policyId}`,
      `/api/v1/events/${c.owned.eventId}`,
      `/api/v1/runs/${c.owned.runId}`,
      `/api/v1/messages/${c.owned.messageId}`,
      `/api/v1/entities/${c.owned.entityId}/timeline`,
      '/api/v1/suppressions',
      '/api/v1/settings/email-provider',
      '/api/v1/contacts?limit=100',
      '/api/v1/events?limit=100',
      '/api/v1/members?limit=100',
    ]) {
      view[url] = (await asOwner(c, 'GET', url)).body;
    }
    return view;
  };

  beforeAll(async () => {
    const server = await startTestServer(dialect);
    const owner = server.account;
    const intruder = await server.createTestAccount('Intruder');
    const send = (method: any, url: string, body: unknown) =>
      server.request(method, url, { key: owner.key, body });

    await send('POST', '/api/v1/entities', { external_id: 'acct_owner', entity_type: 'account' });
    await send('POST', '/api/v1/entities', { external_id: 'shared_ext', entity_type: 'owner' });
    const contact = await send('POST', '/api/v1/contacts', {
      entity_id: 'acct_owner',
      role: 'billing_contact',
      email: 'owner@example.com',
    });
    const template = await insertTemplate(server.database.handle.db, owner.accountId, {
      name: 'Owner template',
      subject: 'Hello',
      text_body: 'Hi',
    });
    const policy = await send('POST', '/api/v1/policies', {
      name: 'Owner policy',
      event_type: 'invoice.overdue',
      steps: [{ type: 'send_email', template_id: template.id }],
    });
    const event = await server.request('POST', '/api/v1/events', {
      key: owner.key,
      headers: { 'idempotency-key': 'shared-key' },
      body: { event_type: 'invoice.overdue', entity_id: 'acct_owner' },
    });
    const apiKey = await send('POST', '/api/v1/api-keys', { name: 'owner extra' });
    const suppression = await send('POST', '/api/v1/suppressions', { email: 'gone@example.com' });
    for (const response of [contact, policy, event, apiKey, suppression]) {
      expect(response.status).toBeLessThan(300);
    }
    await server.worker.drain();

    // A's owner and B's owner are console users; B's signs in for the session probes.
    const { db } = server.database.handle;
    const ownerUser = await createUser(db, {
      email: 'owner@example.com',
      name: 'Owner',
      passwordHash: await hashPassword(ownersPassword),
      clerkUserId: null,
    });
    await addMembership(db, { userId: ownerUser.id, accountId: owner.accountId, role: 'owner' });
    const intruderUser = await createUser(db, {
      email: 'intruder@example.com',
      name: 'Intruder',
      passwordHash: await hashPassword(intrudersPassword),
      clerkUserId: null,
    });
    await addMembership(db, {
      userId: intruderUser.id,
      accountId: intruder.accountId,
      role: 'owner',
    });
    const signedIn = await server.request('POST', '/api/v1/auth/signin', {
      key: null,
      body: { email: 'intruder@example.com', password: intrudersPassword },
    });
    expect(signedIn.status).toBe(200);
    const setCookie = String(signedIn.headers['set-cookie']);
    const messages = await server.request('GET', '/api/v1/messages', { key: owner.key });
    expect(messages.body.data).toHaveLength(1);
    // After the mail went to the outbox: nothing here may try to reach a real SendGrid.
    const settings = await send('PUT', '/api/v1/settings/email-provider', {
      provider: 'sendgrid',
      api_key: 'SG.owner-secret',
      from_email: 'owner-sender@example.com',
    });
    expect(settings.status).toBe(200);

    ctx = {
      server,
      owner,
      intruder,
      intruderSession: {
        userId: intruderUser.id,
        cookie: setCookie.split(';')[0] ?? '',
        csrf: signedIn.body.csrf_token,
      },
      owned: {
        entityId: 'acct_owner',
        contactId: contact.body.contact_id,
        templateId: template.id,
        policyId: policy.body.policy_id,
        eventId: event.body.event_id,
        apiKeyId: apiKey.body.api_key_id,
        runId: event.body.runs_started[0].run_id,
        messageId: messages.body.data[0].message_id,
        suppressed: 'gone@example.com',
        ownerUserId: ownerUser.id,
        ownerEmail: 'owner@example.com',
      },
    };
    snapshot = await ownerView(ctx);
  });
  afterAll(async () => {
    await ctx?.server.close();
  });

  it('has a probe for every route under /api/v1, and none for a route that is gone', () => {
    const routes = ctx.server.app.routeTable
      .filter((route) => route.url.startsWith('/api/v1') && route.method !== 'HEAD')
      .map((route) => `${route.method} ${route.url}`);
    expect(routes.filter((route) => !probes[route])).toEqual([]);
    expect(Object.keys(probes).filter((probe) => !routes.includes(probe))).toEqual([]);
  });

  for (const [route, probe] of Object.entries(probes)) {
    it(`keeps ${route} inside the caller's account`, () => probe(ctx));
  }

  it("left every one of the owner's rows exactly as it was", async () => {
    expect(await ownerView(ctx)).toEqual(snapshot);
  });
});
