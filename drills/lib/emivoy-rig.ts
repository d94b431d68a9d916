import type { Dialect } from '../../packages/server/src/store/open-database.js';
import { EmivoyProcesses } from '../../packages/server/test/harness/emivoy-processes.js';
import { registerCleanup } from './cleanup.js';
import { createDrillAccount, type DrillAccount } from './drill-account.js';
import { createDrillDatabase, type DrillDatabase } from './drill-database.js';

/** A fresh database, an account on it, and the emivoy processes a drill starts. */
export interface Rig {
  database: DrillDatabase;
  processes: EmivoyProcesses;
  account: DrillAccount;
  /** Ends what still runs (SIGKILL), drops the database; returns the processes it ended. */
  close(): Promise<string[]>;
}

export async function openRig(
  dialect: Dialect,
  where: Parameters<typeof createDrillDatabase>[1],
  options: { accountName: string; env?: Record<string, string> },
): Promise<Rig> {
  const database = await createDrillDatabase(dialect, where);
  const env = { ...database.env, ...options.env };
  const processes = new EmivoyProcesses(env);
  let leftRunning: string[] = [];
  const close = registerCleanup(async () => {
    leftRunning = await processes.killAll();
    await database.drop();
  });
  try {
    const account = await createDrillAccount(env, options.accountName);
    return {
      database,
      processes,
      account,
      close: async () => {
        await close();
        return leftRunning;
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
