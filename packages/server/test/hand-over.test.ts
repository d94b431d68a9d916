import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The API hands the runs an event starts to its own worker (engine/accept-event.ts,
 * `handOver`). On SQLite it does so before the event's commit, so the worker's advance of
 * them joins the same shared commit: by the time the 202 is sent, the first step's message
 * is stored too. On PostgreSQL the runs are handed over once committed. Either way no poll
 * is needed: this worker polls once a minute.
 */
describe.each(testDialects())('hand-over of started runs on %s', (dialect) => {
  let server: TestServer;
  let entity = 0;

  const post = (url: string, body: unknown) => server.request('POST', url, { body });
  const messagesOf = async (runId: string) =>
    server.database.handle.db
      .selectFrom('messages')
      .select(['status', 'to_email'])
      .where('run_id', '=', runId)
      .execute();

  async function postEvent(): Promise<string> {
    const externalId = `ent_${++entity}`;
    await post('/api/v1/entities', { external_id: externalId, entity_type: 'account' });
    await post('/api/v1/contacts', {
      entity_id: externalId,
      role: 'billing',
      email: `${externalId}@x.test`,
    });
    const answer = await post('/api/v1/events', {
      event_type: 'invoice.sent',
      entity_id: externalId,
    });
    expect(answer.status).toBe(202);
    return answer.body.runs_started[0].run_id as string;
  }

  async function capturedSoon(runId: string): Promise<void> {
    for (let attempt = 0; attempt < 500; attempt++) {
      const [message] = await messagesOf(runId);
      if (message?.status === 'captured') return;
      await sleep(10);
    }
    throw new Error(`the message of run ${runId} was not captured within 5 s`);
  }

  beforeAll(async () => {
    server = await startTestServer(dialect, { worker: { pollMs: 60_000 } });
    const template = await post('/api/v1/templates', {
      name: 'Invoice',
      subject: 'Invoice for {{entity_name}}',
      text_body: 'Please pay.',
    });
    const policy = await post('/api/v1/policies', {
      name: 'invoice',
      event_type: 'invoice.sent',
      steps: [{ type: 'send_email', template_id: template.body.template_id }],
    });
    expect(policy.status).toBe(201);
    server.worker.start();
    // One event through first, so the worker has made its start-up round and sleeps.
    await capturedSoon(await postEvent());
    await sleep(50);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('delivers an event’s first step without waiting for a poll', async () => {
    const runId = await postEvent();
    if (dialect === 'sqlite') {
      // Stored by the event's own commit: there as soon as the 202 is.
      expect(await messagesOf(runId)).toEqual([
        { status: 'captured', to_email: `ent_${entity}@x.test` },
      ]);
    } else {
      await capturedSoon(runId);
    }
  });
});
