import type { TestDatabase } from '../../packages/server/test/harness/test-database.js';
import { type EmivoyServer, emivoyEnvironment, startEmivoyServer } from './processes.js';
import {
  type ApiClient,
  type BenchAccount,
  benchApi,
  createBenchAccount,
  createBenchDatabase,
  createScenario,
  type Dialect,
  type ScenarioOptions,
} from './scenario.js';

/** An Emivoy server on a database of its own, with an account and a scenario set up. */
export interface EmivoyInstance {
  server: EmivoyServer;
  database: TestDatabase;
  account: BenchAccount;
  api: ApiClient;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startEmivoyInstance(options: {
  name: string;
  dialect: Dialect;
  postgresUrl: string;
  /** `serve` (API and worker, as `npm start`) or `serve --no-worker`. */
  args?: string[];
  env?: Record<string, string>;
  scenario: ScenarioOptions;
  /** Called with the API before the server is used, e.g. to set the provider. */
  prepare?: (api: ApiClient) => Promise<void>;
}): Promise<EmivoyInstance> {
  const database = await createBenchDatabase(options.dialect, options.postgresUrl);
  const env = { ...emivoyEnvironment(database), ...options.env };
  let server: EmivoyServer | null = null;
  try {
    const account = await createBenchAccount(database);
    server = await startEmivoyServer(options.name, env, options.args ?? ['serve']);
    const api = benchApi(server.url, account.liveKey);
    await createScenario(api, options.scenario);
    await options.prepare?.(api);
    return instance(server, database, account, api, env);
  } catch (error) {
    // Leave no server or database behind when the setup fails halfway.
    await server?.stop();
    await database.drop();
    throw error;
  }
}

function instance(
  server: EmivoyServer,
  database: TestDatabase,
  account: BenchAccount,
  api: ApiClient,
  env: Record<string, string>,
): EmivoyInstance {
  return {
    server,
    database,
    account,
    api,
    env,
    close: async () => {
      await server.stop();
      await database.drop();
    },
  };
}
