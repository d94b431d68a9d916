import type { AcceptedEvent, ApiClient } from '../../packages/server/test/harness/event-load.js';
import { sleep } from './progress.js';

export interface Probe {
  /** The event once answered 202; null if none was within the time. */
  accepted: AcceptedEvent | null;
  /** Milliseconds until the 202, or until giving up. */
  ms: number;
  /** Every other answer on the way, by status (`error` when there was none). */
  refusals: Record<string, number>;
}

/** Posts `event` every 100 ms until one is answered 202, for up to `timeoutMs`. */
export async function postUntilAccepted(
  api: ApiClient,
  event: () => unknown,
  timeoutMs: number,
): Promise<Probe> {
  const startedAt = Date.now();
  const refusals: Record<string, number> = {};
  while (Date.now() - startedAt < timeoutMs) {
    const answer = await api.post('/events', event()).catch(() => null);
    if (answer?.status === 202) {
      const runIds = answer.body.runs_started.map((run: { run_id: string }) => run.run_id);
      return {
        accepted: { eventId: answer.body.event_id, runIds },
        ms: Date.now() - startedAt,
        refusals,
      };
    }
    const key = answer ? String(answer.status) : 'error';
    refusals[key] = (refusals[key] ?? 0) + 1;
    await sleep(100);
  }
  return { accepted: null, ms: Date.now() - startedAt, refusals };
}
