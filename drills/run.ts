/**
 * `npm run drills`: failure drills against the built emivoy program. See --help, and
 * docs/drills.md for what each drill does and the counts of the last runs.
 */

import { diskFullDrill } from './disk-full-drill.js';
import { fuzzDrill } from './fuzz-drill.js';
import { killServeDrill } from './kill-serve-drill.js';
import { killWorkerDrill } from './kill-worker-drill.js';
import { buildServerIfStale } from './lib/build-server.js';
import { killOwnChildren, runAllCleanups } from './lib/cleanup.js';
import {
  type Dialect,
  type Drill,
  type DrillContext,
  type DrillOutcome,
  skippedOutcome,
} from './lib/drill.js';
import { postgresUnreachable } from './lib/drill-database.js';
import { type DrillOptions, helpText, parseDrillOptions, UsageError } from './lib/drill-options.js';
import { type DrillRow, drillTable, summaryLine, verdictOf } from './lib/drill-table.js';
import { elapsedSeconds, progress } from './lib/progress.js';
import { postgresRestartDrill } from './postgres-restart-drill.js';
import { providerOutageDrill } from './provider-outage-drill.js';
import { templateBombsDrill } from './template-bombs-drill.js';

const drills: Drill[] = [
  killServeDrill,
  killWorkerDrill,
  postgresRestartDrill,
  providerOutageDrill,
  diskFullDrill,
  fuzzDrill,
  templateBombsDrill,
];

async function main(): Promise<number> {
  const names = drills.map((drill) => drill.name);
  let options: DrillOptions | 'help';
  try {
    options = parseDrillOptions(process.argv.slice(2), names);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`drills: ${error.message}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${helpText(names)}\n`);
    return 0;
  }

  if (options.build) {
    progress('building the server if its sources changed');
    progress(`server build: ${await buildServerIfStale()}`);
  }
  const postgresDown = options.databases.includes('postgres')
    ? await postgresUnreachable(options.postgresUrl)
    : null;
  if (postgresDown) progress(`${postgresDown}: PostgreSQL drills are skipped`);

  const rows: DrillRow[] = [];
  for (const drill of drills) {
    if (options.only.length > 0 && !options.only.includes(drill.name)) continue;
    for (const dialect of drill.databases) {
      if (!options.databases.includes(dialect)) continue;
      const row = await runOne(drill, dialect, options, postgresDown);
      rows.push(row);
      progress(`${drill.name} on ${dialect}: ${row.verdict} in ${row.seconds.toFixed(0)} s`);
    }
  }

  process.stdout.write(`\n${drillTable(rows)}\n\n${summaryLine(rows, elapsedSeconds())}\n`);
  return rows.some((row) => row.verdict === 'fail') ? 1 : 0;
}

async function runOne(
  drill: Drill,
  dialect: Dialect,
  options: DrillOptions,
  postgresDown: string | null,
): Promise<DrillRow> {
  const startedAt = Date.now();
  const ctx: DrillContext = {
    short: options.short,
    postgresUrl: options.postgresUrl,
    progress: (message) => progress(`${drill.name} on ${dialect}: ${message}`),
  };
  ctx.progress('starting');
  let outcome: DrillOutcome;
  if (dialect === 'postgres' && postgresDown) {
    outcome = skippedOutcome('-', postgresDown);
  } else {
    try {
      outcome = await drill.run(ctx, dialect);
    } catch (error) {
      // A drill that could not finish failed: its processes and files are cleaned up here.
      await runAllCleanups();
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      outcome = { ...noCounts, tried: '-', failures: [`the drill broke: ${text}`] };
    }
  }
  const seconds = (Date.now() - startedAt) / 1000;
  return { ...outcome, drill: drill.name, database: dialect, verdict: verdictOf(outcome), seconds };
}

const noCounts = { accepted: null, processed: null, lost: null, duplicated: null };

// Ctrl-C ends the processes, mounts and clusters the drills started, not only the runner.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: undoing what the drills started`);
    void runAllCleanups().finally(() => {
      killOwnChildren();
      process.exit(130);
    });
  });
}

// A crash of the runner itself (an unheard 'error' event) must not leave servers, a mount or
// a private cluster behind either.
process.once('uncaughtException', (error) => {
  process.stderr.write(`drills crashed: ${error.stack ?? error.message}\n`);
  void runAllCleanups().finally(() => {
    killOwnChildren();
    process.exit(2);
  });
});

main()
  .then(async (code) => {
    await runAllCleanups();
    process.exit(code);
  })
  .catch(async (error) => {
    process.stderr.write(`drills failed: ${error instanceof Error ? error.stack : error}\n`);
    await runAllCleanups();
    process.exit(2);
  });
