import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/store/database.js';
import {
  countLogs,
  type EmivoyProcess,
  EmivoyProcesses,
  type EmivoyServer,
  lastLogs,
  sleep,
  waitFor,
} from './harness/emivoy-processes.js';
import { auditEngine, leasesHeldBy, pendingWork } from './harness/engine-audit.js';
import { apiClient, createScenario, fireEvents } from './harness/event-load.js';
import { runEmivoy } from './harness/spawn-emivoy.js';
import { createTestDatabase, type TestDatabase, testDialects } from './harness/test-database.js';

/**
 * The engine's promises, kept by the real program under real signals: an acknowledged event
 * is never lost, a killed process loses no run and doubles no message, a wait survives a
 * restart, and SIGTERM ends every process cleanly.
 *
 * A process killed with SIGKILL keeps its leases until they expire; the lease is lowered to
 * three seconds here so that the takeover happens within the test.
 */
const leaseMs = 3_000;
const twoRoles = ['billing_contact', 'technical_contact'];

/**
 * SIGKILLs a process with a worker, preferably at a moment it holds leases (it is looked at
 * for up to two seconds), and returns the work it left leased: work only lease expiry frees.
 */
async function killHoldingLeases(
  victim: EmivoyProcess,
  db: Kysely<Database>,
): Promise<{ runIds: string[]; messageIds: string[] }> {
  const owner = victim.owner();
  if (!owner) throw new Error(`${victim.name} runs no worker`);
  const deadline = Date.now() + 2_000;
  while (Date.now() < deadline) {
    const held = await leasesHeldBy(db, owner);
    if (held.runIds.length + held.messageIds.length > 0) break;
    await sleep(5);
  }
  expect(await victim.stop('SIGKILL')).toBeNull();
  return leasesHeldBy(db, owner);
}

describe.each(testDialects())('durability of the emivoy program on %s', (dialect) => {
  let database: TestDatabase;
  let processes: EmivoyProcesses;
  let env: Record<string, string>;

  /** A new account (each test has its own, so their counts do not mix) and its live key. */
  const createAccount = async (name: string) => {
    const { code, stdout, stderr } = await runEmivoy(
      ['accounts', 'create', '--name', name, '--json'],
      env,
    );
    if (code !== 0) throw new Error(`accounts create failed: ${stderr}`);
    const created = JSON.parse(stdout);
    return { accountId: created.account.account_id as string, key: created.api_key.key as string };
  };

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    env = {
      EMIVOY_DATA_DIR: database.dataDir,
      DATABASE_URL: database.databaseUrl ?? '',
      EMIVOY_MONTHLY_EVENT_LIMIT: 'unlimited',
      EMIVOY_WORKER_LEASE_MS: String(leaseMs),
    };
    processes = new EmivoyProcesses(env);
  }, 60_000);

  afterAll(async () => {
    // Every process ends here, even after a failed test; one still running fails the suite.
    const leaked = (await processes?.killAll()) ?? [];
    await database?.drop();
    expect(leaked, 'emivoy processes a test left running').toEqual([]);
  });

  it('loses nothing and doubles nothing when serve is killed -9 under load', async () => {
    const { db } = database.handle;
    const account = await createAccount('Kill drill');
    let server: EmivoyServer = await processes.serve('serve (to be killed)');
    const api = apiClient(() => server.url, account.key);
    await createScenario(api, {
      eventType: 'drill.tick',
      entityId: 'drill_1',
      roles: twoRoles,
      waitDuration: '2s',
    });

    let firing = true;
    const load = fireEvents({
      api,
      clients: 8,
      running: () => firing,
      event: (n) => ({ event_type: 'drill.tick', entity_id: 'drill_1', data: { n } }),
    });
    await sleep(2_500);

    const orphaned = await killHoldingLeases(server, db);
    const waitingAtKill = (await pendingWork(db, account.accountId)).runs;

    server = await processes.serve('serve (restarted)');
    await sleep(2_000);
    firing = false;
    const fired = await load;

    await waitFor('every run to complete and every message to be delivered', 40_000, async () => {
      const pending = await pendingWork(db, account.accountId);
      return pending.runs === 0 && pending.messages === 0;
    });
    const audit = await auditEngine(db, account.accountId, fired.accepted, {
      sendSteps: [0, 2],
      recipients: 2,
      waitMs: 2_000,
    });
    console.log(
      `[${dialect}] kill -9 drill: accepted ${fired.accepted.length} (202), ` +
        `${fired.connectionErrors} requests cut or refused, ` +
        `${audit.unacknowledgedEvents} stored without their 202 reaching the client; ` +
        `at the kill ${waitingAtKill} runs active, ${orphaned.runIds.length} runs and ` +
        `${orphaned.messageIds.length} messages leased to the dead process; ` +
        `processed ${audit.runsByStatus.completed ?? 0}/${audit.runs} runs, ` +
        `${audit.messages} messages; lost ${audit.lostEvents.length} events and ` +
        `${audit.lostRuns.length} runs; duplicated ${audit.duplicateMessages} messages, ` +
        `${audit.repeatedDeliveries} deliveries; ` +
        `${audit.unrecordedDeliveries} deliveries missing from the history`,
    );

    expect(fired.otherAnswers).toEqual({});
    expect(fired.accepted.length).toBeGreaterThan(20);
    expect(fired.accepted.every((event) => event.runIds.length === 1)).toBe(true);
    const restartedWaits = 'runs whose wait had to fire in the restarted process';
    expect(waitingAtKill, restartedWaits).toBeGreaterThan(0);
    expect(audit.lostEvents).toEqual([]);
    expect(audit.lostRuns).toEqual([]);
    expect(audit.runsByStatus).toEqual({ completed: audit.runs });
    expect(audit.runs).toBe(audit.events);
    expect(audit.duplicateMessages).toBe(0);
    expect(audit.repeatedDeliveries).toBe(0);
    expect(audit.unrecordedDeliveries).toBe(0);
    expect(audit.runsWithWrongMessages).toEqual([]);
    expect(audit.messages).toBe(2 * 2 * audit.runs);
    expect(audit.messagesByStatus).toEqual({ captured: audit.messages });
    expect(audit.earlyMessages).toBe(0);

    expect(await server.stop('SIGTERM'), lastLogs(server)).toBe(0);
  }, 120_000);

  it.runIf(dialect === 'postgres')(
    'shares the work of one API among three workers, and survives kill -9 of one',
    async () => {
      const { db } = database.handle;
      const account = await createAccount('Three workers');
      const server = await processes.serve('serve --no-worker', ['serve', '--no-worker']);
      // At debug level a worker logs each run it advanced: who did what is in its own log.
      const workers = await Promise.all(
        [1, 2, 3].map((n) => processes.worker(`worker ${n}`, { LOG_LEVEL: 'debug' })),
      );
      const api = apiClient(() => server.url, account.key);
      await createScenario(api, {
        eventType: 'fleet.tick',
        entityId: 'fleet_1',
        roles: ['billing_contact'],
        waitDuration: '1s',
      });

      let budget = 200;
      const load = fireEvents({
        api,
        clients: 8,
        running: () => budget-- > 0,
        event: (n) => ({ event_type: 'fleet.tick', entity_id: 'fleet_1', data: { n } }),
      });
      await waitFor('a third of the events', 30_000, async () => {
        const stored = await db
          .selectFrom('events')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('account_id', '=', account.accountId)
          .executeTakeFirstOrThrow();
        return Number(stored.count) >= 70;
      });
      const [survivorA, victim, survivorB] = workers as [
        EmivoyProcess,
        EmivoyProcess,
        EmivoyProcess,
      ];
      const orphaned = await killHoldingLeases(victim, db);
      const fired = await load;

      await waitFor('every run to complete and every message to be delivered', 40_000, async () => {
        const pending = await pendingWork(db, account.accountId);
        return pending.runs === 0 && pending.messages === 0;
      });
      const audit = await auditEngine(db, account.accountId, fired.accepted, {
        sendSteps: [0, 2],
        recipients: 1,
        waitMs: 1_000,
      });
      const advanced = workers.map((worker) => countLogs(worker, 'run advanced'));
      const delivered = workers.map((worker) => countLogs(worker, 'message delivered to provider'));
      console.log(
        `[${dialect}] three workers: accepted ${fired.accepted.length}; runs advanced per ` +
          `worker ${advanced.join('/')}, messages delivered ${delivered.join('/')} ` +
          `(worker 2 killed -9 holding ${orphaned.runIds.length} runs and ` +
          `${orphaned.messageIds.length} messages); processed ` +
          `${audit.runsByStatus.completed ?? 0}/${audit.runs} runs, ${audit.messages} messages; ` +
          `lost ${audit.lostEvents.length + audit.lostRuns.length}; ` +
          `duplicated ${audit.duplicateMessages + audit.repeatedDeliveries}`,
      );

      expect(fired.otherAnswers).toEqual({});
      expect(fired.connectionErrors).toBe(0);
      expect(fired.accepted).toHaveLength(200);
      expect(audit.lostEvents).toEqual([]);
      expect(audit.lostRuns).toEqual([]);
      expect(audit.runsByStatus).toEqual({ completed: 200 });
      expect(audit.duplicateMessages).toBe(0);
      expect(audit.repeatedDeliveries).toBe(0);
      expect(audit.unrecordedDeliveries).toBe(0);
      expect(audit.runsWithWrongMessages).toEqual([]);
      expect(audit.messagesByStatus).toEqual({ captured: 400 });
      expect(audit.earlyMessages).toBe(0);
      expect(advanced.filter((count) => count > 0).length).toBeGreaterThanOrEqual(2);

      for (const running of [server, survivorA, survivorB]) {
        expect(await running.stop('SIGTERM'), lastLogs(running)).toBe(0);
      }
    },
    90_000,
  );

  it('fires a real three-second wait, also across a restart in the middle of it', async () => {
    const account = await createAccount('Real wait');
    let server: EmivoyServer = await processes.serve('serve (restarted in a wait)');
    const api = apiClient(() => server.url, account.key);
    await createScenario(api, {
      eventType: 'trial.ending',
      entityId: 'trial_1',
      roles: ['billing_contact'],
      waitDuration: '3s',
    });

    const postedAt = Date.now();
    const posted = await api.post('/events', { event_type: 'trial.ending', entity_id: 'trial_1' });
    expect(posted.status).toBe(202);
    const eventAt = Date.parse(posted.body.created_at);
    const runId: string = posted.body.runs_started[0].run_id;
    const messagesOfRun = async () =>
      (await api.get(`/messages?run_id=${runId}&limit=100`)).body.data as Array<{
        step_index: number;
        created_at: string;
      }>;

    await waitFor('the first message', 10_000, async () => (await messagesOfRun()).length === 1);
    const waiting = await api.get(`/runs/${runId}`);
    expect(waiting.body).toMatchObject({ status: 'waiting', step_index: 2 });
    expect(Date.parse(waiting.body.wake_at)).toBe(eventAt + 3_000);

    expect(await server.stop('SIGTERM')).toBe(0);
    const stoppedAt = Date.now();
    // On a busy machine the start may take longer than the wait: then the wait came due while
    // no process ran at all, which is the harder case.
    server = await processes.serve('serve (after the restart)');
    const upAgainAt = Date.now();

    await waitFor('the second message', 15_000, async () => (await messagesOfRun()).length === 2);
    const seenAt = Date.now();
    const second = (await messagesOfRun()).find((message) => message.step_index === 2);
    const firedAfter = Date.parse(second?.created_at ?? '') - eventAt;
    console.log(
      `[${dialect}] real wait of 3 s: stopped at +${stoppedAt - postedAt} ms, ` +
        `up again at +${upAgainAt - postedAt} ms, ` +
        `second message created at +${firedAfter} ms, seen at +${seenAt - postedAt} ms`,
    );
    expect(firedAfter).toBeGreaterThanOrEqual(3_000);
    expect(firedAfter).toBeLessThan(15_000);
    expect(seenAt - postedAt).toBeGreaterThanOrEqual(3_000);

    const done = await api.get(`/runs/${runId}`);
    expect(done.body.status).toBe('completed');
    expect(done.body.log.map((entry: { kind: string }) => entry.kind)).toEqual([
      'started',
      'email_queued',
      'wait_started',
      'email_queued',
      'completed',
    ]);
    expect(await server.stop('SIGTERM')).toBe(0);
  }, 60_000);

  it('ends serve, worker and serve --no-worker on SIGTERM with 0, handing work back', async () => {
    const { db } = database.handle;
    const account = await createAccount('Graceful stops');
    const server = await processes.serve('serve (SIGTERM under load)');
    const api = apiClient(() => server.url, account.key);
    await createScenario(api, {
      eventType: 'drill.stop',
      entityId: 'stop_1',
      roles: twoRoles,
      waitDuration: '2s',
    });
    let firing = true;
    const load = fireEvents({
      api,
      clients: 4,
      running: () => firing,
      event: (n) => ({ event_type: 'drill.stop', entity_id: 'stop_1', data: { n } }),
    });
    await sleep(1_500);

    // Stopped while requests arrive and work is in hand.
    expect(await server.stop('SIGTERM'), lastLogs(server)).toBe(0);
    firing = false;
    const fired = await load;
    expect(countLogs(server, 'stopped')).toBe(1);
    expect(countLogs(server, 'worker stopped')).toBe(1);
    expect(await leasesHeldBy(db, server.owner() ?? '')).toEqual({ runIds: [], messageIds: [] });

    // A worker alone finishes what serve left, and stops as cleanly.
    const worker = await processes.worker('worker (SIGTERM)');
    await waitFor('the worker to finish the work', 30_000, async () => {
      const pending = await pendingWork(db, account.accountId);
      return pending.runs === 0 && pending.messages === 0;
    });
    expect(await worker.stop('SIGTERM'), lastLogs(worker)).toBe(0);
    expect(countLogs(worker, 'stopped')).toBe(1);
    expect(countLogs(worker, 'worker stopped')).toBe(1);
    expect(await leasesHeldBy(db, worker.owner() ?? '')).toEqual({ runIds: [], messageIds: [] });

    const audit = await auditEngine(db, account.accountId, fired.accepted, {
      sendSteps: [0, 2],
      recipients: 2,
      waitMs: 2_000,
    });
    console.log(
      `[${dialect}] SIGTERM under load: accepted ${fired.accepted.length}, ` +
        `${fired.connectionErrors} refused after the stop and ` +
        `${fired.otherAnswers[503] ?? 0} answered 503 during it, ` +
        `${audit.unacknowledgedEvents} stored without their 202 reaching the client`,
    );
    // Fastify refuses requests that reach a closing server with 503: refused, not lost.
    expect(Object.keys(fired.otherAnswers).filter((status) => status !== '503')).toEqual([]);
    expect(audit.lostEvents).toEqual([]);
    expect(audit.runsByStatus).toEqual({ completed: audit.runs });
    expect(audit.messages).toBe(2 * 2 * audit.runs);

    const apiOnly = await processes.serve('serve --no-worker (SIGTERM)', ['serve', '--no-worker']);
    expect(apiOnly.owner()).toBeNull();
    expect(await apiOnly.stop('SIGTERM'), lastLogs(apiOnly)).toBe(0);
    expect(countLogs(apiOnly, 'stopped')).toBe(1);
  }, 90_000);
});
