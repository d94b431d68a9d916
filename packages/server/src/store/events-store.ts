import type { Kysely, Selectable } from 'kysely';
import type { Database, EventsTable } from './database.js';
import { findOwned } from './find-owned.js';
import { decodeCursor, type Page, toPage } from './pagination.js';
import { preparedQuery } from './prepared-query.js';

export type EventRow = Selectable<EventsTable>;

export async function insertEvent(db: Kysely<Database>, row: EventRow): Promise<void> {
  const { id, account_id, event_type, entity_id, data, livemode, created_at } = row;
  await insertEventRow(db, id, account_id, event_type, entity_id, data, livemode, created_at);
}

const insertEventRow = preparedQuery(
  (
    db,
    id: string,
    account_id: string,
    event_type: string,
    entity_id: string,
    data: string,
    livemode: number,
    created_at: number,
  ) =>
    db
      .insertInto('events')
      .values({ id, account_id, event_type, entity_id, data, livemode, created_at }),
);

export function findEvent(
  db: Kysely<Database>,
  accountId: string,
  eventId: string,
): Promise<EventRow | undefined> {
  return findOwned(db, 'events', accountId, eventId);
}

export interface EventFilters {
  limit: number;
  cursor?: string | undefined;
  event_type?: string | undefined;
  entity_id?: string | undefined;
  livemode?: boolean | undefined;
  created_after?: number | undefined;
  created_before?: number | undefined;
}

export async function listEvents(
  db: Kysely<Database>,
  accountId: string,
  filters: EventFilters,
): Promise<Page<EventRow>> {
  let query = db.selectFrom('events').selectAll().where('account_id', '=', accountId);
  if (filters.cursor) query = query.where('id', '<', decodeCursor(filters.cursor));
  if (filters.event_type) query = query.where('event_type', '=', filters.event_type);
  if (filters.entity_id) query = query.where('entity_id', '=', filters.entity_id);
  if (filters.livemode !== undefined)
    query = query.where('livemode', '=', filters.livemode ? 1 : 0);
  if (filters.created_after !== undefined)
    query = query.where('created_at', '>', filters.created_after);
  if (filters.created_before !== undefined)
    query = query.where('created_at', '<', filters.created_before);

  const rows = await query
    .orderBy('id', 'desc')
    .limit(filters.limit + 1)
    .execute();
  return toPage(rows, filters.limit, (row) => row);
}
