import type { PagedList } from '../paged-list.js';
import { type PostOptions, pagedData, Resource } from '../resource.js';
import type {
  Page,
  Policy,
  PolicyCreateParams,
  PolicyListParams,
  PolicyUpdateParams,
} from '../types.js';

/** Event types mapped to steps: send an email, wait, send another. */
export class Policies extends Resource {
  create(body: PolicyCreateParams, options: PostOptions = {}): Promise<Policy> {
    return this.call('post', '/api/v1/policies', { body, idempotencyKey: options.idempotencyKey });
  }

  get(policyId: string): Promise<Policy> {
    return this.call('get', '/api/v1/policies/{policy_id}', { path: { policy_id: policyId } });
  }

  /** Policies, newest first; filters: `event_type`, `enabled`, `q`. */
  list(params: PolicyListParams = {}): PagedList<Page<Policy>, Policy> {
    return pagedData(
      (cursor) => this.call('get', '/api/v1/policies', { query: { ...params, cursor } }),
      params.cursor,
    );
  }

  /** Changes the fields given; a change of steps or rules makes a new `version`. */
  update(policyId: string, body: PolicyUpdateParams): Promise<Policy> {
    const path = { policy_id: policyId };
    return this.call('patch', '/api/v1/policies/{policy_id}', { path, body });
  }

  async delete(policyId: string): Promise<void> {
    await this.call('delete', '/api/v1/policies/{policy_id}', { path: { policy_id: policyId } });
  }
}
