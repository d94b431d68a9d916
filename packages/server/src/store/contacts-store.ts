import type { Kysely, Selectable } from 'kysely';
import { newId } from '../ids.js';
import { containsText } from './contains-text.js';
import type { ContactsTable, Database } from './database.js';
import { findOwned } from './find-owned.js';
import { decodeCursor, type Page, toPage } from './pagination.js';

export type ContactRow = Selectable<ContactsTable>;

export interface ContactInput {
  entity_id: string;
  role: string;
  email: string;
  name?: string | null | undefined;
  attributes?: Record<string, unknown> | undefined;
}

/**
 * Attaches a contact to an entity of the account, or returns undefined when the account has
 * no entity with that `entity_id`. Emails are stored lowercased, so that the uniqueness of
 * (entity, role, email) and the `email` filter ignore case, as mail servers do in practice.
 */
export async function insertContact(
  db: Kysely<Database>,
  accountId: string,
  input: ContactInput,
  now = Date.now(),
): Promise<ContactRow | undefined> {
  const row: ContactRow = {
    id: newId('con', now),
    account_id: accountId,
    entity_id: input.entity_id,
    role: input.role,
    email: input.email.toLowerCase(),
    name: input.name ?? null,
    attributes: JSON.stringify(input.attributes ?? {}),
    created_at: now,
    updated_at: now,
  };
  return db.transaction().execute(async (trx) => {
    if (!(await lockEntity(trx, accountId, input.entity_id))) return undefined;

    await trx.insertInto('contacts').values(row).execute();
    return row;
  });
}

/**
 * Whether the entity exists, holding its row until the transaction ends, so that deleting
 * the entity waits for the new contact. The update changes nothing: it is the one row lock
 * that SQLite and PostgreSQL spell the same way.
 */
async function lockEntity(
  trx: Kysely<Database>,
  accountId: string,
  externalId: string,
): Promise<boolean> {
  const result = await trx
    .updateTable('entities')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('account_id', '=', accountId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export function findContact(
  db: Kysely<Database>,
  accountId: string,
  contactId: string,
): Promise<ContactRow | undefined> {
  return findOwned(db, 'contacts', accountId, contactId);
}

export interface ContactPatch {
  role?: string | undefined;
  email?: string | undefined;
  name?: string | null | undefined;
  attributes?: Record<string, unknown> | undefined;
}

export async function patchContact(
  db: Kysely<Database>,
  accountId: string,
  contactId: string,
  patch: ContactPatch,
  now = Date.now(),
): Promise<ContactRow | undefined> {
  const changes: Partial<ContactRow> = { updated_at: now };
  if (patch.role !== undefined) changes.role = patch.role;
  if (patch.email !== undefined) changes.email = patch.email.toLowerCase();
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.attributes !== undefined) changes.attributes = JSON.stringify(patch.attributes);

  const result = await db
    .updateTable('contacts')
    .set(changes)
    .where('account_id', '=', accountId)
    .where('id', '=', contactId)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return undefined;
  return findContact(db, accountId, contactId);
}

export async function deleteContact(
  db: Kysely<Database>,
  accountId: string,
  contactId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('contacts')
    .where('account_id', '=', accountId)
    .where('id', '=', contactId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export interface ContactFilters {
  limit: number;
  cursor?: string | undefined;
  entity_id?: string | undefined;
  role?: string | undefined;
  email?: string | undefined;
  q?: string | undefined;
  created_after?: number | undefined;
  created_before?: number | undefined;
}

export async function listContacts(
  db: Kysely<Database>,
  accountId: string,
  filters: ContactFilters,
): Promise<Page<ContactRow>> {
  let query = db.selectFrom('contacts').selectAll().where('account_id', '=', accountId);
  if (filters.cursor) query = query.where('id', '<', decodeCursor(filters.cursor));
  if (filters.entity_id) query = query.where('entity_id', '=', filters.entity_id);
  if (filters.role) query = query.where('role', '=', filters.role);
  if (filters.email) query = query.where('email', '=', filters.email.toLowerCase());
  if (filters.created_after !== undefined)
    query = query.where('created_at', '>', filters.created_after);
  if (filters.created_before !== undefined)
    query = query.where('created_at', '<', filters.created_before);
  if (filters.q) query = query.where(containsText(['email', 'name', 'entity_id'], filters.q));

  const rows = await query
    .orderBy('id', 'desc')
    .limit(filters.limit + 1)
    .execute();
  return toPage(rows, filters.limit, (row) => row);
}
