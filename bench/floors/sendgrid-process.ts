/**
 * The stand-in SendGrid (packages/server/test/harness/fake-sendgrid.ts) in a process of its
 * own, so that its work (parsing, validating each body against SendGrid's OpenAPI schema)
 * is not done by the process being measured. Talks to the bench over IPC:
 *
 * - sends `{ type: 'ready', url }` once listening;
 * - `{ type: 'answer', delayMs }`: answer 202 after that delay from now on;
 * - `{ type: 'report' }`: replies `{ type: 'report', arrivals, outcomes }`, the wall-clock
 *   time (ms) each mail/send arrived and a count of the answers given, then forgets them.
 */
import {
  type RecordedRequest,
  sendgridAnswers,
  startFakeSendgrid,
} from '../../packages/server/test/harness/fake-sendgrid.js';

const apiKey = process.env.FAKE_SENDGRID_API_KEY ?? 'SG.bench';
const arrivalClock = () => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const fake = await startFakeSendgrid({ apiKey });
  let arrivals: number[] = [];
  let records: RecordedRequest[] = [];
  // The fake keeps every request it saw; here only their arrival times and outcomes are
  // needed, and they are dropped at each report so a long run does not fill the memory.
  fake.requests.push = (...items: RecordedRequest[]) => {
    const now = arrivalClock();
    for (const item of items) {
      records.push(item);
      if (item.path !== '/v3/mail/send') continue;
      // One arrival per recipient: a batched request brings many messages at once.
      const personalizations = (item.body as { personalizations?: unknown[] } | undefined)
        ?.personalizations;
      const recipients = Array.isArray(personalizations) ? personalizations.length : 1;
      for (let index = 0; index < recipients; index++) arrivals.push(now);
    }
    return records.length;
  };

  process.on('message', (message: { type: string; delayMs?: number }) => {
    if (message.type === 'answer') {
      const delayMs = message.delayMs ?? 0;
      fake.setDefault(delayMs > 0 ? sendgridAnswers.slow(delayMs) : sendgridAnswers.accepted());
      process.send?.({ type: 'answer-set' });
    } else if (message.type === 'report') {
      // Requests still waiting for their answer are counted once answered, in a later report.
      const outcomes: Record<string, number> = {};
      const unanswered: RecordedRequest[] = [];
      for (const record of records) {
        if (record.invalid.length === 0 && record.outcome === undefined) {
          unanswered.push(record);
          continue;
        }
        const key = record.invalid.length > 0 ? 'invalid' : String(record.outcome);
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      }
      process.send?.({ type: 'report', arrivals, outcomes });
      arrivals = [];
      records = unanswered;
    }
  });
  process.on('disconnect', () => {
    void fake.close().then(() => process.exit(0));
  });
  process.send?.({ type: 'ready', url: fake.url });
}

main().catch((error) => {
  process.stderr.write(
    `stand-in SendGrid failed: ${error instanceof Error ? error.stack : error}\n`,
  );
  process.exit(1);
});
