import type {
  ApiAnswer,
  ApiClient,
  LoadResult,
} from '../../packages/server/test/harness/event-load.js';
import { sleep } from './progress.js';

/**
 * Posts one event every `1000 / perSecond` ms, each without waiting for the one before, until
 * `running()` turns false: a steady stream, where fireEvents goes as fast as it can.
 */
export async function paceEvents(options: {
  api: ApiClient;
  perSecond: number;
  running: () => boolean;
  event: (sequence: number) => unknown;
}): Promise<LoadResult> {
  const result: LoadResult = { accepted: [], connectionErrors: 0, otherAnswers: {} };
  const inFlight: Array<Promise<void>> = [];
  const post = async (sequence: number) => {
    let answer: ApiAnswer;
    try {
      answer = await options.api.post('/events', options.event(sequence));
    } catch {
      result.connectionErrors++;
      return;
    }
    if (answer.status !== 202) {
      result.otherAnswers[answer.status] = (result.otherAnswers[answer.status] ?? 0) + 1;
      return;
    }
    result.accepted.push({
      eventId: answer.body.event_id,
      runIds: answer.body.runs_started.map((run: { run_id: string }) => run.run_id),
    });
  };

  const intervalMs = 1000 / options.perSecond;
  const startedAt = Date.now();
  for (let sequence = 0; options.running(); sequence++) {
    inFlight.push(post(sequence));
    await sleep(Math.max(0, startedAt + (sequence + 1) * intervalMs - Date.now()));
  }
  await Promise.all(inFlight);
  return result;
}
