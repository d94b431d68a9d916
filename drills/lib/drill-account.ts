import { runEmivoy } from '../../packages/server/test/harness/spawn-emivoy.js';

export interface DrillAccount {
  accountId: string;
  /** The live API key. */
  key: string;
}

/** A new account and its live key, made by `emivoy accounts create` as an operator would. */
export async function createDrillAccount(
  env: Record<string, string>,
  name: string,
): Promise<DrillAccount> {
  const { code, stdout, stderr } = await runEmivoy(
    ['accounts', 'create', '--name', name, '--json'],
    env,
  );
  if (code !== 0) throw new Error(`emivoy accounts create failed (${code}): ${stderr}`);
  const created = JSON.parse(stdout);
  return { accountId: created.account.account_id, key: created.api_key.key };
}
