import type { Kysely, Selectable } from 'kysely';
import { newId } from '../ids.js';
import { containsText } from './contains-text.js';
import type { Database, TemplatesTable } from './database.js';
import { findOwned } from './find-owned.js';
import { decodeCursor, type Page, toPage } from './pagination.js';
import { policiesUsingTemplate } from './policies-store.js';

export type TemplateRow = Selectable<TemplatesTable>;

export interface TemplateInput {
  name: string;
  subject: string;
  text_body?: string | null | undefined;
  html_body?: string | null | undefined;
}

export async function insertTemplate(
  db: Kysely<Database>,
  accountId: string,
  input: TemplateInput,
  now = Date.now(),
): Promise<TemplateRow> {
  const row: TemplateRow = {
    id: newId('tpl', now),
    account_id: accountId,
    name: input.name,
    subject: input.subject,
    text_body: input.text_body ?? null,
    html_body: input.html_body ?? null,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('templates').values(row).execute();
  return row;
}

export function findTemplate(
  db: Kysely<Database>,
  accountId: string,
  templateId: string,
): Promise<TemplateRow | undefined> {
  return findOwned(db, 'templates', accountId, templateId);
}

/** The ids among `templateIds` that this account has no template for. */
export async function missingTemplateIds(
  db: Kysely<Database>,
  accountId: string,
  templateIds: string[],
): Promise<string[]> {
  if (templateIds.length === 0) return [];
  const found = await db
    .selectFrom('templates')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', 'in', templateIds)
    .execute();
  const present = new Set(found.map((row) => row.id));
  return templateIds.filter((id) => !present.has(id));
}

/**
 * Applies a patch to a template. `check` sees the template as stored by this patch and may
 * throw to refuse it, which rolls the patch back.
 */
export async function patchTemplate(
  db: Kysely<Database>,
  accountId: string,
  templateId: string,
  patch: Partial<TemplateInput>,
  check: (next: TemplateRow) => void,
  now = Date.now(),
): Promise<TemplateRow | undefined> {
  const changes: Partial<TemplateRow> = { updated_at: now };
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.subject !== undefined) changes.subject = patch.subject;
  if (patch.text_body !== undefined) changes.text_body = patch.text_body;
  if (patch.html_body !== undefined) changes.html_body = patch.html_body;

  return db.transaction().execute(async (trx) => {
    // NOTE: written first, then read: the update holds the row, so `check` judges this patch
    // together with any patch committed just before it, never a stale copy.
    const result = await trx
      .updateTable('templates')
      .set(changes)
      .where('account_id', '=', accountId)
      .where('id', '=', templateId)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return undefined;

    const next = await findTemplate(trx, accountId, templateId);
    if (next) check(next);
    return next;
  });
}

/** What a delete did: `usedBy` names the policies that kept the template from going. */
export interface TemplateDeletion {
  deleted: boolean;
  usedBy: string[];
}

/** Deletes a template unless a policy's current definition sends it. */
export async function deleteTemplate(
  db: Kysely<Database>,
  accountId: string,
  templateId: string,
): Promise<TemplateDeletion> {
  try {
    const deleted = await db.transaction().execute(async (trx) => {
      // NOTE: deleted first, then checked. The delete holds the row and a policy write reads
      // its templates FOR SHARE, so that write either commits before the check sees it or
      // waits for this delete and then finds the template gone.
      const result = await trx
        .deleteFrom('templates')
        .where('account_id', '=', accountId)
        .where('id', '=', templateId)
        .executeTakeFirst();
      if (result.numDeletedRows === 0n) return false;

      const usedBy = await policiesUsingTemplate(trx, accountId, templateId);
      if (usedBy.length > 0) throw new TemplateInUse(usedBy);
      return true;
    });
    return { deleted, usedBy: [] };
  } catch (error) {
    if (error instanceof TemplateInUse) return { deleted: false, usedBy: error.policyIds };
    throw error;
  }
}

/** Thrown inside the delete's transaction to roll it back. */
class TemplateInUse extends Error {
  constructor(readonly policyIds: string[]) {
    super('template is used by policies');
  }
}

export async function listTemplates(
  db: Kysely<Database>,
  accountId: string,
  filters: { limit: number; cursor?: string | undefined; q?: string | undefined },
): Promise<Page<TemplateRow>> {
  let query = db.selectFrom('templates').selectAll().where('account_id', '=', accountId);
  if (filters.cursor) query = query.where('id', '<', decodeCursor(filters.cursor));
  if (filters.q) query = query.where(containsText(['name', 'subject'], filters.q));

  const rows = await query
    .orderBy('id', 'desc')
    .limit(filters.limit + 1)
    .execute();
  return toPage(rows, filters.limit, (row) => row);
}
