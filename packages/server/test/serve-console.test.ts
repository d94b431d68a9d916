import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConsoleDir, isServerPath } from '../src/api/serve-console.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

/** A stand-in for `npm run build --workspace @emivoy/console`: an index and a hashed asset. */
function builtConsole(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emivoy-console-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Emivoy console</title>');
  fs.writeFileSync(path.join(dir, 'assets', 'index-a1b2c3.js'), 'console.log("console")');
  fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg/>');
  return dir;
}

describe('the built console', () => {
  let server: TestServer;
  let dir: string;

  beforeAll(async () => {
    dir = builtConsole();
    server = await startTestServer('sqlite', { consoleDir: dir });
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and its files beside it', async () => {
    const index = await server.request('GET', '/', { key: null, headers: html });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toContain('text/html');
    expect(index.body).toContain('Emivoy console');
    expect(index.headers['cache-control']).toBe('no-cache');

    const asset = await server.request('GET', '/assets/index-a1b2c3.js', { key: null });
    expect(asset.status).toBe(200);
    expect(asset.body).toContain('console.log');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await server.request('GET', '/favicon.svg', { key: null })).status).toBe(200);
  });

  it('answers a deep link with index.html, so a reload works', async () => {
    const page = await server.request('GET', '/policies/pol_123?tab=runs', {
      key: null,
      headers: html,
    });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Emivoy console');
  });

  it('answers a missing file 404 when no page is asked for', async () => {
    const missing = await server.request('GET', '/assets/gone.js', {
      key: null,
      headers: { accept: '*/*' },
    });
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    const posted = await server.request('POST', '/somewhere', { key: null, headers: html });
    expect(posted.status).toBe(404);
  });

  it('never shadows the API, webhooks, probes or the reference', async () => {
    const api = await server.request('GET', '/api/v1/nothing-here', { key: null, headers: html });
    expect(api.status).toBe(404);
    expect(api.body.code).toBe('not_found');
    const unauthenticated = await server.request('GET', '/api/v1/entities', {
      key: null,
      headers: html,
    });
    expect(unauthenticated.status).toBe(401);
    expect((await server.request('GET', '/api/v1/entities', { headers: html })).status).toBe(200);
    expect((await server.request('GET', '/healthz', { key: null, headers: html })).body).toEqual({
      status: 'ok',
    });
    const openapi = await server.request('GET', '/openapi.json', { key: null, headers: html });
    expect(openapi.body.openapi).toBe('3.1.0');
    const webhook = await server.request('GET', '/webhooks/sendgrid/acc_x', {
      key: null,
      headers: html,
    });
    expect(webhook.headers['content-type']).toContain('application/problem+json');

    for (const url of ['/api', '/metrics/x', '/unsubscribe/x/y', '/reference/nope.js']) {
      expect(isServerPath(url), url).toBe(true);
    }
    expect(isServerPath('/apis-and-more')).toBe(false);
  });
});

describe('a console that is not built', () => {
  let server: TestServer;
  beforeAll(async () => {
    const missing = path.join(os.tmpdir(), 'emivoy-no-console-here');
    server = await startTestServer('sqlite', { consoleDir: missing });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('says at / how to build it instead of failing', async () => {
    const page = await server.request('GET', '/', { key: null, headers: html });
    expect(page.status).toBe(200);
    expect(page.body).toContain('npm run build --workspace @emivoy/console');
    const deep = await server.request('GET', '/templates', { key: null, headers: html });
    expect(deep.body).toContain('npm run build --workspace @emivoy/console');
    expect((await server.request('GET', '/api/v1/entities')).status).toBe(200);
  });

  it('looks for the build beside the server package', () => {
    expect(defaultConsoleDir()).toBe(path.resolve(import.meta.dirname, '../../console/dist'));
  });
});
