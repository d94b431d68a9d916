import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

interface Operation {
  method: string;
  path: string;
  hasBody: boolean;
  queryNames: string[];
}

/** Tables whose rows a refused request must leave exactly as they were. */
const watchedTables = [
  'accounts',
  'entities',
  'contacts',
  'templates',
  'policies',
  'policy_versions',
  'events',
  'runs',
  'run_log',
  'messages',
  'suppressions',
  'provider_settings',
];

/** Every operation under /api/v1 that the OpenAPI document lists. */
function operationsOf(document: any): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<any>(document.paths)) {
    if (!path.startsWith('/api/v1')) continue;
    for (const [method, operation] of Object.entries<any>(item)) {
      const parameters: any[] = operation.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        hasBody: operation.requestBody !== undefined,
        queryNames: parameters.filter((p) => p.in === 'query').map((p) => p.name),
      });
    }
  }
  return operations;
}

/** JSON that looks almost right: the keys the API uses, with values of any shape. */
const nearlyValid = fc.dictionary(
  fc.constantFrom(
    'external_id',
    'entity_type',
    'name',
    'entity_id',
    'role',
    'email',
    'subject',
    'text_body',
    'html_body',
    'event_type',
    'steps',
    'conditions',
    'cancel_on',
    'recipients',
    'data',
    'mode',
    'provider',
    'api_key',
    'smtp',
    'attributes',
    'enabled',
    'account_name',
    'password',
  ),
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom('acct_1', 'tpl_x', '3d', 'P3D', '', 'x@y.z', '{{ broken', '{% for %}'),
  ),
  { maxKeys: 6 },
);
const anyBody = fc.oneof(nearlyValid, fc.jsonValue({ maxDepth: 4 }), fc.string({ maxLength: 50 }));

const pathValue = fc.oneof(
  fc.constantFrom('acct_1', 'evt_0', 'con_0', 'tpl_0', 'pol_0', 'run_0', 'msg_0', 'key_0', 'a@b.c'),
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
);

describe.each(testDialects())('fuzzing every endpoint on %s', (dialect) => {
  let server: TestServer;
  let operations: Operation[];

  const fingerprint = async (): Promise<string> => {
    const hash = createHash('sha256');
    const { db } = server.database.handle;
    for (const table of watchedTables) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(
        db,
      );
      const text = rows.rows
        .map((row) => JSON.stringify(row))
        .sort()
        .join('\n');
      hash.update(`${table}\n${text}\n`);
    }
    return hash.digest('hex');
  };

  beforeAll(async () => {
    server = await startTestServer(dialect);
    const post = (url: string, body: unknown) => server.request('POST', url, { body });
    await post('/api/v1/entities', { external_id: 'acct_1', entity_type: 'account' });
    await post('/api/v1/contacts', {
      entity_id: 'acct_1',
      role: 'billing_contact',
      email: 'a@b.c',
    });
    const template = await post('/api/v1/templates', { name: 'T', subject: 'S', text_body: 'x' });
    await post('/api/v1/policies', {
      name: 'P',
      event_type: 'x.y',
      steps: [{ type: 'send_email', template_id: template.body.template_id }],
    });
    operations = operationsOf(server.app.swagger());
  });
  afterAll(async () => {
    await server?.close();
  });

  it('finds the operations to fuzz', () => {
    expect(operations.length).toBeGreaterThan(30);
  });

  it('never answers 5xx, and a refused request changes nothing', async () => {
    const refusals = { count: 0 };
    for (const operation of operations) {
      const request = fc.record({
        values: fc.array(pathValue, { minLength: 3, maxLength: 3 }),
        body: anyBody,
        query: fc.dictionary(
          fc.oneof(
            fc.constantFrom(...(operation.queryNames.length ? operation.queryNames : ['q'])),
            fc.string(),
          ),
          fc.oneof(
            fc.string({ maxLength: 30 }),
            fc.constantFrom('-1', '0', '101', 'true', 'x'.repeat(500)),
          ),
          { maxKeys: 3 },
        ),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ values, body, query }) => {
          let index = 0;
          const path = operation.path.replace(/\{[^}]+\}/g, () =>
            encodeURIComponent(values[index++] ?? 'x'),
          );
          const search = new URLSearchParams(query).toString();
          const url = search ? `${path}?${search}` : path;
          const before = await fingerprint();
          const response = await server.request(
            operation.method as any,
            url,
            operation.hasBody ? { body } : {},
          );

          expect(response.status, `${operation.method} ${url}`).toBeLessThan(500);
          if (response.status >= 400) {
            refusals.count++;
            expect(response.headers['content-type']).toContain('application/problem+json');
            expect(await fingerprint(), `${operation.method} ${url} changed state`).toBe(before);
          }
        }),
        { numRuns: dialect === 'sqlite' ? 25 : 12 },
      );
    }
    expect(refusals.count).toBeGreaterThan(operations.length);
  }, 300_000);
});
