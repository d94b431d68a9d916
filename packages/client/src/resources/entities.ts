import { PagedList } from '../paged-list.js';
import { type PostOptions, pagedData, Resource } from '../resource.js';
import type {
  Entity,
  EntityCreateParams,
  EntityListParams,
  EntityReplaceParams,
  EntityUpdateParams,
  Page,
  Timeline,
  TimelineItem,
  TimelineParams,
} from '../types.js';

/** Your domain objects, each identified by your own `external_id` (its `entity_id`). */
export class Entities extends Resource {
  /** Creates an entity; an `external_id` that exists is refused (ConflictError `entity_exists`). */
  create(body: EntityCreateParams, options: PostOptions = {}): Promise<Entity> {
    return this.call('post', '/api/v1/entities', { body, idempotencyKey: options.idempotencyKey });
  }

  /** The entity whose `external_id` is `entityId`. */
  get(entityId: string): Promise<Entity> {
    return this.call('get', '/api/v1/entities/{entity_id}', { path: { entity_id: entityId } });
  }

  /** Entities, newest first; filters: `entity_type`, `q`, `created_after`, `created_before`. */
  list(params: EntityListParams = {}): PagedList<Page<Entity>, Entity> {
    return pagedData(
      (cursor) => this.call('get', '/api/v1/entities', { query: { ...params, cursor } }),
      params.cursor,
    );
  }

  /** Creates the entity `entityId`, or replaces every field of the one that exists. */
  replace(entityId: string, body: EntityReplaceParams): Promise<Entity> {
    const path = { entity_id: entityId };
    return this.call('put', '/api/v1/entities/{entity_id}', { path, body });
  }

  /** Changes only the fields given. */
  update(entityId: string, body: EntityUpdateParams): Promise<Entity> {
    const path = { entity_id: entityId };
    return this.call('patch', '/api/v1/entities/{entity_id}', { path, body });
  }

  /** Deletes the entity and its contacts; events about it stay. */
  async delete(entityId: string): Promise<void> {
    await this.call('delete', '/api/v1/entities/{entity_id}', { path: { entity_id: entityId } });
  }

  /**
   * Every event, run, wait, message and cancellation about the entity. `limit` counts
   * events, newest first; a page holds everything about its events, oldest first.
   * Awaited: one page (`data`); iterated with `for await`: every item.
   */
  timeline(entityId: string, params: TimelineParams = {}): PagedList<Timeline, TimelineItem> {
    const path = { entity_id: entityId };
    return new PagedList(
      (cursor) =>
        this.call('get', '/api/v1/entities/{entity_id}/timeline', {
          path,
          query: { ...params, cursor },
        }),
      (page) => page.data,
      params.cursor,
    );
  }
}
