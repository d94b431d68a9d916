import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type RunningEmivoy,
  runEmivoy,
  startEmivoy,
} from '../../../server/test/harness/spawn-emivoy.js';
import { Emivoy, type EmivoyOptions } from '../../src/index.js';

/** A real `emivoy serve` on a fresh SQLite data directory, with one account and its key. */
export interface ClientServer {
  url: string;
  /** The live key `emivoy accounts create` printed. */
  apiKey: string;
  accountId: string;
  env: Record<string, string>;
  process: RunningEmivoy;
  /** A client of this server with the account's key; `options` override the defaults. */
  client(options?: Partial<EmivoyOptions>): Emivoy;
  stop(): Promise<void>;
}

export async function startClientServer(env: Record<string, string> = {}): Promise<ClientServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'emivoy-client-'));
  // DATABASE_URL empty: SQLite in the data directory, whatever the environment says.
  const fullEnv = { EMIVOY_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn', ...env };
  const running = await startEmivoy(fullEnv);

  const created = await runEmivoy(['accounts', 'create', '--name', 'T', '--json'], fullEnv);
  if (created.code !== 0) {
    await running.stop('SIGKILL');
    throw new Error(`emivoy accounts create failed: ${created.stderr}`);
  }
  const { account, api_key: apiKey } = JSON.parse(created.stdout);

  return {
    url: running.url,
    apiKey: apiKey.key,
    accountId: account.account_id,
    env: fullEnv,
    process: running,
    client: (options = {}) => new Emivoy({ apiKey: apiKey.key, baseUrl: running.url, ...options }),
    stop: async () => {
      await running.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` every 50 ms until it returns a value other than undefined. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
