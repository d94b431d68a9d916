import { sql } from 'kysely';
import { type EmivoyInstance, startEmivoyInstance } from '../lib/emivoy-instance.js';
import { alternate, type Figure, pairedRatios, ratioAtLeast, ratioAtMost } from '../lib/figures.js';
import { type FloorServer, startFloorServer } from '../lib/floor-servers.js';
import {
  measureOpenLoop,
  measureThroughput,
  type OpenLoopResult,
  type RequestPlan,
  type ThroughputResult,
} from '../lib/http-load.js';
import { progress } from '../lib/progress.js';
import { type Dialect, eventBody } from '../lib/scenario.js';
import { latencyFigures, median, summarize } from '../lib/stats.js';
import type { SuiteContext } from '../lib/suite-context.js';

const suite = 'ingest';

/**
 * POST /api/v1/events through the real app against the bare route and the bare route plus
 * one INSERT: closed-loop throughput, then open-loop latency at half the INSERT floor's
 * maximum rate. The subject runs `serve --no-worker` (the API alone), so that the worker's
 * own commits do not count against ingest; a second subject runs `serve` as `npm start` does.
 */
export async function ingestSuite(ctx: SuiteContext, dialect: Dialect): Promise<void> {
  const { timing, options } = ctx;
  const steps = (templateId: string) => [{ type: 'send_email', template_id: templateId }];
  const started: Array<{ close(): Promise<void> }> = [];
  try {
    progress(`ingest (${dialect}): starting floors and servers`);
    const bare = await startFloorServer('bare', dialect, options.postgresUrl);
    started.push(bare);
    const insert = await startFloorServer('insert', dialect, options.postgresUrl);
    started.push(insert);
    const grouped =
      dialect === 'sqlite'
        ? await startFloorServer('group-commit', dialect, options.postgresUrl)
        : null;
    if (grouped) started.push(grouped);
    const api = await startEmivoyInstance({
      name: `emivoy API (${dialect})`,
      dialect,
      postgresUrl: options.postgresUrl,
      args: ['serve', '--no-worker'],
      scenario: { entities: timing.entities, steps },
    });
    started.push(api);
    const full = await startEmivoyInstance({
      name: `emivoy serve (${dialect})`,
      dialect,
      postgresUrl: options.postgresUrl,
      scenario: { entities: timing.entities, steps },
    });
    started.push(full);

    const throughput = await alternate<ThroughputResult>(timing.repetitions, [
      { name: 'bare route', run: () => closedLoop(ctx, floorPlan(bare, timing.entities), bare) },
      {
        name: 'route + INSERT',
        run: () => closedLoop(ctx, floorPlan(insert, timing.entities), insert),
      },
      {
        name: 'Emivoy API',
        run: () => closedLoop(ctx, emivoyPlan(api, timing.entities), api.server),
      },
      {
        name: 'Emivoy serve',
        run: () => closedLoop(ctx, emivoyPlan(full, timing.entities), full.server),
      },
      ...(grouped
        ? [
            {
              name: 'route + INSERT, group commit',
              run: () => closedLoop(ctx, floorPlan(grouped, timing.entities), grouped),
            },
          ]
        : []),
    ]);
    const rates = (name: string) => (throughput.get(name) ?? []).map((result) => result.rate);
    reportFailures(ctx, dialect, throughput);

    const insertRates = rates('route + INSERT');
    const throughputFigure = (
      name: string,
      subject: string,
      floorName: string,
      target: number | null,
      note?: string,
    ): Figure => {
      const ratio = pairedRatios(rates(subject), rates(floorName));
      return {
        suite,
        database: dialect,
        name,
        unit: 'events/s',
        subject: summarize(rates(subject)),
        floorName,
        floor: summarize(rates(floorName)),
        ratio,
        target: target === null ? null : ratioAtLeast(ratio, target),
        ...(note ? { note } : {}),
      };
    };
    ctx.figures.push(
      throughputFigure('Ingest throughput (API alone)', 'Emivoy API', 'route + INSERT', 0.6),
      throughputFigure(
        'Ingest throughput (npm start: API + worker)',
        'Emivoy serve',
        'route + INSERT',
        null,
        'the worker advances each run and captures its message in the same process',
      ),
      throughputFigure('route + INSERT vs bare route', 'route + INSERT', 'bare route', null),
    );
    const cpu = (name: string) =>
      (throughput.get(name) ?? []).map((result) => result.cpuMsPerRequest);
    ctx.figures.push({
      suite,
      database: dialect,
      name: 'CPU per event at max throughput (server process)',
      unit: 'ms',
      subject: summarize(cpu('Emivoy API')),
      floorName: 'route + INSERT',
      floor: summarize(cpu('route + INSERT')),
      ratio: pairedRatios(cpu('Emivoy API'), cpu('route + INSERT')),
      target: null,
      note: 'user + system time of the server process only (not PostgreSQL backends)',
    });
    if (grouped) {
      ctx.figures.push(
        throughputFigure(
          'route + INSERT with group commit (not a floor)',
          'route + INSERT, group commit',
          'route + INSERT',
          null,
          'what sharing one fsync among concurrent requests is worth on this disk',
        ),
      );
    }

    // Half of the floor's capacity: a load both should carry without queueing.
    const rate = Math.max(10, Math.round(median(insertRates) / 2));
    await latencyAt(ctx, dialect, rate, "half the floor's max", insert, api, 2);
    // Past its own capacity a server only shows its queue: then also measure both at half
    // of Emivoy's own maximum, to tell a slow server from an overloaded one.
    const ownRate = Math.max(10, Math.round(median(rates('Emivoy API')) / 2));
    if (ownRate < rate * 0.9) {
      await latencyAt(ctx, dialect, ownRate, "half Emivoy's own max", insert, api, null);
    }
  } finally {
    for (const item of started.reverse()) await item.close();
  }
}

/** Open-loop p50 and p99 of the INSERT floor and of Emivoy at one rate, alternated. */
async function latencyAt(
  ctx: SuiteContext,
  dialect: Dialect,
  rate: number,
  label: string,
  insert: FloorServer,
  api: EmivoyInstance,
  p99Target: number | null,
): Promise<void> {
  const { timing } = ctx;
  progress(`ingest (${dialect}): open-loop latency at ${rate} events/s (${label})`);
  const latency = await alternate<OpenLoopResult>(timing.repetitions, [
    { name: 'route + INSERT', run: () => openLoop(ctx, floorPlan(insert, timing.entities), rate) },
    {
      name: 'Emivoy API',
      run: async () => {
        await settleRuns(api);
        return openLoop(ctx, emivoyPlan(api, timing.entities), rate);
      },
    },
  ]);
  reportFailures(ctx, dialect, latency);
  const percentile = (name: string, key: 'p50' | 'p99') =>
    (latency.get(name) ?? []).map((result) => latencyFigures(result.latencies)[key]);
  for (const key of ['p50', 'p99'] as const) {
    const ratio = pairedRatios(percentile('Emivoy API', key), percentile('route + INSERT', key));
    ctx.figures.push({
      suite,
      database: dialect,
      name: `Ingest latency ${key} at ${rate}/s (open loop, ${label})`,
      unit: 'ms',
      subject: summarize(percentile('Emivoy API', key)),
      floorName: 'route + INSERT',
      floor: summarize(percentile('route + INSERT', key)),
      ratio,
      target: key === 'p99' && p99Target !== null ? ratioAtMost(ratio, p99Target) : null,
    });
  }
}

/**
 * The API alone executes no runs, so every event leaves one more active run on its entity.
 * Ingest reads an entity's active runs only when some policy may cancel on the event's type
 * (not so in this scenario), but the runs still grow the tables and their indexes. Before
 * each measurement the runs left by the previous one are marked completed, as a worker would
 * have done, so that every measurement starts from the same state.
 */
async function settleRuns(instance: EmivoyInstance): Promise<void> {
  await sql`
    update runs set status = 'completed', ended_at = ${Date.now()}
    where status in ('scheduled', 'waiting')`.execute(instance.database.handle.db);
}

function floorPlan(floor: FloorServer, entities: number): RequestPlan {
  return {
    origin: floor.url,
    path: '/api/v1/events',
    headers: { 'content-type': 'application/json' },
    body: (sequence) => eventBody(sequence, entities),
    expectStatus: 202,
  };
}

function emivoyPlan(instance: EmivoyInstance, entities: number): RequestPlan {
  return {
    origin: instance.server.url,
    path: '/api/v1/events',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${instance.account.liveKey}`,
    },
    body: (sequence) => eventBody(sequence, entities),
    expectStatus: 202,
  };
}

function closedLoop(
  ctx: SuiteContext,
  plan: RequestPlan,
  server: { pid: number },
): Promise<ThroughputResult> {
  const { timing } = ctx;
  return measureThroughput(plan, {
    connections: timing.connections,
    warmupMs: timing.warmupMs,
    durationMs: timing.throughputMs,
    pid: server.pid,
  });
}

function openLoop(ctx: SuiteContext, plan: RequestPlan, rate: number): Promise<OpenLoopResult> {
  const { timing } = ctx;
  return measureOpenLoop(plan, {
    rate,
    warmupMs: timing.warmupMs,
    durationMs: timing.openLoopMs,
  });
}

/** A request that did not get its 202 is a defect of the run: say so in the report. */
function reportFailures(
  ctx: SuiteContext,
  dialect: Dialect,
  samples: Map<string, Array<{ failures: Record<string, number> }>>,
): void {
  for (const [name, results] of samples) {
    const failures: Record<string, number> = {};
    for (const result of results) {
      for (const [key, count] of Object.entries(result.failures)) {
        failures[key] = (failures[key] ?? 0) + count;
      }
    }
    if (Object.keys(failures).length === 0) continue;
    const text = `${name} (${dialect}): requests without a 202: ${JSON.stringify(failures)}`;
    progress(`  ${text}`);
    ctx.notes.push({ suite, text });
  }
}
