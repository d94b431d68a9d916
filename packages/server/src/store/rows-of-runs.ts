import type { Kysely } from 'kysely';
import type { ContactRow } from './contacts-store.js';
import type { Database } from './database.js';
import type { EntityRow } from './entities-store.js';
import type { EventRow } from './events-store.js';

/**
 * Reads of many runs' rows in one statement each, always within one account: another
 * tenant's ids find nothing, as with `findOwned`.
 */
export function eventsByIds(
  db: Kysely<Database>,
  accountId: string,
  eventIds: string[],
): Promise<EventRow[]> {
  if (eventIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('events')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', eventIds)
    .execute();
}

export function entitiesByExternalIds(
  db: Kysely<Database>,
  accountId: string,
  externalIds: string[],
): Promise<EntityRow[]> {
  if (externalIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('entities')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('external_id', 'in', externalIds)
    .execute();
}

/** The contacts of some entities (by `external_id`), in id order. */
export function contactsOfEntities(
  db: Kysely<Database>,
  accountId: string,
  externalIds: string[],
): Promise<ContactRow[]> {
  if (externalIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('entity_id', 'in', externalIds)
    .orderBy('id')
    .execute();
}
