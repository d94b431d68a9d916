import fc from 'fast-check';
import type { Kysely } from 'kysely';
import type { Database } from '../packages/server/src/store/database.js';
import { lastLogs } from '../packages/server/test/harness/emivoy-processes.js';
import { apiClient } from '../packages/server/test/harness/event-load.js';
import {
  fingerprintOf,
  type OpenApiPaths,
  type Operation,
  operationsOf,
} from '../packages/server/test/harness/fuzz-inputs.js';
import type { Drill, DrillOutcome } from './lib/drill.js';
import { openRig } from './lib/emivoy-rig.js';
import { type FuzzBody, fuzzBody, fuzzQuery, pathValue } from './lib/fuzz-arbitraries.js';

interface Tally {
  requests: number;
  accepted: number;
  refused: number;
  /** Each broken rule, once per operation: a 5xx, a refusal that is not a problem, a change. */
  broken: string[];
}

/**
 * fast-check over real HTTP against `emivoy serve --no-worker` (no worker, so nothing changes
 * the database behind the drill's back): every operation of the OpenAPI document, with
 * nearly-valid and hostile bodies, path values and query strings. No answer may be a 5xx; a
 * refusal must be a problem document and leave every watched table as it was.
 */
export const fuzzDrill: Drill = {
  name: 'fuzz',
  databases: ['sqlite', 'postgres'],
  run: async (ctx, dialect): Promise<DrillOutcome> => {
    const runsPerOperation = ctx.short ? (dialect === 'sqlite' ? 20 : 12) : 200;
    const rig = await openRig(
      dialect,
      { postgresServer: ctx.postgresUrl },
      {
        accountName: 'Fuzz drill',
      },
    );
    try {
      const server = await rig.processes.serve('serve --no-worker', ['serve', '--no-worker']);
      await createFixtures(server.url, rig.account.key);
      const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenApiPaths;
      const operations = operationsOf(document);
      ctx.progress(`${operations.length} operations, ${runsPerOperation} runs each`);

      const tally: Tally = { requests: 0, accepted: 0, refused: 0, broken: [] };
      for (const operation of operations) {
        await fuzzOperation(operation, {
          url: server.url,
          key: rig.account.key,
          db: rig.database.handle.db,
          runs: runsPerOperation,
          tally,
        });
      }
      ctx.progress(`${tally.requests} requests: ${tally.accepted} 2xx, ${tally.refused} refused`);

      const failures = [...tally.broken];
      const ready = await fetch(`${server.url}/readyz`).catch(() => null);
      if (ready?.status !== 200) failures.push('GET /readyz failed after the fuzzing');
      const code = await server.stop('SIGTERM');
      if (code !== 0) failures.push(`serve exited ${code}: ${lastLogs(server)}`);
      return {
        tried: `${tally.requests} fuzzed requests over ${operations.length} operations`,
        accepted: tally.accepted,
        processed: tally.refused,
        lost: null,
        duplicated: null,
        failures,
        notes: [
          `accepted = answered 2xx; processed = refused with a problem and no state change; ` +
            `${tally.broken.length} operations broke a rule`,
        ],
      };
    } finally {
      await rig.close();
    }
  },
};

async function fuzzOperation(
  operation: Operation,
  target: { url: string; key: string; db: Kysely<Database>; runs: number; tally: Tally },
): Promise<void> {
  const request = fc.record({
    values: fc.array(pathValue, { minLength: 3, maxLength: 3 }),
    body: fuzzBody,
    query: fuzzQuery(operation.queryNames),
  });
  const details = await fc.check(
    fc.asyncProperty(request, async ({ values, body, query }) => {
      let index = 0;
      const path = operation.path.replace(/\{[^}]+\}/g, () =>
        encodeURIComponent(values[index++] ?? 'x'),
      );
      const search = new URLSearchParams(query).toString();
      const url = search ? `${path}?${search}` : path;
      const before = await fingerprintOf(target.db);
      const answer = await send(target, operation, url, body);
      target.tally.requests++;

      const what = `${operation.method} ${url}`;
      if (answer.status >= 500) throw new Error(`${what} answered ${answer.status}`);
      if (answer.status < 400) {
        target.tally.accepted++;
        return;
      }
      if (!answer.contentType.includes('application/problem+json')) {
        throw new Error(`${what} refused with ${answer.status} but not as a problem`);
      }
      if ((await fingerprintOf(target.db)) !== before) {
        throw new Error(`${what} answered ${answer.status} yet changed the database`);
      }
      target.tally.refused++;
    }),
    { numRuns: target.runs },
  );
  if (details.failed) {
    const error = details.errorInstance instanceof Error ? details.errorInstance.message : '';
    target.tally.broken.push(
      `${operation.method} ${operation.path}: ${error} (shrunk to ${JSON.stringify(
        details.counterexample,
      ).slice(0, 300)})`,
    );
  }
}

async function send(
  target: { url: string; key: string },
  operation: Operation,
  url: string,
  body: FuzzBody,
): Promise<{ status: number; contentType: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${target.key}` };
  let payload: string | undefined;
  if (operation.hasBody) {
    headers['content-type'] = 'json' in body ? 'application/json' : body.contentType;
    payload = 'json' in body ? JSON.stringify(body.json) : body.raw;
  }
  const response = await fetch(`${target.url}${url}`, {
    method: operation.method,
    headers,
    ...(payload === undefined ? {} : { body: payload }),
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '' };
}

/** The rows the fuzzed ids point at: an entity, a contact, a template, a policy. */
async function createFixtures(url: string, key: string): Promise<void> {
  const api = apiClient(() => url, key);
  await api.create('/entities', { external_id: 'acct_1', entity_type: 'account' });
  await api.create('/contacts', { entity_id: 'acct_1', role: 'billing_contact', email: 'a@b.c' });
  const template = await api.create('/templates', { name: 'T', subject: 'S', text_body: 'x' });
  await api.create('/policies', {
    name: 'P',
    event_type: 'x.y',
    steps: [{ type: 'send_email', template_id: template.template_id }],
  });
}
