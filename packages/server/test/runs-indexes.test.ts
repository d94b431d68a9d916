import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CompiledQuery,
  createQueryId,
  type Kysely,
  Migrator,
  type RootOperationNode,
  sql,
} from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/ids.js';
import type { Database } from '../src/store/database.js';
import { migrationProvider } from '../src/store/migrations/index.js';
import { type Dialect, migrateToLatest, openDatabase } from '../src/store/open-database.js';
import { encodeCursor } from '../src/store/pagination.js';
import { activeRunsForEntity, findRun, listRuns, type RunRow } from '../src/store/runs-store.js';
import { entityTimeline } from '../src/store/timeline-store.js';
import { createTestDatabase, type TestDatabase, testDialects } from './harness/test-database.js';

/**
 * Every query on runs by account, event or entity reaches its own index, on a database where
 * one account holds nearly all runs and another a few: a plan that scans the big account's
 * runs for the small one, or the account's runs for an event, fails here. SQLite has no
 * statistics (the server never runs ANALYZE); PostgreSQL has them, as autovacuum gives.
 */
describe.each(testDialects())('runs indexes on %s', (dialect) => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  const big = { accountId: '', runs: [] as RunRow[] };
  const small = { accountId: '', runs: [] as RunRow[] };

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    db = database.handle.db;
    big.accountId = await insertAccount(db, 'big');
    small.accountId = await insertAccount(db, 'small');
    big.runs = await insertRuns(db, big.accountId, 20_000);
    small.runs = await insertRuns(db, small.accountId, 20);
    if (dialect === 'postgres') await sql`analyze`.execute(db);
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
  });

  const planOf = (query: (db: Kysely<Database>) => Promise<unknown>) =>
    runsPlans(db, dialect, query);

  it('lists an account’s runs newest first by the account index', async () => {
    for (const { accountId, runs } of [small, big]) {
      const cursor = encodeCursor(runs[10]?.id ?? '');
      for (const filters of [{ limit: 5 }, { limit: 5, cursor }]) {
        const plans = await planOf((db) => listRuns(db, accountId, filters));
        expect(plans).toHaveLength(1);
        // PostgreSQL may walk the primary key back instead, for an account that holds
        // nearly every run: its first rows are then the account's newest.
        const alternative = dialect === 'postgres' && accountId === big.accountId;
        expectIndex(dialect, plans[0], alternative ? 'runs_account|runs_pkey' : 'runs_account');
      }
    }
    const page = await listRuns(db, small.accountId, { limit: 5 });
    expect(page.data.map((run) => run.id)).toEqual(
      small.runs
        .map((run) => run.id)
        .sort()
        .reverse()
        .slice(0, 5),
    );
  });

  it('finds the runs of an event by the event index, only in the caller’s account', async () => {
    for (const { accountId, runs } of [small, big]) {
      const eventId = runs[3]?.event_id ?? '';
      const plans = await planOf((db) =>
        listRuns(db, accountId, { limit: 100, event_id: eventId }),
      );
      expectIndex(dialect, plans[0], 'runs_event');

      const found = await listRuns(db, accountId, { limit: 100, event_id: eventId });
      expect(found.data.map((run) => run.event_id)).toEqual([eventId]);
    }
    const other = await listRuns(db, small.accountId, {
      limit: 100,
      event_id: big.runs[3]?.event_id ?? '',
    });
    expect(other.data).toEqual([]);
  });

  it('finds the runs of a page of events for the timeline by the event index', async () => {
    for (const { accountId } of [small, big]) {
      const plans = await planOf((db) =>
        entityTimeline(db, accountId, 'ent_1', { limit: 20, livemode: true }),
      );
      expect(plans).toHaveLength(1);
      expectIndex(dialect, plans[0], 'runs_event');
    }
    const timeline = await entityTimeline(db, small.accountId, 'ent_1', {
      limit: 20,
      livemode: true,
    });
    const runIds = timeline.items.filter((item) => item.kind === 'run_started');
    expect(runIds.length).toBeGreaterThan(0);
  });

  it('finds the active runs of an entity by the partial entity index', async () => {
    for (const { accountId, runs } of [small, big]) {
      const plans = await planOf((db) => activeRunsForEntity(db, accountId, 'ent_1', true));
      expect(plans).toHaveLength(1);
      expectIndex(dialect, plans[0], 'runs_entity_active');

      const active = await activeRunsForEntity(db, accountId, 'ent_1', true);
      const expected = runs.filter((run) => run.entity_id === 'ent_1' && run.status === 'waiting');
      expect(active.map((run) => run.id).sort()).toEqual(expected.map((run) => run.id).sort());
    }
  });

  it('finds one run by its id and account only', async () => {
    const run = small.runs[0] as RunRow;
    const plans = await planOf((db) => findRun(db, small.accountId, run.id));
    expectIndex(dialect, plans[0], dialect === 'sqlite' ? 'sqlite_autoindex_runs_1' : 'runs_pkey');
    expect((await findRun(db, small.accountId, run.id))?.id).toBe(run.id);
    expect(await findRun(db, big.accountId, run.id)).toBeUndefined();
  });
});

describe('runs indexes on an SQLite database upgraded with runs in it', () => {
  it('rebuilds the indexes and finds the same runs', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'emivoy-test-'));
    const handle = openDatabase({ databaseUrl: undefined, dataDir });
    try {
      const migrator = new Migrator({
        db: handle.db,
        provider: migrationProvider,
        migrationTableName: 'emivoy_migrations',
        migrationLockTableName: 'emivoy_migration_lock',
      });
      const before = await migrator.migrateTo('0006-policy-versions-account');
      expect(before.error).toBeUndefined();
      const accountId = await insertAccount(handle.db, 'upgraded');
      const runs = await insertRuns(handle.db, accountId, 50);

      expect(await migrateToLatest(handle.db)).toContain('0007-runs-short-keys');
      const eventId = runs[7]?.event_id ?? '';
      const byEvent = await listRuns(handle.db, accountId, { limit: 10, event_id: eventId });
      expect(byEvent.data.map((run) => run.event_id)).toEqual([eventId]);
      const page = await listRuns(handle.db, accountId, { limit: 100 });
      expect(page.data).toHaveLength(50);
      const active = await activeRunsForEntity(handle.db, accountId, 'ent_2', true);
      expect(active.length).toBeGreaterThan(0);
    } finally {
      await handle.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/**
 * Asserts that a plan reads runs by searching `index` (a pattern): SQLite's `SEARCH runs USING INDEX`,
 * PostgreSQL's index or bitmap index scan, and never a scan of the whole table.
 */
function expectIndex(dialect: Dialect, plan: string | undefined, index: string): void {
  const searched =
    dialect === 'sqlite'
      ? new RegExp(`SEARCH runs USING (COVERING )?INDEX (${index}) \\(`)
      : new RegExp(
          `Index (Only )?Scan (Backward )?using (${index}) on runs|Bitmap Index Scan on (${index})\\b`,
        );
  expect(plan).toMatch(searched);
  expect(plan).not.toMatch(/SCAN runs|Seq Scan on runs/);
}

/**
 * The query plans of the statements on runs that `query` runs, as text: SQLite's `EXPLAIN
 * QUERY PLAN` details, PostgreSQL's `EXPLAIN` lines, with the statements' own parameters.
 */
async function runsPlans(
  db: Kysely<Database>,
  dialect: Dialect,
  query: (db: Kysely<Database>) => Promise<unknown>,
): Promise<string[]> {
  const nodes: RootOperationNode[] = [];
  const recording = db.withPlugin({
    transformQuery: ({ node }) => {
      nodes.push(node);
      return node;
    },
    transformResult: async ({ result }) => result,
  });
  await query(recording);

  const plans: string[] = [];
  for (const node of nodes) {
    const compiled = db.getExecutor().compileQuery(node, createQueryId());
    if (!/from "runs"/.test(compiled.sql)) continue;
    const explain = dialect === 'sqlite' ? 'explain query plan ' : 'explain (costs off) ';
    const result = await db.executeQuery<Record<string, string>>(
      CompiledQuery.raw(explain + compiled.sql, [...compiled.parameters]),
    );
    const lines = result.rows.map((row) => row.detail ?? row['QUERY PLAN'] ?? '');
    plans.push(lines.join('\n'));
  }
  return plans;
}

async function insertAccount(db: Kysely<Database>, name: string): Promise<string> {
  const id = newId('acc');
  await db
    .insertInto('accounts')
    .values({ id, name, monthly_event_limit: null, clerk_org_id: null, created_at: Date.now() })
    .execute();
  return id;
}

/**
 * `count` events, each with one run, over ten entities (`ent_0` …); one run in three has
 * completed. All share one policy version, so the entity query's joins find their rows.
 */
async function insertRuns(
  db: Kysely<Database>,
  accountId: string,
  count: number,
): Promise<RunRow[]> {
  const now = Date.now();
  const policyId = newId('pol');
  await db
    .insertInto('policy_versions')
    .values({
      policy_id: policyId,
      version: 1,
      account_id: accountId,
      definition: '{}',
      created_at: now,
    })
    .execute();
  const runs: RunRow[] = [];
  for (let from = 0; from < count; from += 500) {
    const events = [];
    const chunk: RunRow[] = [];
    for (let i = from; i < Math.min(from + 500, count); i++) {
      const eventId = newId('evt');
      const entityId = `ent_${i % 10}`;
      const done = i % 3 === 0;
      events.push({
        id: eventId,
        account_id: accountId,
        event_type: 'invoice.overdue',
        entity_id: entityId,
        data: '{}',
        livemode: 1,
        created_at: now,
      });
      chunk.push({
        id: newId('run'),
        account_id: accountId,
        policy_id: policyId,
        policy_version: 1,
        event_id: eventId,
        entity_id: entityId,
        livemode: 1,
        status: done ? 'completed' : 'waiting',
        step_index: 1,
        wake_at: now + 86_400_000 + i,
        lease_owner: null,
        lease_until: null,
        attempts: 1,
        last_error: null,
        cancelled_by_event_id: null,
        created_at: now,
        updated_at: now,
        ended_at: done ? now : null,
      });
    }
    await db.insertInto('events').values(events).execute();
    await db.insertInto('runs').values(chunk).execute();
    runs.push(...chunk);
  }
  return runs;
}
