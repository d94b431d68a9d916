/** What `npm run bench` was asked to do. */
export interface BenchOptions {
  quick: boolean;
  /** Suite names to run; empty means all of them. */
  only: string[];
  databases: Array<'sqlite' | 'postgres'>;
  /** PostgreSQL server to create benchmark databases on. */
  postgresUrl: string;
  /** Where the report goes; null: print only. */
  reportPath: string | null;
}

export const suiteNames = [
  'ingest',
  'latency',
  'delivery',
  'fan-out',
  'scaling',
  'worker',
  'wait-drift',
  'waits',
  'footprint',
] as const;
export type SuiteName = (typeof suiteNames)[number];

export const helpText = `Usage: npm run bench -- [options]

Measures Emivoy against floors measured in the same run (bare Fastify route, the same plus
one INSERT, an undici loop to the stand-in SendGrid, a bare claim-and-complete loop),
alternating floor and subject, and prints every figure as a ratio with its spread.
Writes docs/benchmarks.md. Progress goes to standard error; the table to standard output.

Options:
  --quick                  short runs (seconds each) to check the harness; not for publishing
  --only <names>           comma-separated suites: ${suiteNames.join(', ')}
  --database <which>       sqlite, postgres or both (default both)
  --postgres-url <url>     PostgreSQL server for benchmark databases
                           (default $EMIVOY_BENCH_DATABASE_URL, $EMIVOY_TEST_DATABASE_URL,
                           or postgres://postgres@127.0.0.1:5432/postgres)
  --no-report              print the table only; leave docs/benchmarks.md alone
  --report <path>          write the report somewhere else
  --help                   this text

The server is run as built: run \`npx tsc -b packages/server\` first (the bench checks).
Run on a quiet machine: the report records the load average before and after.`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseOptions(argv: string[], defaultReport: string): BenchOptions | 'help' {
  const options: BenchOptions = {
    quick: false,
    only: [],
    databases: ['sqlite', 'postgres'],
    postgresUrl:
      process.env.EMIVOY_BENCH_DATABASE_URL ??
      process.env.EMIVOY_TEST_DATABASE_URL ??
      'postgres://postgres@127.0.0.1:5432/postgres',
    reportPath: defaultReport,
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
      case '--quick':
        options.quick = true;
        break;
      case '--only':
        options.only = parseSuites(value(flag));
        break;
      case '--database':
        options.databases = parseDatabases(value(flag));
        break;
      case '--postgres-url':
        options.postgresUrl = value(flag);
        break;
      case '--no-report':
        options.reportPath = null;
        break;
      case '--report':
        options.reportPath = value(flag);
        break;
      default:
        throw new UsageError(`unknown option ${arg}; see --help`);
    }
  }
  return options;
}

function parseSuites(text: string): string[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(suiteNames as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new UsageError(`unknown suite ${unknown.join(', ')}; known: ${suiteNames.join(', ')}`);
  }
  return names;
}

function parseDatabases(text: string): BenchOptions['databases'] {
  if (text === 'both') return ['sqlite', 'postgres'];
  if (text === 'sqlite' || text === 'postgres') return [text];
  throw new UsageError(`--database must be sqlite, postgres or both, got "${text}"`);
}
