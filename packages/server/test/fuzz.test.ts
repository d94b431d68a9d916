import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fingerprintOf,
  nearlyValidBody,
  type OpenApiPaths,
  type Operation,
  operationsOf,
  pathValue,
} from './harness/fuzz-inputs.js';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

const anyBody = fc.oneof(
  nearlyValidBody,
  fc.jsonValue({ maxDepth: 4 }),
  fc.string({ maxLength: 50 }),
);

describe.each(testDialects())('fuzzing every endpoint on %s', (dialect) => {
  let server: TestServer;
  let operations: Operation[];

  const fingerprint = () => fingerprintOf(server.database.handle.db);

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
    operations = operationsOf(server.app.swagger() as unknown as OpenApiPaths);
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
