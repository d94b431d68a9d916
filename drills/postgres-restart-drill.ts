import { type Kysely, sql } from 'kysely';
import type { Database } from '../packages/server/src/store/database.js';
import { lastLogs, sleep } from '../packages/server/test/harness/emivoy-processes.js';
import {
  type AcceptedEvent,
  apiClient,
  createScenario,
  fireEvents,
} from '../packages/server/test/harness/event-load.js';
import { registerCleanup } from './lib/cleanup.js';
import { type Drill, type DrillOutcome, skippedOutcome } from './lib/drill.js';
import { openRig } from './lib/emivoy-rig.js';
import { engineVerdict, waitUntilQuiet } from './lib/engine-verdict.js';
import { postUntilAccepted } from './lib/post-until-accepted.js';
import { privateClusterUnavailable, startPrivateCluster } from './lib/private-postgres.js';

const clients = 4;
/** How long after a restart the API may take to answer 202 again. */
const recoveryLimitMs = 15_000;

/**
 * PostgreSQL restarted (`pg_ctl restart -m fast`) and crashed (`-m immediate`) under load,
 * on a private cluster so that nothing else sees it. `emivoy serve` and an `emivoy worker`
 * must live through it: the API answers 202 again within seconds, every event it accepted
 * is processed, nothing is doubled, and both workers listen for work again.
 */
export const postgresRestartDrill: Drill = {
  name: 'postgres-restart',
  databases: ['postgres'],
  run: async (ctx, dialect): Promise<DrillOutcome> => {
    const modes: Array<'fast' | 'immediate'> = ctx.short
      ? ['fast', 'immediate']
      : ['fast', 'immediate', 'fast', 'immediate'];
    const loadMs = ctx.short ? 1_500 : 10_000;
    const tried = `pg_ctl restart -m ${modes.join(', -m ')} under ${clients} clients`;
    const unavailable = privateClusterUnavailable();
    if (unavailable) return skippedOutcome(tried, unavailable);

    ctx.progress('starting a private PostgreSQL cluster');
    const cluster = await startPrivateCluster();
    const removeCluster = registerCleanup(() => cluster.remove());
    const failures: string[] = [];
    const notes: string[] = [];
    try {
      const rig = await openRig(
        dialect,
        { databaseUrl: cluster.url },
        {
          accountName: 'PostgreSQL restart drill',
        },
      );
      const { db } = rig.database.handle;
      try {
        const server = await rig.processes.serve('serve');
        const worker = await rig.processes.worker('worker');
        const api = apiClient(() => server.url, rig.account.key);
        await createScenario(api, {
          eventType: 'restart.tick',
          entityId: 'restart_1',
          roles: ['billing_contact'],
          waitDuration: '1s',
        });
        const event = (n: number | string) => ({
          event_type: 'restart.tick',
          entity_id: 'restart_1',
          data: { n },
        });

        let firing = true;
        const load = fireEvents({ api, clients, running: () => firing, event });
        const probes: AcceptedEvent[] = [];
        for (const mode of modes) {
          await sleep(loadMs);
          const restartAt = Date.now();
          await cluster.restart(mode);
          const restartMs = Date.now() - restartAt;
          const probe = await postUntilAccepted(api, () => event('probe'), recoveryLimitMs);
          if (probe.accepted) probes.push(probe.accepted);
          ctx.progress(
            `pg_ctl restart -m ${mode} took ${restartMs} ms; the API answered 202 again ` +
              `${probe.ms} ms later (before that: ${JSON.stringify(probe.refusals)})`,
          );
          if (!probe.accepted) {
            failures.push(
              `no 202 within ${recoveryLimitMs / 1000} s after pg_ctl restart -m ${mode}: ` +
                `${JSON.stringify(probe.refusals)}`,
            );
          }
          for (const running of [server, worker]) {
            if (!running.alive()) {
              failures.push(`${running.name} died in the -m ${mode} restart: ${lastLogs(running)}`);
            }
          }
          if (failures.length > 0) break;
        }
        await sleep(loadMs);
        firing = false;
        const fired = await load;
        fired.accepted.push(...probes);
        ctx.progress(`load stopped: ${fired.accepted.length} accepted; waiting for the work`);

        const pending = await waitUntilQuiet(db, rig.account.accountId, 30_000);
        if (pending) failures.push(pending);
        const verdict = await engineVerdict(db, rig.account.accountId, fired, {
          sendSteps: [0, 2],
          recipients: 1,
          waitMs: 1_000,
          messageStatus: 'captured',
        });
        failures.push(...verdict.failures);

        // An error while the database is away must say so (503), not look like a bug (500).
        const refused = Object.entries(fired.otherAnswers);
        const unclear = refused.filter(([status]) => status !== '503');
        if (unclear.length > 0) {
          failures.push(
            `answers other than 202 and 503 while the database restarted: ` +
              `${JSON.stringify(Object.fromEntries(unclear))}`,
          );
        }
        const listening = await listeners(db);
        if (listening < 2) {
          failures.push(`${listening} of 2 workers LISTEN for work after the restarts`);
        }
        for (const running of [server, worker].filter((p) => p.alive())) {
          const code = await running.stop('SIGTERM');
          if (code !== 0) failures.push(`${running.name} exited ${code}: ${lastLogs(running)}`);
        }
        notes.push(
          `during the restarts ${JSON.stringify(fired.otherAnswers)} answers and ` +
            `${fired.connectionErrors} cut requests (not acknowledged); ` +
            `${verdict.unacknowledged} events stored whose 202 never arrived; ` +
            `${listening} workers listening again afterwards`,
        );
        return {
          tried,
          accepted: verdict.accepted,
          processed: verdict.processed,
          lost: verdict.lost,
          duplicated: verdict.duplicated,
          failures,
          notes,
        };
      } finally {
        await rig.close();
      }
    } finally {
      await removeCluster();
    }
  },
};

/** Connections whose last statement was LISTEN: the workers' wake listeners. */
async function listeners(db: Kysely<Database>): Promise<number> {
  const result = await sql<{ count: number }>`
    select count(*)::int as count from pg_stat_activity
    where datname = current_database() and query ilike 'listen %'`.execute(db);
  return result.rows[0]?.count ?? 0;
}
