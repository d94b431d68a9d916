import { alternate, pairedRatios } from '../lib/figures.js';
import { startFloorServer } from '../lib/floor-servers.js';
import { emivoyEnvironment, startEmivoyServer } from '../lib/processes.js';
import { progress, sleep } from '../lib/progress.js';
import { createBenchDatabase, type Dialect } from '../lib/scenario.js';
import { summarize } from '../lib/stats.js';
import type { SuiteContext } from '../lib/suite-context.js';

const suite = 'footprint';
const mebibyte = 1024 * 1024;

interface Start {
  readyMs: number;
  restartReadyMs: number;
  idleRssMiB: number;
}

/**
 * Footprint: what `npm start` runs (the built program, `emivoy serve`, API and worker) on a
 * fresh database: time from spawn to the first `GET /readyz` answered 200 (migrations
 * included), its resident memory after idling, and the time to ready again on restart. The
 * floor is the bare Fastify route in a process of its own (no database), measured the same.
 */
export async function footprintSuite(ctx: SuiteContext, dialect: Dialect): Promise<void> {
  const { timing, options } = ctx;
  progress(`footprint (${dialect}): idling ${timing.idleMs / 1000} s per start`);
  const samples = await alternate<Start>(timing.repetitions, [
    {
      name: 'bare Fastify process',
      run: async () => {
        const floor = await startFloorServer('bare', dialect, options.postgresUrl);
        await sleep(timing.idleMs);
        const idleRssMiB = floor.rssBytes() / mebibyte;
        await floor.close();
        const again = await startFloorServer('bare', dialect, options.postgresUrl);
        await again.close();
        return { readyMs: floor.readyAfterMs, restartReadyMs: again.readyAfterMs, idleRssMiB };
      },
    },
    {
      name: 'emivoy serve',
      run: async () => {
        const database = await createBenchDatabase(dialect, options.postgresUrl);
        try {
          const env = emivoyEnvironment(database);
          const server = await startEmivoyServer(`emivoy serve (${dialect})`, env);
          await sleep(timing.idleMs);
          const idleRssMiB = server.rssBytes() / mebibyte;
          await server.stop();
          const again = await startEmivoyServer(`emivoy serve (${dialect})`, env);
          await again.stop();
          return { readyMs: server.readyAfterMs, restartReadyMs: again.readyAfterMs, idleRssMiB };
        } finally {
          await database.drop();
        }
      },
    },
  ]);

  const floor = samples.get('bare Fastify process') ?? [];
  const subject = samples.get('emivoy serve') ?? [];
  const figure = (name: string, key: keyof Start, unit: string) => {
    const subjectValues = subject.map((start) => start[key]);
    const floorValues = floor.map((start) => start[key]);
    ctx.figures.push({
      suite,
      database: dialect,
      name,
      unit,
      subject: summarize(subjectValues),
      floorName: 'bare Fastify process',
      floor: summarize(floorValues),
      ratio: pairedRatios(subjectValues, floorValues),
      target: null,
    });
  };
  figure(`Idle memory (RSS after ${timing.idleMs / 1000} s)`, 'idleRssMiB', 'MiB');
  figure('Start to first /readyz 200, fresh database', 'readyMs', 'ms');
  figure('Restart to first /readyz 200', 'restartReadyMs', 'ms');
}
