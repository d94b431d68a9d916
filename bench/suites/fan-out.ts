import { type EmivoyInstance, startEmivoyInstance } from '../lib/emivoy-instance.js';
import { alternate, pairedRatios, ratioAtLeast } from '../lib/figures.js';
import { progress, sleep, wallClockMs } from '../lib/progress.js';
import {
  type Dialect,
  eventBody,
  eventType,
  inParallel,
  role,
  useSendgrid,
} from '../lib/scenario.js';
import {
  type SendgridStandIn,
  standInApiKey,
  startSendgridStandIn,
} from '../lib/sendgrid-stand-in.js';
import { summarize } from '../lib/stats.js';
import type { SuiteContext } from '../lib/suite-context.js';

const suite = 'fan-out';
/** The figure: one event to this many contacts against as many single events. */
const contacts = 1_000;
const bigEntity = 'fan-out-entity';
/** How many of the single events are in flight at once. */
const postConcurrency = 16;

/**
 * One event to 1,000 contacts against 1,000 events to one contact each, on a quiet
 * `emivoy serve` sending to the stand-in SendGrid (its own process): each from the first POST
 * to the arrival of the 1,000th mail at the stand-in (one arrival per personalization, so a
 * batched request counts for each recipient it carries). The singles are the floor: the
 * ratio is singles time ÷ fan-out time.
 */
export async function fanOutSuite(ctx: SuiteContext, dialect: Dialect): Promise<void> {
  const { timing, options } = ctx;
  const standIn = await startSendgridStandIn();
  let emivoy: EmivoyInstance | null = null;
  try {
    emivoy = await startEmivoyInstance({
      name: `emivoy serve (${dialect})`,
      dialect,
      postgresUrl: options.postgresUrl,
      env: { EMIVOY_SENDGRID_API_URL: standIn.url },
      scenario: {
        entities: contacts,
        steps: (templateId) => [{ type: 'send_email', template_id: templateId }],
      },
      prepare: (api) => useSendgrid(api, standInApiKey),
    });
    const instance = emivoy;
    await instance.api.create('/entities', {
      external_id: bigEntity,
      entity_type: 'account',
      name: 'A customer with many billing contacts',
    });
    const indexes = Array.from({ length: contacts }, (_, index) => index);
    await inParallel(indexes, 8, (index) =>
      instance.api.create('/contacts', {
        entity_id: bigEntity,
        role,
        email: `billing-${index}@many.example`,
        name: `Contact ${index}`,
      }),
    );
    progress(`fan-out (${dialect}): 1 event to ${contacts} contacts vs ${contacts} events`);

    let sequence = 2_000_000;
    const samples = await alternate<number>(timing.repetitions, [
      {
        name: 'single events',
        run: async () => {
          const first = sequence;
          sequence += contacts;
          return timeUntilArrived(standIn, contacts, () =>
            inParallel(indexes, postConcurrency, (index) =>
              post(instance, eventBody(first + index, contacts)),
            ),
          );
        },
      },
      {
        name: 'one event',
        run: () =>
          timeUntilArrived(standIn, contacts, () =>
            post(
              instance,
              JSON.stringify({
                event_type: eventType,
                entity_id: bigEntity,
                data: { invoice_id: `INV-${sequence++}`, amount: 1200, days_overdue: 7, n: 0 },
              }),
            ),
          ),
      },
    ]);
    const singles = samples.get('single events') ?? [];
    const fanOut = samples.get('one event') ?? [];
    const ratio = pairedRatios(singles, fanOut);
    ctx.figures.push({
      suite,
      database: dialect,
      name: `One event to ${contacts} contacts, delivered (speed-up)`,
      unit: 'ms',
      subject: summarize(fanOut),
      floorName: `${contacts} single events, ${postConcurrency} in flight`,
      floor: summarize(singles),
      ratio,
      target: ratioAtLeast(ratio, 20),
      note: 'ratio: time of the single events ÷ time of the one event',
    });
  } finally {
    await emivoy?.close();
    await standIn.stop();
  }
}

async function post(emivoy: EmivoyInstance, body: string): Promise<void> {
  const response = await fetch(`${emivoy.server.url}/api/v1/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${emivoy.account.liveKey}`,
    },
    body,
  });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`POST /events answered ${response.status}: ${text}`);
}

/** Milliseconds from calling `send` to the arrival of the `count`th mail at the stand-in. */
async function timeUntilArrived(
  standIn: SendgridStandIn,
  count: number,
  send: () => Promise<unknown>,
): Promise<number> {
  await standIn.report();
  const start = wallClockMs();
  await send();
  const arrivals: number[] = [];
  const deadline = performance.now() + 120_000;
  while (arrivals.length < count) {
    if (performance.now() > deadline) {
      throw new Error(`only ${arrivals.length} of ${count} mails reached the stand-in`);
    }
    await sleep(10);
    arrivals.push(...(await standIn.report()).arrivals);
  }
  return Math.max(...arrivals.slice(0, count)) - start;
}
