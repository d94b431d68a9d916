import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { lastLogs, sleep } from '../packages/server/test/harness/emivoy-processes.js';
import {
  type AcceptedEvent,
  type ApiClient,
  apiClient,
  createScenario,
  type LoadResult,
} from '../packages/server/test/harness/event-load.js';
import { type Drill, type DrillOutcome, skippedOutcome } from './lib/drill.js';
import { openRig } from './lib/emivoy-rig.js';
import { engineVerdict, waitUntilQuiet } from './lib/engine-verdict.js';
import { postUntilAccepted } from './lib/post-until-accepted.js';
import { mountTmpfs, type TmpfsMount } from './lib/tmpfs-mount.js';

const diskSize = '8m';
const fillerBytes = 2 * 1024 * 1024;
/** Each event carries this much data, so the disk fills in a few hundred events. */
const padding = 'x'.repeat(8_000);
const clients = 4;

/**
 * SQLite on a tmpfs of 8 MB, a 2 MB filler file put there first, then events until the disk
 * is full. While full, every refusal is a 507 `storage_full` problem, never a 202 for an event
 * that was not stored, and the server stays up. Once the filler is deleted it accepts again,
 * finishes every accepted event, and `PRAGMA integrity_check` says ok.
 */
export const diskFullDrill: Drill = {
  name: 'disk-full',
  databases: ['sqlite'],
  run: async (ctx, dialect): Promise<DrillOutcome> => {
    const fullForMs = ctx.short ? 1_500 : 20_000;
    const tried = `SQLite on a ${diskSize} tmpfs, full for ${fullForMs / 1000} s, then freed`;
    let mount: TmpfsMount;
    try {
      mount = await mountTmpfs(diskSize);
    } catch (error) {
      return skippedOutcome(tried, (error as Error).message);
    }
    const failures: string[] = [];
    try {
      const filler = path.join(mount.dir, 'filler');
      fs.writeFileSync(filler, Buffer.alloc(fillerBytes));
      const rig = await openRig(dialect, { dataDir: mount.dir }, { accountName: 'Disk drill' });
      const { db } = rig.database.handle;
      try {
        const server = await rig.processes.serve('serve');
        const api = apiClient(() => server.url, rig.account.key);
        await createScenario(api, {
          eventType: 'disk.tick',
          entityId: 'disk_1',
          roles: ['billing_contact'],
          waitDuration: '1s',
        });
        const event = (n: number | string) => ({
          event_type: 'disk.tick',
          entity_id: 'disk_1',
          data: { n, padding },
        });

        const fill = await fillTheDisk(api, event, fullForMs);
        ctx.progress(
          `disk full after ${fill.accepted.length} events; then ${fill.refused} refusals: ` +
            `${JSON.stringify(fill.answers)}`,
        );
        failures.push(...fill.failures.map((failure) => explained(failure, server.logs)));
        if (fill.refused === 0) failures.push('the disk never filled up: no request was refused');
        if (!server.alive()) failures.push(`serve died of the full disk: ${lastLogs(server)}`);
        const health = await fetch(`${server.url}/healthz`).catch(() => null);
        if (health?.status !== 200) failures.push('GET /healthz failed while the disk was full');
        const listed = await api.get('/events?limit=1').catch(() => null);
        if (listed?.status !== 200) failures.push(`reads failed while full: ${listed?.status}`);

        fs.rmSync(filler);
        ctx.progress(`deleted the ${fillerBytes / 1024 / 1024} MB filler`);
        const probe = await postUntilAccepted(api, () => event('after'), 15_000);
        ctx.progress(`the API accepted again ${probe.ms} ms after the space was freed`);
        const fired: LoadResult = {
          accepted: fill.accepted,
          connectionErrors: 0,
          otherAnswers: {},
        };
        if (probe.accepted) fired.accepted.push(probe.accepted);
        else
          failures.push(`no 202 within 15 s of freeing space: ${JSON.stringify(probe.refusals)}`);

        const pending = await waitUntilQuiet(db, rig.account.accountId, 30_000);
        if (pending) failures.push(pending);
        const verdict = await engineVerdict(db, rig.account.accountId, fired, {
          sendSteps: [0, 2],
          recipients: 1,
          waitMs: 1_000,
          messageStatus: 'captured',
        });
        failures.push(...verdict.failures);
        const code = await server.stop('SIGTERM');
        if (code !== 0) failures.push(`serve exited ${code} on SIGTERM: ${lastLogs(server)}`);
        const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(
          db,
        );
        const verdictText = integrity.rows.map((row) => row.integrity_check).join('; ');
        if (verdictText !== 'ok') failures.push(`PRAGMA integrity_check: ${verdictText}`);

        return {
          tried,
          accepted: verdict.accepted,
          processed: verdict.processed,
          lost: verdict.lost,
          duplicated: verdict.duplicated,
          failures,
          notes: [
            `while full: ${JSON.stringify(fill.answers)}; accepted again ${probe.ms} ms after ` +
              `freeing space; integrity_check ${verdictText}; ` +
              `${verdict.unacknowledged} events stored without a 202`,
          ],
        };
      } finally {
        await rig.close();
      }
    } finally {
      await mount.remove();
    }
  },
};

/**
 * Posts events from a few clients until the first refusal, then for `fullForMs` more. Every
 * refusal must be a 507 `storage_full` problem; anything else is a failure.
 */
async function fillTheDisk(
  api: ApiClient,
  event: (n: number) => unknown,
  fullForMs: number,
): Promise<{
  accepted: AcceptedEvent[];
  refused: number;
  answers: Record<string, number>;
  failures: string[];
}> {
  const accepted: AcceptedEvent[] = [];
  const answers: Record<string, number> = {};
  const failures: string[] = [];
  let refused = 0;
  let fullSince: number | null = null;
  const giveUpAt = Date.now() + 120_000;
  let sequence = 0;

  const client = async () => {
    while (Date.now() < giveUpAt && (fullSince === null || Date.now() - fullSince < fullForMs)) {
      const answer = await api.post('/events', event(sequence++)).catch(() => null);
      const key = answer ? `${answer.status} ${answer.body?.code ?? ''}`.trim() : 'no answer';
      answers[key] = (answers[key] ?? 0) + 1;
      if (answer?.status === 202) {
        const runIds = answer.body.runs_started.map((run: { run_id: string }) => run.run_id);
        accepted.push({ eventId: answer.body.event_id, runIds });
        continue;
      }
      refused++;
      fullSince ??= Date.now();
      if (answer?.status !== 507 || answer.body?.code !== 'storage_full') {
        if (failures.length < 3)
          failures.push(`refused with ${key}: ${JSON.stringify(answer?.body)}`);
      }
      await sleep(20);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return { accepted, refused, answers, failures };
}

/** A refusal's sentence with the server's own log of the error, found by its request id. */
function explained(failure: string, logs: Array<Record<string, unknown>>): string {
  const requestId = /"request_id":"([^"]+)"/.exec(failure)?.[1];
  const line = requestId ? logs.find((l) => l.requestId === requestId && l.err) : undefined;
  const err = line?.err as { type?: string; code?: string; message?: string } | undefined;
  if (!err) return failure;
  return `${failure}; the server logged ${err.type} ${err.code ?? ''}: ${err.message}`;
}
