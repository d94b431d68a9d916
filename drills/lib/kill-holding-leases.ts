import type { Kysely } from 'kysely';
import type { Database } from '../../packages/server/src/store/database.js';
import type { EmivoyProcess } from '../../packages/server/test/harness/emivoy-processes.js';
import { leasesHeldBy } from '../../packages/server/test/harness/engine-audit.js';
import { sleep } from './progress.js';

/**
 * SIGKILLs a process that runs a worker, at a moment it holds leases if one comes within two
 * seconds, and returns what it left leased: work that only lease expiry frees.
 */
export async function killHoldingLeases(
  victim: EmivoyProcess,
  db: Kysely<Database>,
): Promise<{ runIds: string[]; messageIds: string[] }> {
  const owner = victim.owner();
  if (!owner) throw new Error(`${victim.name} runs no worker`);
  const deadline = Date.now() + 2_000;
  while (Date.now() < deadline) {
    const held = await leasesHeldBy(db, owner);
    if (held.runIds.length + held.messageIds.length > 0) break;
    await sleep(5);
  }
  await victim.stop('SIGKILL');
  return leasesHeldBy(db, owner);
}
