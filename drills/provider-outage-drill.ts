import type { Kysely } from 'kysely';
import type { Database } from '../packages/server/src/store/database.js';
import { lastLogs, sleep } from '../packages/server/test/harness/emivoy-processes.js';
import { apiClient, createScenario } from '../packages/server/test/harness/event-load.js';
import {
  type FakeSendgrid,
  type RecordedRequest,
  sendgridAnswers,
  startFakeSendgrid,
} from '../packages/server/test/harness/fake-sendgrid.js';
import { registerCleanup } from './lib/cleanup.js';
import { type Drill, type DrillOutcome, someIds } from './lib/drill.js';
import { openRig } from './lib/emivoy-rig.js';
import { engineVerdict, waitUntilQuiet } from './lib/engine-verdict.js';
import { paceEvents } from './lib/paced-events.js';

const apiKey = 'SG.drill-outage-key';
const eventsPerSecond = 20;

/**
 * SendGrid down, then back: the stand-in first refuses connections, then answers 503, then
 * 202 again, while events keep coming. Every message reaches it once after it is back:
 * counted at the stand-in by the message id each mail/send body carries in custom_args.
 */
export const providerOutageDrill: Drill = {
  name: 'provider-outage',
  databases: ['sqlite', 'postgres'],
  run: async (ctx, dialect): Promise<DrillOutcome> => {
    const timing = ctx.short
      ? { beforeMs: 2_000, refusedMs: 3_000, unavailableMs: 3_000, afterMs: 2_000 }
      : { beforeMs: 10_000, refusedMs: 30_000, unavailableMs: 30_000, afterMs: 10_000 };
    // Retries back off exponentially: after a minute down, the next try may be a minute away.
    const stallMs = ctx.short ? 30_000 : 120_000;
    const downSeconds = (timing.refusedMs + timing.unavailableMs) / 1000;

    const standIns: FakeSendgrid[] = [await startFakeSendgrid({ apiKey })];
    const first = standIns[0] as FakeSendgrid;
    const closeStandIns = registerCleanup(() => Promise.all(standIns.map((s) => s.close())));
    const rig = await openRig(
      dialect,
      { postgresServer: ctx.postgresUrl },
      {
        accountName: 'Provider outage drill',
        env: { EMIVOY_SENDGRID_API_URL: first.url },
      },
    );
    const { db } = rig.database.handle;
    const failures: string[] = [];
    try {
      const server = await rig.processes.serve('serve');
      const api = apiClient(() => server.url, rig.account.key);
      await useSendgrid(server.url, rig.account.key);
      await createScenario(api, {
        eventType: 'outage.tick',
        entityId: 'outage_1',
        roles: ['billing_contact', 'technical_contact'],
        waitDuration: '1s',
      });

      let firing = true;
      const load = paceEvents({
        api,
        perSecond: eventsPerSecond,
        running: () => firing,
        event: (n) => ({ event_type: 'outage.tick', entity_id: 'outage_1', data: { n } }),
      });
      await sleep(timing.beforeMs);
      ctx.progress(`SendGrid down for ${downSeconds} s: first refusing connections`);
      await first.close();
      await sleep(timing.refusedMs);
      const second = await startFakeSendgrid({ apiKey, port: Number(new URL(first.url).port) });
      standIns.push(second);
      second.setDefault(sendgridAnswers.unavailable(503));
      ctx.progress('SendGrid answers 503');
      await sleep(timing.unavailableMs);
      second.setDefault(sendgridAnswers.accepted());
      ctx.progress('SendGrid back (202)');
      await sleep(timing.afterMs);
      firing = false;
      const fired = await load;
      ctx.progress(`load stopped: ${fired.accepted.length} accepted; waiting for delivery`);

      const pending = await waitUntilQuiet(db, rig.account.accountId, stallMs);
      if (pending) failures.push(pending);
      const verdict = await engineVerdict(db, rig.account.accountId, fired, {
        sendSteps: [0, 2],
        recipients: 2,
        waitMs: 1_000,
        messageStatus: 'sent',
      });
      failures.push(...verdict.failures);
      if (Object.keys(fired.otherAnswers).length > 0 || fired.connectionErrors > 0) {
        failures.push(
          'the API refused events while SendGrid was down: ' +
            `${JSON.stringify(fired.otherAnswers)}, ` +
            `${fired.connectionErrors} cut`,
        );
      }

      const requests = standIns.flatMap((standIn) => standIn.requests);
      const atProvider = providerCounts(requests);
      const stored = await messagesOf(db, rig.account.accountId);
      const neverDelivered = stored.filter((m) => !atProvider.accepted.has(m.id)).map((m) => m.id);
      const twice = [...atProvider.accepted].filter(([, n]) => n > 1).map(([id]) => id);
      if (neverDelivered.length > 0) {
        failures.push(
          `${neverDelivered.length} messages never accepted by SendGrid: ` +
            `${someIds(neverDelivered)}; ${await describeMessages(db, neverDelivered.slice(0, 2))}`,
        );
      }
      if (twice.length > 0) {
        failures.push(`${twice.length} messages accepted by SendGrid twice: ${someIds(twice)}`);
      }
      if (atProvider.invalid > 0) {
        failures.push(`${atProvider.invalid} mail/send bodies SendGrid would refuse as invalid`);
      }
      const code = await server.stop('SIGTERM');
      if (code !== 0) failures.push(`serve exited ${code}: ${lastLogs(server)}`);

      const retried = stored.filter((m) => m.attempts > 1).length;
      return {
        tried: `SendGrid refusing connections, then 503, for ${downSeconds} s; then back`,
        accepted: verdict.accepted,
        processed: verdict.processed,
        lost: verdict.lost + neverDelivered.length,
        duplicated: verdict.duplicated + twice.length,
        failures,
        notes: [
          `${stored.length} messages, ${atProvider.accepted.size} accepted by SendGrid in ` +
            `${atProvider.requestsAccepted} requests (${retried} after retries); it answered ` +
            `${atProvider.unavailable} requests with 503 and ${atProvider.other} otherwise`,
        ],
      };
    } finally {
      await rig.close();
      await closeStandIns();
    }
  },
};

/**
 * Per message id, how many mail/send requests SendGrid answered 202; and the rest. One
 * request may carry a batch: a personalization per message, each with its id.
 */
function providerCounts(requests: RecordedRequest[]) {
  const accepted = new Map<string, number>();
  let unavailable = 0;
  let other = 0;
  let invalid = 0;
  let requestsAccepted = 0;
  for (const request of requests) {
    if (request.path !== '/v3/mail/send') continue;
    if (request.invalid.length > 0) invalid++;
    if (request.outcome === 503) unavailable++;
    if (request.outcome !== 202) {
      if (request.outcome !== 503) other++;
      continue;
    }
    requestsAccepted++;
    for (const id of messageIdsIn(request.body)) accepted.set(id, (accepted.get(id) ?? 0) + 1);
  }
  return { accepted, requestsAccepted, unavailable, other, invalid };
}

function messageIdsIn(body: unknown): string[] {
  const personalizations = (body as { personalizations?: unknown[] }).personalizations ?? [];
  return personalizations.map(
    (p) =>
      (p as { custom_args?: Record<string, string> }).custom_args?.emivoy_message_id ?? '(no id)',
  );
}

function messagesOf(db: Kysely<Database>, accountId: string) {
  return db
    .selectFrom('messages')
    .select(['id', 'attempts'])
    .where('account_id', '=', accountId)
    .execute();
}

/** What the database says of these messages, and their history: for a failure sentence. */
async function describeMessages(db: Kysely<Database>, ids: string[]): Promise<string> {
  const described: string[] = [];
  for (const id of ids) {
    const message = await db
      .selectFrom('messages')
      .select(['status', 'attempts', 'provider_message_id', 'last_error'])
      .where('id', '=', id)
      .executeTakeFirst();
    const history = await db
      .selectFrom('message_status_history')
      .select(['status', 'detail'])
      .where('message_id', '=', id)
      .orderBy('at')
      .execute();
    described.push(`${id} is ${JSON.stringify(message)}, history ${JSON.stringify(history)}`);
  }
  return described.join('; ');
}

/** Points the account at the stand-in, as a customer would with their own SendGrid key. */
async function useSendgrid(url: string, key: string): Promise<void> {
  const response = await fetch(`${url}/api/v1/settings/email-provider`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      provider: 'sendgrid',
      api_key: apiKey,
      from_email: 'drills@emivoy.test',
    }),
  });
  if (response.status !== 200) {
    throw new Error(
      `PUT /settings/email-provider answered ${response.status}: ${await response.text()}`,
    );
  }
}
