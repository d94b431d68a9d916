import { Resource } from '../resource.js';
import type { Usage as UsageAnswer } from '../types.js';

/** This month's live events against the plan's limit. */
export class Usage extends Resource {
  /** `events` used this calendar month (UTC), the plan's `limit` (null: unlimited), `remaining`. */
  get(): Promise<UsageAnswer> {
    return this.call('get', '/api/v1/usage');
  }
}
