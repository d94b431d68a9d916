import type { Kysely, Selectable } from 'kysely';
import { newId } from '../ids.js';
import { containsText } from './contains-text.js';
import type { Database, EntitiesTable } from './database.js';
import { decodeCursor, type Page, toPage } from './pagination.js';

export type EntityRow = Selectable<EntitiesTable>;

export interface EntityInput {
  external_id: string;
  entity_type: string;
  name?: string | null | undefined;
  attributes?: Record<string, unknown> | undefined;
}

export async function insertEntity(
  db: Kysely<Database>,
  accountId: string,
  input: EntityInput,
  now = Date.now(),
): Promise<EntityRow> {
  const row: EntityRow = {
    id: newId('ent', now),
    account_id: accountId,
    external_id: input.external_id,
    entity_type: input.entity_type,
    name: input.name ?? null,
    attributes: JSON.stringify(input.attributes ?? {}),
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('entities').values(row).execute();
  return row;
}

export async function findEntity(
  db: Kysely<Database>,
  accountId: string,
  externalId: string,
): Promise<EntityRow | undefined> {
  return db
    .selectFrom('entities')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

/** Replaces an entity's fields, creating it when absent; says which of the two it did. */
export async function upsertEntity(
  db: Kysely<Database>,
  accountId: string,
  input: EntityInput,
  now = Date.now(),
): Promise<{ row: EntityRow; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const existing = await findEntity(trx, accountId, input.external_id);
    if (!existing) return { row: await insertEntity(trx, accountId, input, now), created: true };

    const changes = {
      entity_type: input.entity_type,
      name: input.name ?? null,
      attributes: JSON.stringify(input.attributes ?? {}),
      updated_at: now,
    };
    await trx.updateTable('entities').set(changes).where('id', '=', existing.id).execute();
    return { row: { ...existing, ...changes }, created: false };
  });
}

export interface EntityPatch {
  entity_type?: string | undefined;
  name?: string | null | undefined;
  attributes?: Record<string, unknown> | undefined;
}

export async function patchEntity(
  db: Kysely<Database>,
  accountId: string,
  externalId: string,
  patch: EntityPatch,
  now = Date.now(),
): Promise<EntityRow | undefined> {
  const changes: Partial<EntityRow> = { updated_at: now };
  if (patch.entity_type !== undefined) changes.entity_type = patch.entity_type;
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.attributes !== undefined) changes.attributes = JSON.stringify(patch.attributes);

  const result = await db
    .updateTable('entities')
    .set(changes)
    .where('account_id', '=', accountId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return undefined;
  return findEntity(db, accountId, externalId);
}

/** Deletes an entity and its contacts; its events stay, since events are immutable facts. */
export async function deleteEntity(
  db: Kysely<Database>,
  accountId: string,
  externalId: string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // The entity row goes first: its lock makes a concurrent insertContact (which locks the
    // same row) wait, so no contact can be added between the two deletes and be orphaned.
    const result = await trx
      .deleteFrom('entities')
      .where('account_id', '=', accountId)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) return false;

    await trx
      .deleteFrom('contacts')
      .where('account_id', '=', accountId)
      .where('entity_id', '=', externalId)
      .execute();
    return true;
  });
}

export interface EntityFilters {
  limit: number;
  cursor?: string | undefined;
  entity_type?: string | undefined;
  q?: string | undefined;
  created_after?: number | undefined;
  created_before?: number | undefined;
}

export async function listEntities(
  db: Kysely<Database>,
  accountId: string,
  filters: EntityFilters,
): Promise<Page<EntityRow>> {
  let query = db.selectFrom('entities').selectAll().where('account_id', '=', accountId);
  if (filters.cursor) query = query.where('id', '<', decodeCursor(filters.cursor));
  if (filters.entity_type) query = query.where('entity_type', '=', filters.entity_type);
  if (filters.created_after !== undefined)
    query = query.where('created_at', '>', filters.created_after);
  if (filters.created_before !== undefined)
    query = query.where('created_at', '<', filters.created_before);
  if (filters.q) {
    query = query.where(containsText(['external_id', 'name'], filters.q));
  }

  const rows = await query
    .orderBy('id', 'desc')
    .limit(filters.limit + 1)
    .execute();
  return toPage(rows, filters.limit, (row) => row);
}
