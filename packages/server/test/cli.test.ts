import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmivoy, runEmivoy, startEmivoy } from './harness/spawn-emivoy.js';
import { createTestDatabase, type TestDatabase, testDialects } from './harness/test-database.js';

describe('emivoy --help', () => {
  it('lists every command and environment variable', async () => {
    const { code, stdout } = await runEmivoy(['--help'], {});
    expect(code).toBe(0);
    for (const word of [
      'serve',
      'migrate',
      'accounts',
      'PORT',
      'DATABASE_URL',
      'EMIVOY_DATA_DIR',
    ]) {
      expect(stdout).toContain(word);
    }
    const accounts = await runEmivoy(['accounts', '--help'], {});
    expect(accounts.stdout).toMatch(/create[\s\S]*list[\s\S]*update/);
  });
});

describe.each(testDialects())('the emivoy program on %s', (dialect) => {
  let database: TestDatabase;
  let server: RunningEmivoy;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    env = { EMIVOY_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl ?? '' };
    server = await startEmivoy(env);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('logs where it listens and which database it uses', () => {
    const messages = server.logs.map((line) => String(line.msg));
    expect(messages.some((m) => m.includes(`database: ${dialect}`))).toBe(true);
    expect(messages.some((m) => m.includes('listening on http://127.0.0.1:'))).toBe(true);
    expect(messages.some((m) => m.includes('accounts create'))).toBe(true);
  });

  it('creates an account while the server runs, and its key works against the server', async () => {
    const { code, stdout } = await runEmivoy(
      ['accounts', 'create', '--name', 'Acme', '--json'],
      env,
    );
    expect(code).toBe(0);
    const created = JSON.parse(stdout);
    expect(created).toEqual({
      account: { account_id: expect.stringMatching(/^acc_/), name: 'Acme' },
      api_key: {
        api_key_id: expect.stringMatching(/^key_/),
        key: expect.stringMatching(/^em_live_/),
      },
    });

    const response = await fetch(`${server.url}/api/v1/entities`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${created.api_key.key}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ external_id: 'acct_123', entity_type: 'account', name: 'Acme Corp' }),
    });
    expect(response.status).toBe(201);

    const updated = await runEmivoy(
      [
        'accounts',
        'update',
        created.account.account_id,
        '--monthly-event-limit',
        'unlimited',
        '--json',
      ],
      env,
    );
    expect(updated.code).toBe(0);
    expect(JSON.parse(updated.stdout).monthly_event_limit).toBeNull();
    const usage = await fetch(`${server.url}/api/v1/usage`, {
      headers: { authorization: `Bearer ${created.api_key.key}` },
    });
    expect(((await usage.json()) as { limit: unknown }).limit).toBeNull();
  });

  it('refuses a bad plan limit and an unknown account clearly', async () => {
    const bad = await runEmivoy(
      ['accounts', 'update', 'acc_x', '--monthly-event-limit', 'lots'],
      env,
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('whole number');
    const unknown = await runEmivoy(
      ['accounts', 'update', 'acc_x', '--monthly-event-limit', '5'],
      env,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No account acc_x');
  });

  it('stops gracefully on SIGTERM', async () => {
    const code = await server.stop('SIGTERM');
    expect(code).toBe(0);
    expect(server.logs.some((line) => line.msg === 'stopped')).toBe(true);
  });
});

describe('a bad configuration', () => {
  it('stops at start with a message naming the variable', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emivoy-cfg-'));
    const { code, stderr } = await runEmivoy(['serve'], { EMIVOY_DATA_DIR: dir, PORT: 'eighty' });
    expect(code).toBe(2);
    expect(stderr).toContain('PORT must be a whole number');
  });
});
