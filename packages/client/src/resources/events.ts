import type { PagedList } from '../paged-list.js';
import { pagedData, Resource } from '../resource.js';
import type {
  Event,
  EventAccepted,
  EventCreateParams,
  EventDetail,
  EventDryRun,
  EventListParams,
  Page,
} from '../types.js';

export interface EventCreateOptions {
  /** Answer what would happen (matched policies, recipients, rendered mail) and store nothing. */
  dryRun?: boolean;
  /**
   * Replaces the random key the client sends. A key derived from your own data
   * (`invoice-1042-overdue`) makes your own retries safe too, not only the client's.
   */
  idempotencyKey?: string;
}

/** Facts your application posts; each starts the matching policies and cancels runs. */
export class Events extends Resource {
  /**
   * Posts an event about the entity `entity_id` (its `external_id`). Every post carries an
   * `Idempotency-Key` (a new UUID unless you give one) and every retry reuses it, so a
   * retried post never stores the event twice.
   */
  create(
    body: EventCreateParams,
    options?: EventCreateOptions & { dryRun?: false },
  ): Promise<EventAccepted>;
  create(
    body: EventCreateParams,
    options: EventCreateOptions & { dryRun: true },
  ): Promise<EventDryRun>;
  create(
    body: EventCreateParams,
    options?: EventCreateOptions,
  ): Promise<EventAccepted | EventDryRun>;
  create(body: EventCreateParams, options: EventCreateOptions = {}) {
    if (options.dryRun) {
      // A dry run stores nothing, so sending it twice is harmless: no key is needed.
      return this.call('post', '/api/v1/events', {
        body,
        query: { dry_run: true },
        idempotencyKey: options.idempotencyKey,
        replaySafe: true,
      });
    }
    const idempotencyKey = options.idempotencyKey ?? crypto.randomUUID();
    return this.call('post', '/api/v1/events', { body, idempotencyKey });
  }

  /** The event with the runs it started and the messages they sent. */
  get(eventId: string): Promise<EventDetail> {
    return this.call('get', '/api/v1/events/{event_id}', { path: { event_id: eventId } });
  }

  /** Events of the key's mode (live or test), newest first. */
  list(params: EventListParams = {}): PagedList<Page<Event>, Event> {
    return pagedData(
      (cursor) => this.call('get', '/api/v1/events', { query: { ...params, cursor } }),
      params.cursor,
    );
  }
}
