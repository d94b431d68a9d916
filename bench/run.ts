/**
 * `npm run bench`: Emivoy against floors measured in the same run, as ratios. See --help,
 * and docs/benchmarks.md for what each figure means.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeMachine, formatLoad } from './lib/machine.js';
import {
  type BenchOptions,
  helpText,
  parseOptions,
  type SuiteName,
  suiteNames,
  UsageError,
} from './lib/options.js';
import { checkServerBuilt, repoRoot, stopAll } from './lib/processes.js';
import { progress } from './lib/progress.js';
import { keptAnalysis, markdownReport, textTable } from './lib/report.js';
import type { Dialect } from './lib/scenario.js';
import { fullTiming, quickTiming, type SuiteContext } from './lib/suite-context.js';
import { deliverySuite } from './suites/delivery.js';
import { fanOutSuite } from './suites/fan-out.js';
import { footprintSuite } from './suites/footprint.js';
import { ingestSuite } from './suites/ingest.js';
import { latencySuite } from './suites/latency.js';
import { methods } from './suites/methods.js';
import { scalingSuite } from './suites/scaling.js';
import { waitDriftSuite } from './suites/wait-drift.js';
import { waitsAtScaleSuite } from './suites/waits-at-scale.js';
import { workerSuite } from './suites/worker.js';

const suites: Record<SuiteName, (ctx: SuiteContext, dialect: Dialect) => Promise<void>> = {
  ingest: ingestSuite,
  latency: latencySuite,
  delivery: deliverySuite,
  'fan-out': fanOutSuite,
  scaling: scalingSuite,
  worker: workerSuite,
  'wait-drift': waitDriftSuite,
  waits: waitsAtScaleSuite,
  footprint: footprintSuite,
};

const defaultAnalysis = `Nothing written yet: read the figures of a full run on a quiet machine,
then say here what misses its target and why.`;

async function main(): Promise<void> {
  let options: BenchOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2), path.join(repoRoot, 'docs/benchmarks.md'));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${helpText}\n`);
    return;
  }

  checkServerBuilt();
  const usesPostgres = options.databases.includes('postgres');
  const machine = await describeMachine(usesPostgres ? options.postgresUrl : null);
  progress(
    `${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; ` +
      `${machine.sqliteCommitsPerSecond} SQLite commits/s; load ${formatLoad(os.loadavg())}`,
  );
  const ctx: SuiteContext = {
    options,
    timing: options.quick ? quickTiming : fullTiming,
    figures: [],
    notes: [],
  };

  const selected = suiteNames.filter(
    (name) => options.only.length === 0 || options.only.includes(name),
  );
  for (const name of selected) {
    for (const dialect of options.databases) {
      progress(`${name} on ${dialect}`);
      try {
        await suites[name](ctx, dialect);
      } catch (error) {
        const text = `failed: ${error instanceof Error ? error.message : String(error)}`;
        progress(`${name} on ${dialect} ${text}`);
        ctx.notes.push({ suite: name, text: `${dialect}: ${text}` });
        await stopAll();
      }
    }
  }
  machine.loadAfter = os.loadavg();

  process.stdout.write(`\n${textTable(ctx.figures)}\n`);
  for (const note of ctx.notes) process.stdout.write(`- ${note.suite}: ${note.text}\n`);

  if (options.reportPath) {
    const existing = fs.existsSync(options.reportPath)
      ? fs.readFileSync(options.reportPath, 'utf8')
      : null;
    const report = markdownReport({
      machine,
      timing: ctx.timing,
      quick: options.quick,
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      figures: ctx.figures,
      notes: ctx.notes,
      suites: selected.map((name) => ({ name, ...methods[name] })),
      analysis: keptAnalysis(existing, defaultAnalysis),
    });
    fs.writeFileSync(options.reportPath, report);
    // Formatted as the rest of the docs, so that `npm run lint` stays clean after a run.
    execFileSync(
      process.execPath,
      [
        path.join(repoRoot, 'node_modules/@biomejs/biome/bin/biome'),
        'format',
        '--write',
        options.reportPath,
      ],
      { stdio: 'ignore' },
    );
    progress(`wrote ${path.relative(process.cwd(), options.reportPath)}`);
  }
}

// Ctrl-C ends the servers, floors and stand-ins the bench started, not only the bench.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping the processes the bench started`);
    void stopAll().finally(() => process.exit(130));
  });
}

main()
  .catch(async (error) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : error}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAll();
  });
