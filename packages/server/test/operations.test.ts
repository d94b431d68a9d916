import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

const run = promisify(execFile);

describe.each(testDialects())('operations endpoints and request limits on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers /healthz and /readyz without a key', async () => {
    expect((await server.request('GET', '/healthz', { key: null })).body).toEqual({ status: 'ok' });
    expect((await server.request('GET', '/readyz', { key: null })).body).toEqual({
      status: 'ready',
    });
  });

  it('exposes Prometheus metrics with route patterns, never ids', async () => {
    await server.request('GET', '/api/v1/entities/some_secret_id');
    const metrics = await server.request('GET', '/metrics', { key: null });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('emivoy_http_requests_total');
    expect(metrics.body).toContain('route="/api/v1/entities/:entity_id"');
    expect(metrics.body).not.toContain('some_secret_id');
  });

  it('answers 413 for a body over 1 MiB and stores nothing', async () => {
    const huge = {
      external_id: 'big',
      entity_type: 'x',
      attributes: { blob: 'a'.repeat(1_100_000) },
    };
    const response = await server.request('POST', '/api/v1/entities', { body: huge });
    expect(response.status).toBe(413);
    expect(response.body.code).toBe('payload_too_large');
    expect((await server.request('GET', '/api/v1/entities/big')).status).toBe(404);
  });

  it('answers 400 invalid_json for malformed JSON and 415 for other media types', async () => {
    const malformed = await server.request('POST', '/api/v1/entities', { raw: '{"external_id": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('invalid_json');

    const text = await server.request('POST', '/api/v1/entities', {
      raw: 'external_id=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(text.status).toBe(415);
    expect(text.body.code).toBe('unsupported_media_type');
  });

  it('answers unknown routes with a problem, and never leaks internals on a 5xx', async () => {
    const missing = await server.request('GET', '/api/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('not_found');

    // Break the database under the app: the answer must say nothing about SQL or stacks.
    const broken = await startTestServer(dialect);
    await broken.database.handle.db.schema.dropTable('contacts').execute();
    await broken.database.handle.db.schema.dropTable('entities').execute();
    const failed = await broken.request('GET', '/api/v1/entities');
    await broken.close();
    expect(failed.status).toBe(500);
    expect(failed.body.code).toBe('internal_error');
    const text = JSON.stringify(failed.body).toLowerCase();
    for (const leak of [
      'select ',
      'from ',
      'no such table',
      'sqlite',
      'relation',
      'stack',
      '.ts:',
    ]) {
      expect(text).not.toContain(leak);
    }
  });

  it('serves an OpenAPI document that passes the Redocly linter', async () => {
    const response = await server.request('GET', '/openapi.json', { key: null });
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(Object.keys(response.body.paths)).toContain('/api/v1/events');

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emivoy-openapi-'));
    const file = path.join(dir, 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(response.body));
    fs.writeFileSync(path.join(dir, 'redocly.yaml'), 'extends:\n  - recommended\n');
    const cli = path.resolve('node_modules/@redocly/cli/bin/cli.js');
    const result = await run(process.execPath, [cli, 'lint', file, '--format=stylish'], {
      cwd: dir,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    }).catch((error: { stdout: string; stderr: string }) => error);
    const output = `${result.stdout}\n${result.stderr}`;
    // Every operation needs an operationId, a summary and error answers: no warning passes.
    expect(output).toContain('Your API description is valid');
    expect(output).not.toMatch(/\d+ (errors?|warnings?)\b/);
  }, 120_000);

  it('serves the API reference page', async () => {
    const page = await server.request('GET', '/reference/', { key: null });
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain('<html');
  });
});

describe('the per-key rate limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite', { env: { EMIVOY_RATE_LIMIT: '5' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers 429 rate_limited with Retry-After past the budget, per key', async () => {
    const answers = [];
    // Twenty in well under two windows: one window must hold more than five.
    for (let i = 0; i < 20; i++) answers.push(await server.request('GET', '/api/v1/entities'));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited[0]?.body.code).toBe('rate_limited');
    expect(Number(limited[0]?.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    const other = await server.createTestAccount('Other');
    const fresh = await server.request('GET', '/api/v1/entities', { key: other.key });
    expect(fresh.status).toBe(200);
  });
});
