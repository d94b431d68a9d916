import type { PagedList } from '../paged-list.js';
import { type PostOptions, pagedData, Resource } from '../resource.js';
import type {
  ApiKey,
  ApiKeyCreateParams,
  ApiKeyListParams,
  ApiKeyWithSecret,
  Page,
} from '../types.js';

/** Secrets for server-to-server calls: `em_live_…` and `em_test_…`. */
export class ApiKeys extends Resource {
  /**
   * Creates a key (`mode: 'live'` by default, or `'test'`); its secret is in `key`, in this
   * answer only. A test-mode key can create only test-mode keys (ForbiddenError).
   */
  create(body: ApiKeyCreateParams = {}, options: PostOptions = {}): Promise<ApiKeyWithSecret> {
    return this.call('post', '/api/v1/api-keys', { body, idempotencyKey: options.idempotencyKey });
  }

  /** Keys with a hint (`em_live_…a1B2`), never their secrets. */
  list(params: ApiKeyListParams = {}): PagedList<Page<ApiKey>, ApiKey> {
    return pagedData(
      (cursor) => this.call('get', '/api/v1/api-keys', { query: { ...params, cursor } }),
      params.cursor,
    );
  }

  /** Revokes a key at once: calls with it fail with AuthenticationError from then on. */
  revoke(apiKeyId: string): Promise<ApiKey> {
    return this.call('delete', '/api/v1/api-keys/{id}', { path: { id: apiKeyId } });
  }
}
