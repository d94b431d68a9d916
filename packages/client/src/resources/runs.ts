import type { PagedList } from '../paged-list.js';
import { type PostOptions, pagedData, Resource } from '../resource.js';
import type { Page, Run, RunListParams } from '../types.js';

/** One policy executing for one event: its step, its status and its next wake-up. */
export class Runs extends Resource {
  /** Runs of the key's mode, newest first; filters: `status`, `event_id`, `policy_id`, … */
  list(params: RunListParams = {}): PagedList<Page<Run>, Run> {
    return pagedData(
      (cursor) => this.call('get', '/api/v1/runs', { query: { ...params, cursor } }),
      params.cursor,
    );
  }

  /** The run with its log: every step, wait, skipped recipient and cancellation. */
  get(runId: string): Promise<Run> {
    return this.call('get', '/api/v1/runs/{run_id}', { path: { run_id: runId } });
  }

  /** Cancels an active run: it sends nothing more. An ended run is a ConflictError. */
  cancel(runId: string, options: PostOptions = {}): Promise<Run> {
    const path = { run_id: runId };
    return this.call('post', '/api/v1/runs/{run_id}/cancel', {
      path,
      idempotencyKey: options.idempotencyKey,
    });
  }

  /** Test mode only: ends the run's current wait now, so a three-day policy runs in seconds. */
  advance(runId: string, options: PostOptions = {}): Promise<Run> {
    const path = { run_id: runId };
    return this.call('post', '/api/v1/runs/{run_id}/advance', {
      path,
      idempotencyKey: options.idempotencyKey,
    });
  }
}
