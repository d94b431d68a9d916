import {
  type EmivoyServer,
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
 * `emivoy serve` killed with SIGKILL while 8 clients post events, then started again, one or
 * more times: every event answered 202 is stored and processed, no message is doubled.
 */
export const killServeDrill: Drill = {
  name: 'kill-serve',
  databases: ['sqlite', 'postgres'],
  run: async (ctx, dialect): Promise<DrillOutcome> => {
    const timing = ctx.short
      ? { kills: 1, loadMs: 2_000, afterMs: 1_500 }
      : { kills: 3, loadMs: 10_000, afterMs: 10_000 };
    const rig = await openRig(
      dialect,
      { postgresServer: ctx.postgresUrl },
      {
        accountName: 'Kill serve drill',
      },
    );
    const { db } = rig.database.handle;
    const failures: string[] = [];
    const notes: string[] = [];
    try {
      let server: EmivoyServer = await rig.processes.serve('serve 1');
      const api = apiClient(() => server.url, rig.account.key);
      await createScenario(api, {
        eventType: 'drill.tick',
        entityId: 'drill_1',
        roles: ['billing_contact', 'technical_contact'],
        waitDuration: '2s',
      });

      let firing = true;
      const load = fireEvents({
        api,
        clients,
        running: () => firing,
        event: (n) => ({ event_type: 'drill.tick', entity_id: 'drill_1', data: { n } }),
      });
      const orphans = { runs: 0, messages: 0 };
      for (let kill = 1; kill <= timing.kills; kill++) {
        await sleep(timing.loadMs);
        const orphaned = await killHoldingLeases(server, db);
        orphans.runs += orphaned.runIds.length;
        orphans.messages += orphaned.messageIds.length;
        ctx.progress(
          `kill -9 #${kill} of serve: it held ${orphaned.runIds.length} runs and ` +
            `${orphaned.messageIds.length} messages; starting serve ${kill + 1}`,
        );
        server = await rig.processes.serve(`serve ${kill + 1}`);
      }
      await sleep(timing.afterMs);
      firing = false;
      const fired = await load;
      ctx.progress(`load stopped: ${fired.accepted.length} accepted; waiting for the work`);

      const pending = await waitUntilQuiet(db, rig.account.accountId, 30_000);
      if (pending) failures.push(pending);
      const verdict = await engineVerdict(db, rig.account.accountId, fired, {
        sendSteps: [0, 2],
        recipients: 2,
        waitMs: 2_000,
        messageStatus: 'captured',
      });
      failures.push(...verdict.failures);
      if (Object.keys(fired.otherAnswers).length > 0) {
        failures.push(`answers other than 202: ${JSON.stringify(fired.otherAnswers)}`);
      }
      if (fired.accepted.length < 20) {
        failures.push(`only ${fired.accepted.length} events accepted: too few to prove anything`);
      }
      const code = await server.stop('SIGTERM');
      if (code !== 0)
        failures.push(`the last serve exited ${code} on SIGTERM: ${lastLogs(server)}`);
      notes.push(
        `${fired.connectionErrors} requests cut or refused by the kills (not acknowledged); ` +
          `${verdict.unacknowledged} events stored whose 202 never reached the client; ` +
          `${verdict.messages} messages; the killed processes held ${orphans.runs} runs and ` +
          `${orphans.messages} messages leased, taken over after the lease`,
      );

      return {
        tried: `${timing.kills} kill -9 of serve under ${clients} clients, restarted each time`,
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
  },
};
