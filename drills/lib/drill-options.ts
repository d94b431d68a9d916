import type { Dialect } from './drill.js';

/** What `npm run drills` was asked to do. */
export interface DrillOptions {
  short: boolean;
  /** Drill names to run; empty means all of them. */
  only: string[];
  databases: Dialect[];
  /** The PostgreSQL server drills create their databases on. */
  postgresUrl: string;
  /** Build the server first when its sources are newer than its build. */
  build: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function helpText(drillNames: string[]): string {
  return `Usage: npm run drills -- [options]

Failure drills against the built emivoy program: kill -9 under load, PostgreSQL restarted
and crashed under load, the email provider down then back, a full disk under SQLite,
fuzzing of every endpoint, template bombs. Each prints progress on standard error and a
table row on standard output: what it tried, and the events accepted (202), processed,
lost and duplicated. The exit code is 1 when any drill fails. See docs/drills.md.

Options:
  --short                  a few seconds per drill, as CI runs them (about three minutes)
  --only <names>           comma-separated drills: ${drillNames.join(', ')}
  --database <which>       sqlite, postgres or both (default both)
  --postgres-url <url>     PostgreSQL server for drill databases (default
                           $EMIVOY_TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres)
  --no-build               run packages/server/dist as it is, without building it first
  --help                   this text

The PostgreSQL restart drill starts a private cluster of its own (initdb, pg_ctl) and the
disk-full drill mounts a small tmpfs: both need root, and are skipped with the reason
without it.`;
}

export function parseDrillOptions(argv: string[], drillNames: string[]): DrillOptions | 'help' {
  const options: DrillOptions = {
    short: false,
    only: [],
    databases: ['sqlite', 'postgres'],
    postgresUrl:
      process.env.EMIVOY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    build: true,
  };
  const args = [...argv];
  const value = (flag: string): string => {
    const next = args.shift();
    if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return next;
  };

  while (args.length > 0) {
    const arg = args.shift() as string;
    const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    if (inline !== undefined) args.unshift(inline);
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--short':
        options.short = true;
        break;
      case '--only':
        options.only = namesIn(value(flag), drillNames);
        break;
      case '--database':
        options.databases = databasesIn(value(flag));
        break;
      case '--postgres-url':
        options.postgresUrl = value(flag);
        break;
      case '--no-build':
        options.build = false;
        break;
      default:
        throw new UsageError(`unknown option ${flag}; see --help`);
    }
  }
  return options;
}

function namesIn(list: string, drillNames: string[]): string[] {
  const names = list.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !drillNames.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(`no drill named ${unknown.join(', ')}; drills: ${drillNames.join(', ')}`);
  }
  return names;
}

function databasesIn(which: string): Dialect[] {
  if (which === 'both') return ['sqlite', 'postgres'];
  if (which === 'sqlite' || which === 'postgres') return [which];
  throw new UsageError(`--database takes sqlite, postgres or both, not "${which}"`);
}
