import {
  CompiledQuery,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
} from 'kysely';
import type { Database } from '../../packages/server/src/store/database.js';
import { claimDueRuns } from '../../packages/server/src/store/runs-store.js';
import type { Dialect } from './scenario.js';
import { median } from './stats.js';

type Db = Kysely<Database>;

/** The worker's default claim size (engine/worker.ts `batchSize`). */
export const claimBatchSize = 50;
const leaseMs = 30_000;
const owner = 'bench';

class Rollback extends Error {}

/**
 * The statements the store's `claimDueRuns` sends for a claim at `now`, as Kysely compiles
 * them for the dialect. Whatever shape the claim takes, this is its SQL and its parameters.
 */
export function claimStatements(dialect: Dialect, now: number): Promise<CompiledQuery[]> {
  return recordStatements(dialect, (db) =>
    claimDueRuns(db, owner, now, now + leaseMs, claimBatchSize),
  );
}

/**
 * The statements `work` sends, recorded by a Kysely of the dialect whose driver runs
 * nothing (every statement answers no rows).
 */
export async function recordStatements(
  dialect: Dialect,
  work: (db: Db) => Promise<unknown>,
): Promise<CompiledQuery[]> {
  const statements: CompiledQuery[] = [];
  const postgres = dialect === 'postgres';
  const recorder = new Kysely<Database>({
    dialect: {
      createAdapter: () => (postgres ? new PostgresAdapter() : new SqliteAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) =>
        postgres ? new PostgresIntrospector(db) : new SqliteIntrospector(db),
      createQueryCompiler: () =>
        postgres ? new PostgresQueryCompiler() : new SqliteQueryCompiler(),
    },
    log: (event) => {
      statements.push(event.query);
    },
  });
  await work(recorder);
  await recorder.destroy();
  return statements;
}

/**
 * One claim by the store's `claimDueRuns` at `now`, in a transaction that is then rolled
 * back, so the runs it leased are left as they were. Returns its duration in ms (BEGIN and
 * ROLLBACK not counted) and how many runs it claimed.
 */
export async function timeClaim(db: Db, now: number): Promise<{ ms: number; runs: number }> {
  let result = { ms: Number.NaN, runs: 0 };
  try {
    await db.transaction().execute(async (trx) => {
      const start = performance.now();
      const claimed = await claimDueRuns(trx, owner, now, now + leaseMs, claimBatchSize);
      result = { ms: performance.now() - start, runs: claimed.length };
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return result;
}

/**
 * The median duration of a claim at `now` over up to `maxRuns` claims, stopping early after
 * `budgetMs` (but never before 5): a slow plan is still sampled, in bounded time. Each
 * claim must take `expectRuns` runs, or the comparison would be of different work.
 */
export async function medianClaimMs(
  db: Db,
  now: number,
  options: { maxRuns: number; budgetMs: number; expectRuns: number },
): Promise<number> {
  const durations: number[] = [];
  const start = performance.now();
  while (durations.length < options.maxRuns) {
    const { ms, runs } = await timeClaim(db, now);
    if (runs !== options.expectRuns) {
      throw new Error(`a claim took ${runs} runs, expected ${options.expectRuns}`);
    }
    durations.push(ms);
    if (durations.length >= 5 && performance.now() - start > options.budgetMs) break;
  }
  return median(durations);
}

/**
 * How the database executes `statement`, on one line: SQLite's EXPLAIN QUERY PLAN; on
 * PostgreSQL EXPLAIN (ANALYZE, BUFFERS) in a rolled-back transaction, as nested node types
 * with their indexes, then the shared buffers touched and the execution time.
 */
export async function planOf(db: Db, dialect: Dialect, statement: CompiledQuery): Promise<string> {
  const parameters = [...statement.parameters];
  if (dialect === 'sqlite') {
    const plan = await db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${statement.sql}`, parameters),
    );
    return plan.rows.map((row) => row.detail).join('; ');
  }
  const body = await leaseFunctionBody(db, statement.sql);
  let text = '';
  try {
    await db.transaction().execute(async (trx) => {
      // The function's own setting, for the rest of this transaction.
      if (body) await sql`set local enable_bitmapscan = off`.execute(trx);
      const explain = CompiledQuery.raw(
        `explain (analyze, buffers, format json) ${body ?? statement.sql}`,
        parameters,
      );
      const { rows } = await trx.executeQuery<{ 'QUERY PLAN': PgPlan[] }>(explain);
      const top = rows[0]?.['QUERY PLAN'][0];
      if (top) text = pgPlanLine(top);
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return text;
}

/**
 * PostgreSQL claims call a function (migration 0008), whose plan EXPLAIN does not show: the
 * function's statement, its named arguments made positional, is explained in its place. The
 * function plans each call for its arguments' values (force_custom_plan), as this EXPLAIN
 * of the statement with its parameters does.
 */
async function leaseFunctionBody(db: Db, statementSql: string): Promise<string | null> {
  const name = /emivoy_lease_due_(messages|runs)/.exec(statementSql)?.[0];
  if (!name) return null;
  const { rows } = await sql<{ body: string }>`
    select prosrc as body from pg_proc where proname = ${name}`.execute(db);
  const body = /return query([\s\S]*?);\s*end\s*$/.exec(rows[0]?.body ?? '')?.[1];
  if (!body)
    throw new Error(`function ${name} is missing or unexpected: are the migrations applied?`);
  const positions = ['claim_owner', 'claim_now', 'claim_lease_until', 'claim_limit'];
  return positions.reduce(
    (text, argument, index) =>
      text.replaceAll(new RegExp(`\\b${argument}\\b`, 'g'), `$${index + 1}`),
    body,
  );
}

interface PgPlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PgPlanNode[];
}

interface PgPlan {
  Plan: PgPlanNode;
  'Execution Time': number;
}

function pgPlanLine(plan: PgPlan): string {
  const shape = (node: PgPlanNode): string => {
    const on = node['Index Name'] ?? node['Relation Name'];
    const name = on ? `${node['Node Type']} ${on}` : node['Node Type'];
    return node.Plans?.length ? `${name}(${node.Plans.map(shape).join(', ')})` : name;
  };
  const hit = plan.Plan['Shared Hit Blocks'] ?? 0;
  const read = plan.Plan['Shared Read Blocks'] ?? 0;
  return (
    `${shape(plan.Plan)}; buffers: ${hit} hit, ${read} read; ` +
    `${plan['Execution Time'].toFixed(3)} ms`
  );
}
