import type { PagedList } from '../paged-list.js';
import { type PostOptions, pagedData, Resource } from '../resource.js';
import type {
  Page,
  Suppression,
  SuppressionCreateParams,
  SuppressionListParams,
} from '../types.js';

/** Addresses that are not mailed again (bounces, spam reports, unsubscribes, by hand). */
export class Suppressions extends Resource {
  /** Suppressed addresses, newest first; filters: `email`, `reason`. */
  list(params: SuppressionListParams = {}): PagedList<Page<Suppression>, Suppression> {
    return pagedData(
      (cursor) => this.call('get', '/api/v1/suppressions', { query: { ...params, cursor } }),
      params.cursor,
    );
  }

  /** Suppresses an address by hand: no policy mails it until it is deleted. */
  create(body: SuppressionCreateParams, options: PostOptions = {}): Promise<Suppression> {
    return this.call('post', '/api/v1/suppressions', {
      body,
      idempotencyKey: options.idempotencyKey,
    });
  }

  /** Removes an address from the list: policies may mail it again. */
  async delete(email: string): Promise<void> {
    await this.call('delete', '/api/v1/suppressions/{email}', { path: { email } });
  }
}
