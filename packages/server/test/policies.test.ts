import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy, patchPolicy, StalePolicyError } from '../src/store/policies-store.js';
import { insertTemplate } from '../src/store/templates-store.js';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

const fieldsOf = (body: { errors: Array<{ field: string }> }) =>
  body.errors.map((e) => e.field).sort();

describe.each(testDialects())('policies on %s', (dialect) => {
  let server: TestServer;
  // Templates are made through the store: the templates route is not what is tested here.
  let overdue: string;
  let reminder: string;
  let policyId: string;

  const makeTemplate = async (accountId: string, name: string) => {
    const { db } = server.database.handle;
    const row = await insertTemplate(db, accountId, { name, subject: `${name} {{invoice_id}}` });
    return row.id;
  };
  const countPolicies = async () => {
    const list = await server.request('GET', '/api/v1/policies?limit=100');
    return list.body.data.length as number;
  };
  const policyBody = (steps: unknown[]) => ({ name: 'P', event_type: 'invoice.overdue', steps });

  beforeAll(async () => {
    server = await startTestServer(dialect);
    overdue = await makeTemplate(server.account.accountId, 'Invoice Overdue');
    reminder = await makeTemplate(server.account.accountId, 'Reminder');
  });
  afterAll(async () => {
    await server?.close();
  });

  it("creates the seed's policy verbatim, with its template ids made real", async () => {
    const steps = [
      { type: 'send_email', template_id: overdue },
      { type: 'wait', duration: '3d' },
      { type: 'send_email', template_id: reminder },
    ];
    const created = await server.request('POST', '/api/v1/policies', {
      body: { name: 'Invoice Overdue Notifications', event_type: 'invoice.overdue', steps },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      object: 'policy',
      policy_id: expect.stringMatching(/^pol_/),
      name: 'Invoice Overdue Notifications',
      event_type: 'invoice.overdue',
      enabled: true,
      version: 1,
      steps,
      conditions: [],
      recipients: null,
      cancel_on: [],
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    policyId = created.body.policy_id;

    const fetched = await server.request('GET', `/api/v1/policies/${policyId}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);
  });

  it('keeps conditions, recipients, cancel_on and enabled as given', async () => {
    const body = {
      name: 'Big invoices',
      event_type: 'invoice.overdue',
      enabled: false,
      steps: [{ type: 'send_email', template_id: overdue, to_roles: ['billing_contact'] }],
      conditions: [
        { field: 'amount', op: 'gte', value: 1000 },
        { field: 'customer.vip', op: 'exists' },
      ],
      recipients: { roles: ['billing_contact', 'owner'] },
      cancel_on: [{ event_type: 'invoice.paid', match: ['invoice_id'] }, { event_type: 'x.y' }],
    };
    const created = await server.request('POST', '/api/v1/policies', { body });
    expect(created.status).toBe(201);
    const { name, event_type, ...definition } = body;
    expect(created.body).toMatchObject({ name, event_type, ...definition, version: 1 });
  });

  it.each(['3d', '12h', 'P3D', 'PT12H', '2w', '30s'])('accepts the duration %s', async (d) => {
    const created = await server.request('POST', '/api/v1/policies', {
      body: policyBody([{ type: 'wait', duration: d }]),
    });
    expect(created.status).toBe(201);
    expect(created.body.steps).toEqual([{ type: 'wait', duration: d }]);
    expect(
      (await server.request('DELETE', `/api/v1/policies/${created.body.policy_id}`)).status,
    ).toBe(204);
  });

  it.each(['3x', '0d', 'P'])('refuses the duration %s at steps.1.duration', async (d) => {
    const before = await countPolicies();
    const refused = await server.request('POST', '/api/v1/policies', {
      body: policyBody([
        { type: 'send_email', template_id: overdue },
        { type: 'wait', duration: d },
      ]),
    });
    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body.code).toBe('validation_failed');
    expect(refused.body.errors).toEqual([
      { field: 'steps.1.duration', message: expect.stringContaining('duration') },
    ]);
    expect(await countPolicies()).toBe(before);
  });

  it('names the bad field of each rule the schema leaves to the domain', async () => {
    const refused = await server.request('POST', '/api/v1/policies', {
      body: {
        ...policyBody([{ type: 'sms' }, { type: 'send_email', template_id: overdue, cc: 'x' }]),
        conditions: [{ field: 'amount', op: 'between', value: 1 }],
        recipients: { roles: [] },
        cancel_on: [{ event_type: 'invoice.paid', match: 'invoice_id' }],
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('validation_failed');
    expect(fieldsOf(refused.body)).toEqual([
      'cancel_on.0.match',
      'conditions.0.op',
      'recipients.roles',
      'steps.0.type',
      'steps.1.cc',
    ]);
  });

  it('names the fields the JSON schema refuses', async () => {
    const refused = await server.request('POST', '/api/v1/policies', {
      body: { name: '', event_type: 'not an event type', steps: [{}], colour: 'red' },
    });
    expect(refused.status).toBe(400);
    expect(fieldsOf(refused.body)).toEqual(['colour', 'event_type', 'name', 'steps.0.type']);

    const notRoles = await server.request('POST', '/api/v1/policies', {
      body: { ...policyBody([{ type: 'wait', duration: '1d' }]), recipients: 'owner' },
    });
    expect(notRoles.body.errors).toEqual([
      { field: 'recipients', message: 'must be object or null' },
    ]);

    const noSteps = await server.request('POST', '/api/v1/policies', { body: policyBody([]) });
    expect(noSteps.status).toBe(400);
    expect(fieldsOf(noSteps.body)).toEqual(['steps']);
  });

  it('refuses a template id that is not in this account, and stores nothing', async () => {
    const other = await server.createTestAccount('Other');
    const foreign = await makeTemplate(other.accountId, 'Theirs');
    const before = await countPolicies();
    const refused = await server.request('POST', '/api/v1/policies', {
      body: policyBody([
        { type: 'send_email', template_id: overdue },
        { type: 'wait', duration: '1d' },
        { type: 'send_email', template_id: foreign },
        { type: 'send_email', template_id: 'tpl_nope' },
      ]),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('validation_failed');
    expect(refused.body.errors).toEqual([
      { field: 'steps.2.template_id', message: `no template ${foreign} in this account` },
      { field: 'steps.3.template_id', message: 'no template tpl_nope in this account' },
    ]);
    expect(await countPolicies()).toBe(before);
  });

  it('names a missing template together with the other bad fields', async () => {
    const refused = await server.request('POST', '/api/v1/policies', {
      body: policyBody([
        { type: 'send_email', template_id: 'tpl_gone' },
        { type: 'wait', duration: 'soon' },
      ]),
    });
    expect(refused.status).toBe(400);
    expect(fieldsOf(refused.body)).toEqual(['steps.0.template_id', 'steps.1.duration']);
  });

  it('keeps the version when only name or enabled change', async () => {
    const patched = await server.request('PATCH', `/api/v1/policies/${policyId}`, {
      body: { name: 'Renamed', enabled: false },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', enabled: false, version: 1 });
    expect(patched.body.steps).toHaveLength(3);
  });

  it('makes a new version when the steps change, keeping the other rules', async () => {
    const withRules = await server.request('PATCH', `/api/v1/policies/${policyId}`, {
      body: { cancel_on: [{ event_type: 'invoice.paid', match: ['invoice_id'] }] },
    });
    expect(withRules.body.version).toBe(2);

    const steps = [{ type: 'send_email', template_id: reminder }];
    const patched = await server.request('PATCH', `/api/v1/policies/${policyId}`, {
      body: { steps },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ version: 3, steps, name: 'Renamed' });
    expect(patched.body.cancel_on).toEqual([{ event_type: 'invoice.paid', match: ['invoice_id'] }]);

    const same = await server.request('PATCH', `/api/v1/policies/${policyId}`, {
      body: { steps },
    });
    expect(same.body.version).toBe(3);

    const { db } = server.database.handle;
    const versions = await db
      .selectFrom('policy_versions')
      .select('version')
      .where('policy_id', '=', policyId)
      .orderBy('version')
      .execute();
    expect(versions.map((v) => Number(v.version))).toEqual([1, 2, 3]);
  });

  it('bumps the version on a new event_type; null clears recipients', async () => {
    const withRoles = await server.request('PATCH', `/api/v1/policies/${policyId}`, {
      body: { event_type: 'invoice.late', recipients: { roles: ['billing_contact'] } },
    });
    expect(withRoles.body).toMatchObject({ event_type: 'invoice.late', version: 4 });
    expect(withRoles.body.recipients).toEqual({ roles: ['billing_contact'] });

    const cleared = await server.request('PATCH', `/api/v1/policies/${policyId}`, {
      body: { recipients: null },
    });
    expect(cleared.body).toMatchObject({ recipients: null, version: 5 });
  });

  it('refuses a patch that makes the policy invalid, and changes nothing', async () => {
    const before = await server.request('GET', `/api/v1/policies/${policyId}`);
    const refused = await server.request('PATCH', `/api/v1/policies/${policyId}`, {
      body: {
        name: 'Should not stick',
        steps: [
          { type: 'wait', duration: '3x' },
          { type: 'send_email', template_id: 'tpl_x' },
        ],
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('validation_failed');
    expect(refused.body.errors).toEqual([
      { field: 'steps.0.duration', message: expect.any(String) },
      { field: 'steps.1.template_id', message: 'no template tpl_x in this account' },
    ]);
    const after = await server.request('GET', `/api/v1/policies/${policyId}`);
    expect(after.body).toEqual(before.body);
  });

  it('refuses in the store a patch merged onto a version that is no longer current', async () => {
    const { db } = server.database.handle;
    const { accountId } = server.account;
    const current = await findPolicy(db, accountId, policyId);
    if (!current) throw new Error('policy missing');

    const stale = patchPolicy(db, accountId, policyId, {
      name: 'Stale',
      baseVersion: current.version - 1,
    });
    await expect(stale).rejects.toBeInstanceOf(StalePolicyError);
    expect(await findPolicy(db, accountId, policyId)).toEqual(current);
  });

  it('gives two simultaneous version bumps in the store a version each', async () => {
    const { db } = server.database.handle;
    const { accountId } = server.account;
    const before = await findPolicy(db, accountId, policyId);
    const rows = await Promise.all(
      ['invoice.first', 'invoice.second'].map((type) =>
        patchPolicy(db, accountId, policyId, { event_type: type }),
      ),
    );
    const versions = rows.map((row) => row?.version).sort();
    const base = before?.version ?? 0;
    expect(versions).toEqual([base + 1, base + 2]);
  });

  it('lets two concurrent patches of the definition both take effect', async () => {
    const before = await server.request('GET', `/api/v1/policies/${policyId}`);
    const steps = [{ type: 'send_email', template_id: overdue }];
    const conditions = [{ field: 'amount', op: 'gt', value: 0 }];
    const [a, b] = await Promise.all([
      server.request('PATCH', `/api/v1/policies/${policyId}`, { body: { steps } }),
      server.request('PATCH', `/api/v1/policies/${policyId}`, { body: { conditions } }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);

    const after = await server.request('GET', `/api/v1/policies/${policyId}`);
    expect(after.body).toMatchObject({ steps, conditions, version: before.body.version + 2 });
  });

  it('lists newest first with filters, search and cursors', async () => {
    const other = await server.createTestAccount('Lister');
    const template = await makeTemplate(other.accountId, 'T');
    const step = [{ type: 'send_email', template_id: template }];
    const create = (name: string, event_type: string, enabled: boolean) =>
      server.request('POST', '/api/v1/policies', {
        key: other.key,
        body: { name, event_type, enabled, steps: step },
      });
    for (const [name, type, enabled] of [
      ['Overdue first', 'invoice.overdue', true],
      ['Trial ending', 'trial.ending', true],
      ['Overdue off', 'invoice.overdue', false],
    ] as const) {
      expect((await create(name, type, enabled)).status).toBe(201);
    }
    const names = async (query: string) => {
      const list = await server.request('GET', `/api/v1/policies?${query}`, { key: other.key });
      expect(list.status).toBe(200);
      return list.body.data.map((p: { name: string }) => p.name);
    };

    expect(await names('')).toEqual(['Overdue off', 'Trial ending', 'Overdue first']);
    expect(await names('event_type=invoice.overdue')).toEqual(['Overdue off', 'Overdue first']);
    expect(await names('enabled=false')).toEqual(['Overdue off']);
    expect(await names('enabled=true&q=TRIAL')).toEqual(['Trial ending']);
    expect(await names('q=trial.end')).toEqual(['Trial ending']);

    const first = await server.request('GET', '/api/v1/policies?limit=2', { key: other.key });
    expect(first.body).toMatchObject({ has_more: true, next_cursor: expect.any(String) });
    const rest = await names(`limit=2&cursor=${first.body.next_cursor}`);
    expect(rest).toEqual(['Overdue first']);

    const badFlag = await server.request('GET', '/api/v1/policies?enabled=maybe');
    expect(badFlag.status).toBe(400);
    expect(fieldsOf(badFlag.body)).toEqual(['enabled']);
  });

  it("answers 404 policy_not_found for unknown ids and other accounts' policies", async () => {
    const stranger = await server.createTestAccount('Stranger');
    for (const [method, key] of [
      ['GET', stranger.key],
      ['PATCH', stranger.key],
      ['DELETE', stranger.key],
      ['GET', server.account.key],
    ] as const) {
      const id = key === stranger.key ? policyId : 'pol_missing';
      const response = await server.request(method, `/api/v1/policies/${id}`, {
        key,
        ...(method === 'PATCH' ? { body: { name: 'Mine now' } } : {}),
      });
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('policy_not_found');
    }
    const unchanged = await server.request('GET', `/api/v1/policies/${policyId}`);
    expect(unchanged.body.name).toBe('Renamed');
  });

  it('deletes a policy; then it is gone', async () => {
    const deleted = await server.request('DELETE', `/api/v1/policies/${policyId}`);
    expect(deleted.status).toBe(204);
    const gone = await server.request('GET', `/api/v1/policies/${policyId}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('policy_not_found');
    const again = await server.request('DELETE', `/api/v1/policies/${policyId}`);
    expect(again.status).toBe(404);
  });
});
