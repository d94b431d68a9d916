import type { Kysely } from 'kysely';
import { Pool } from 'undici';
import type { Database } from '../../packages/server/src/store/database.js';
import {
  type RecordedRequest,
  startFakeSendgrid,
} from '../../packages/server/test/harness/fake-sendgrid.js';
import { type EmivoyInstance, startEmivoyInstance } from '../lib/emivoy-instance.js';
import { alternate, type Figure, pairedRatios, valueAtMost } from '../lib/figures.js';
import { type FloorServer, startFloorServer } from '../lib/floor-servers.js';
import { mailSendBody } from '../lib/mail-send-body.js';
import { sleep } from '../lib/progress.js';
import { type Dialect, eventBody, useSendgrid } from '../lib/scenario.js';
import { latencyFigures, type Summary, summarize } from '../lib/stats.js';
import type { SuiteContext } from '../lib/suite-context.js';

const suite = 'latency';
const apiKey = 'SG.bench-latency-key';
/** Quiet time between two events, so each finds the worker asleep, as on a quiet server. */
const gapMs = 10;
const targets: Record<Dialect, { p50: number; p99: number }> = {
  sqlite: { p50: 5, p99: 25 },
  postgres: { p50: 10, p99: 50 },
};

/**
 * Event-to-provider latency on a quiet server: one event at a time (policy: one send_email
 * to the entity's one contact), from just before the POST to the moment the stand-in
 * SendGrid has read the whole mail/send request (in this process: one clock), or to the
 * moment the outbox message is seen `captured` in the database (polled every millisecond,
 * so up to ~1 ms late). The floor does the least any design must: the POST to the route +
 * INSERT floor, then one undici call to the same stand-in.
 */
export async function latencySuite(ctx: SuiteContext, dialect: Dialect): Promise<void> {
  const { timing, options } = ctx;
  const fake = await startFakeSendgrid({ apiKey });
  const arrivals = watchArrivals(fake.requests);
  const started: Array<{ close(): Promise<void> }> = [];
  try {
    const floor = await startFloorServer('insert', dialect, options.postgresUrl);
    started.push(floor);
    const emivoy = await startEmivoyInstance({
      name: `emivoy serve (${dialect})`,
      dialect,
      postgresUrl: options.postgresUrl,
      env: { EMIVOY_SENDGRID_API_URL: fake.url },
      scenario: {
        entities: 10,
        steps: (templateId) => [{ type: 'send_email', template_id: templateId }],
      },
      prepare: (api) => useSendgrid(api, apiKey),
    });
    started.push(emivoy);
    const testKey = (await emivoy.api.create('/api-keys', { name: 'bench', mode: 'test' }))
      .key as string;
    const pool = new Pool(fake.url, { connections: 1 });
    started.push({ close: () => pool.close() });

    let sequence = 1_000_000;
    const series = (run: (n: number) => Promise<number>) => async () => {
      const latencies: number[] = [];
      for (let index = 0; index < timing.latencySamples; index++) {
        latencies.push(await run(sequence++));
        await sleep(gapMs);
      }
      return latencies;
    };
    const samples = await alternate<number[]>(timing.repetitions, [
      {
        name: 'floor: INSERT + undici call',
        run: series((n) => floorOnce(floor, pool, arrivals, n)),
      },
      {
        name: 'Emivoy to SendGrid',
        run: series((n) => toSendgridOnce(emivoy, emivoy.account.liveKey, arrivals, n)),
      },
      {
        name: 'Emivoy to outbox',
        run: series((n) => toOutboxOnce(emivoy, testKey, emivoy.database.handle.db, n)),
      },
    ]);

    const percentile = (name: string, key: 'p50' | 'p99'): Summary =>
      summarize((samples.get(name) ?? []).map((latencies) => latencyFigures(latencies)[key]));
    for (const subject of ['Emivoy to SendGrid', 'Emivoy to outbox']) {
      for (const key of ['p50', 'p99'] as const) {
        const value = percentile(subject, key);
        const floorValue = percentile('floor: INSERT + undici call', key);
        const figure: Figure = {
          suite,
          database: dialect,
          name: `Event to ${subject === 'Emivoy to SendGrid' ? 'stand-in SendGrid' : 'outbox'} ${key} (quiet)`,
          unit: 'ms',
          subject: value,
          floorName: 'INSERT + undici call',
          floor: floorValue,
          ratio: pairedRatios(value.samples, floorValue.samples),
          target: valueAtMost(value, targets[dialect][key], 'ms'),
        };
        ctx.figures.push(figure);
      }
    }
  } finally {
    for (const item of started.reverse()) await item.close();
    await fake.close();
  }
}

/** Resolves when a mail/send whose subject ends with `(#n)` arrives at the stand-in. */
type ArrivalWatch = (n: number) => Promise<number>;

function watchArrivals(requests: RecordedRequest[]): ArrivalWatch {
  const waiting = new Map<string, (at: number) => void>();
  // The stand-in records each request once its body is read: that is the arrival.
  requests.push = (...items: RecordedRequest[]) => {
    const at = performance.now();
    for (const item of items) {
      const subject = (item.body as { subject?: string } | undefined)?.subject ?? '';
      const tag = /\(#(\d+)\)$/.exec(subject)?.[1];
      if (tag) waiting.get(tag)?.(at);
    }
    return 0;
  };
  return (n) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(String(n));
        reject(new Error(`event ${n} never reached the stand-in SendGrid`));
      }, 30_000);
      waiting.set(String(n), (at) => {
        clearTimeout(timer);
        waiting.delete(String(n));
        resolve(at);
      });
    });
}

async function post(url: string, key: string | null, n: number): Promise<any> {
  const response = await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: eventBody(n, 10),
  });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`POST /events answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

async function floorOnce(
  floor: FloorServer,
  pool: Pool,
  arrivals: ArrivalWatch,
  n: number,
): Promise<number> {
  const start = performance.now();
  const arrived = arrivals(n);
  await post(floor.url, null, n);
  const response = await pool.request({
    method: 'POST',
    path: '/v3/mail/send',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(mailSendBody(n)),
  });
  await response.body.dump();
  return (await arrived) - start;
}

async function toSendgridOnce(
  emivoy: EmivoyInstance,
  key: string,
  arrivals: ArrivalWatch,
  n: number,
): Promise<number> {
  const start = performance.now();
  const arrived = arrivals(n);
  await post(emivoy.server.url, key, n);
  return (await arrived) - start;
}

async function toOutboxOnce(
  emivoy: EmivoyInstance,
  key: string,
  db: Kysely<Database>,
  n: number,
): Promise<number> {
  const start = performance.now();
  const answer = await post(emivoy.server.url, key, n);
  const runId = answer.runs_started[0]?.run_id as string;
  const deadline = start + 30_000;
  while (performance.now() < deadline) {
    const message = await db
      .selectFrom('messages')
      .select('status')
      .where('run_id', '=', runId)
      .executeTakeFirst();
    if (message?.status === 'captured') return performance.now() - start;
    await sleep(1);
  }
  throw new Error(`the message of run ${runId} was never captured`);
}
