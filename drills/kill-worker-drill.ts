import {
  type EmivoyProcess,
  lastLogs,
  sleep,
} from '../packages/server/test/harness/emivoy-processes.js';
import {
  apiClient,
  createScenario,
  fireEvents,
} from '../packages/server/test/harness/event-load.js';
import type { Drill, DrillOutcome } from './lib/drill.js';
import { openRig } from './lib/emivoy-rig.js';
import { engineVerdict, waitUntilQuiet } from './lib/engine-verdict.js';
import { killHoldingLeases } from './lib/kill-holding-leases.js';

const clients = 8;

/**
 * On PostgreSQL, `serve --no-worker` beside three `emivoy worker` processes: one worker is
 * killed with SIGKILL under load (and replaced, in the full run, before the next kill). The
 * API does not notice; the survivors take over its claims once their lease expires.
 */
export const killWorkerDrill: Drill = {
  name: 'kill-worker',
  databases: ['postgres'],
  run: async (ctx, dialect): Promise<DrillOutcome> => {
    const timing = ctx.short
      ? { kills: 1, loadMs: 2_000, afterMs: 1_500 }
      : { kills: 3, loadMs: 10_000, afterMs: 10_000 };
    const rig = await openRig(
      dialect,
      { postgresServer: ctx.postgresUrl },
      {
        accountName: 'Kill worker drill',
      },
    );
    const { db } = rig.database.handle;
    const failures: string[] = [];
    try {
      const server = await rig.processes.serve('serve --no-worker', ['serve', '--no-worker']);
      const workers: EmivoyProcess[] = await Promise.all(
        [1, 2, 3].map((n) => rig.processes.worker(`worker ${n}`)),
      );
      const api = apiClient(() => server.url, rig.account.key);
      await createScenario(api, {
        eventType: 'fleet.tick',
        entityId: 'fleet_1',
        roles: ['billing_contact'],
        waitDuration: '1s',
      });

      let firing = true;
      const load = fireEvents({
        api,
        clients,
        running: () => firing,
        event: (n) => ({ event_type: 'fleet.tick', entity_id: 'fleet_1', data: { n } }),
      });
      const orphans = { runs: 0, messages: 0 };
      for (let kill = 1; kill <= timing.kills; kill++) {
        await sleep(timing.loadMs);
        // The middle one of the three newest: never the same process twice.
        const victim = workers.splice(workers.length - 2, 1)[0] as EmivoyProcess;
        const orphaned = await killHoldingLeases(victim, db);
        orphans.runs += orphaned.runIds.length;
        orphans.messages += orphaned.messageIds.length;
        ctx.progress(
          `kill -9 #${kill} of ${victim.name}: it held ${orphaned.runIds.length} runs and ` +
            `${orphaned.messageIds.length} messages`,
        );
        if (kill < timing.kills) workers.push(await rig.processes.worker(`worker ${kill + 3}`));
      }
      await sleep(timing.afterMs);
      firing = false;
      const fired = await load;
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
      // The API runs no worker: killing one must not cost a single request.
      if (fired.connectionErrors > 0 || Object.keys(fired.otherAnswers).length > 0) {
        failures.push(
          `the API failed requests while a worker died: ${fired.connectionErrors} cut, ` +
            `other answers ${JSON.stringify(fired.otherAnswers)}`,
        );
      }
      for (const running of [server, ...workers]) {
        const code = await running.stop('SIGTERM');
        if (code !== 0) failures.push(`${running.name} exited ${code}: ${lastLogs(running)}`);
      }

      return {
        tried: `${timing.kills} kill -9 of one of 3 workers beside serve --no-worker`,
        accepted: verdict.accepted,
        processed: verdict.processed,
        lost: verdict.lost,
        duplicated: verdict.duplicated,
        failures,
        notes: [
          `${verdict.messages} messages; the killed workers held ${orphans.runs} runs and ` +
            `${orphans.messages} messages leased, taken over after the lease`,
        ],
      };
    } finally {
      await rig.close();
    }
  },
};
