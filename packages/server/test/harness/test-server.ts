import type { InjectOptions } from 'fastify';
import type { App } from '../../src/api/app-context.js';
import { buildApp } from '../../src/api/build-app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createRouteFor } from '../../src/engine/delivery-routes.js';
import { Worker, type WorkerOptions } from '../../src/engine/worker.js';
import { createLogger } from '../../src/logger.js';
import { createAccount } from '../../src/store/accounts-store.js';
import { createApiKey } from '../../src/store/api-keys-store.js';
import { loadMasterKey } from '../../src/store/master-key.js';
import type { Dialect } from '../../src/store/open-database.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestResponse<T = any> {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: T;
}

/** An account with a live and a test key, as `emivoy accounts create` would make it. */
export interface TestAccount {
  accountId: string;
  key: string;
  testKey: string;
}

export interface TestServer {
  app: App;
  database: TestDatabase;
  config: Config;
  /** A worker on the same database and clock, not started: call `drain()` to run due work. */
  worker: Worker;
  /** The key that seals this server's provider secrets and signs its unsubscribe links. */
  masterKey: Buffer;
  /** The first account; `createTestAccount` makes more. */
  account: TestAccount;
  createTestAccount(name?: string): Promise<TestAccount>;
  /** A request with the first account's live key unless `key` says otherwise (null: none). */
  request<T = any>(
    method: InjectOptions['method'],
    url: string,
    options?: {
      body?: unknown;
      key?: string | null;
      headers?: Record<string, string>;
      raw?: string;
    },
  ): Promise<TestResponse<T>>;
  close(): Promise<void>;
}

/** A real app on a fresh database of the given kind, answering in-process through `inject`. */
export async function startTestServer(
  dialect: Dialect,
  options: {
    env?: Record<string, string>;
    now?: () => number;
    worker?: Partial<Omit<WorkerOptions, 'db' | 'logger' | 'now'>>;
    /** Serve a console from this directory, as `emivoy serve` does. */
    consoleDir?: string;
  } = {},
): Promise<TestServer> {
  const database = await createTestDatabase(dialect);
  const config = loadConfig({
    EMIVOY_DATA_DIR: database.dataDir,
    EMIVOY_RATE_LIMIT: '0',
    // The discard port on this machine: no test may reach the real SendGrid by accident.
    EMIVOY_SENDGRID_API_URL: 'http://127.0.0.1:9',
    ...options.env,
  });
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const masterKey = loadMasterKey(undefined, database.dataDir);
  // The real delivery path: each account's provider settings decide where mail goes.
  const routes = createRouteFor({ db: database.handle.db, config, masterKey, logger });
  const worker = new Worker({
    db: database.handle.db,
    logger,
    routeFor: routes.routeFor,
    ...(options.now ? { now: options.now } : {}),
    ...options.worker,
  });
  const app = await buildApp({
    config,
    database: database.handle,
    logger,
    masterKey,
    wakeWorker: (dueRunIds) => worker.wake(dueRunIds),
    ...(options.now ? { now: options.now } : {}),
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
  });
  await app.ready();

  const createTestAccount = async (name = 'Test account'): Promise<TestAccount> => {
    const { db } = database.handle;
    const account = await createAccount(db, name);
    const live = await createApiKey(db, account.id, { name: 'live', mode: 'live' });
    const test = await createApiKey(db, account.id, { name: 'test', mode: 'test' });
    return { accountId: account.id, key: live.secret, testKey: test.secret };
  };
  const account = await createTestAccount();

  return {
    app,
    database,
    config,
    worker,
    masterKey,
    account,
    createTestAccount,
    request: async (method, url, requestOptions = {}) => {
      const key = requestOptions.key === undefined ? account.key : requestOptions.key;
      const headers: Record<string, string> = { ...requestOptions.headers };
      if (key) headers.authorization = `Bearer ${key}`;
      const payload =
        requestOptions.raw ??
        (requestOptions.body === undefined ? undefined : JSON.stringify(requestOptions.body));
      if (payload !== undefined && !headers['content-type'])
        headers['content-type'] = 'application/json';

      const response = await app.inject({
        method,
        url,
        headers,
        ...(payload !== undefined ? { payload } : {}),
      });
      const type = String(response.headers['content-type'] ?? '');
      const body =
        type.includes('json') && response.body ? JSON.parse(response.body) : response.body;
      return { status: response.statusCode, headers: response.headers, body };
    },
    close: async () => {
      await worker.stop();
      await routes.close();
      await app.close();
      await database.drop();
    },
  };
}
