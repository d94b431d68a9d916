import type { Kysely, Selectable } from 'kysely';
import type { PolicyDefinition } from '../domain/policy-definition.js';
import { newId } from '../ids.js';
import { containsText } from './contains-text.js';
import type { Database, PoliciesTable } from './database.js';
import { decodeCursor, type Page, toPage } from './pagination.js';

export type PolicyRow = Selectable<PoliciesTable>;

export interface PolicyInput {
  name: string;
  event_type: string;
  enabled: boolean;
  definition: PolicyDefinition;
}

/** Inserts a policy at version 1, recording that version for the runs that will pin it. */
export async function insertPolicy(
  db: Kysely<Database>,
  accountId: string,
  input: PolicyInput,
  now = Date.now(),
): Promise<PolicyRow> {
  const row: PolicyRow = {
    id: newId('pol', now),
    account_id: accountId,
    name: input.name,
    event_type: input.event_type,
    enabled: input.enabled ? 1 : 0,
    version: 1,
    definition: JSON.stringify(input.definition),
    created_at: now,
    updated_at: now,
  };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('policies').values(row).execute();
    await insertVersion(trx, row, now);
  });
  return row;
}

async function insertVersion(db: Kysely<Database>, row: PolicyRow, now: number): Promise<void> {
  await db
    .insertInto('policy_versions')
    .values({
      policy_id: row.id,
      version: row.version,
      account_id: row.account_id,
      definition: row.definition,
      created_at: now,
    })
    .execute();
}

export async function findPolicy(
  db: Kysely<Database>,
  accountId: string,
  policyId: string,
): Promise<PolicyRow | undefined> {
  return db
    .selectFrom('policies')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', policyId)
    .executeTakeFirst();
}

export interface PolicyPatch {
  name?: string | undefined;
  event_type?: string | undefined;
  enabled?: boolean | undefined;
  definition?: PolicyDefinition | undefined;
}

/**
 * Applies a patch. A changed definition makes a new version: runs already started keep the
 * version they pinned, runs started from now on get the new one.
 */
export async function patchPolicy(
  db: Kysely<Database>,
  accountId: string,
  policyId: string,
  patch: PolicyPatch,
  now = Date.now(),
): Promise<PolicyRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const current = await findPolicy(trx, accountId, policyId);
    if (!current) return undefined;

    const next: PolicyRow = { ...current, updated_at: now };
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.event_type !== undefined) next.event_type = patch.event_type;
    if (patch.enabled !== undefined) next.enabled = patch.enabled ? 1 : 0;
    if (patch.definition !== undefined) next.definition = JSON.stringify(patch.definition);

    const newVersion =
      next.definition !== current.definition || next.event_type !== current.event_type;
    if (newVersion) next.version = current.version + 1;

    await trx.updateTable('policies').set(next).where('id', '=', policyId).execute();
    if (newVersion) await insertVersion(trx, next, now);
    return next;
  });
}

export async function deletePolicy(
  db: Kysely<Database>,
  accountId: string,
  policyId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('policies')
    .where('account_id', '=', accountId)
    .where('id', '=', policyId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Policies whose current definition sends this template: a template in use is not deleted. */
export async function policiesUsingTemplate(
  db: Kysely<Database>,
  accountId: string,
  templateId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('policies')
    .select(['id', 'definition'])
    .where('account_id', '=', accountId)
    .where('definition', 'like', `%"${templateId}"%`)
    .execute();
  // The LIKE narrows; the parse decides, so a name that merely contains the id is no match.
  return rows
    .filter((row) => {
      const definition = JSON.parse(row.definition) as PolicyDefinition;
      return definition.steps.some((s) => s.type === 'send_email' && s.template_id === templateId);
    })
    .map((row) => row.id);
}

export async function listPolicies(
  db: Kysely<Database>,
  accountId: string,
  filters: {
    limit: number;
    cursor?: string | undefined;
    event_type?: string | undefined;
    enabled?: boolean | undefined;
    q?: string | undefined;
  },
): Promise<Page<PolicyRow>> {
  let query = db.selectFrom('policies').selectAll().where('account_id', '=', accountId);
  if (filters.cursor) query = query.where('id', '<', decodeCursor(filters.cursor));
  if (filters.event_type) query = query.where('event_type', '=', filters.event_type);
  if (filters.enabled !== undefined) query = query.where('enabled', '=', filters.enabled ? 1 : 0);
  if (filters.q) query = query.where(containsText(['name', 'event_type'], filters.q));

  const rows = await query
    .orderBy('id', 'desc')
    .limit(filters.limit + 1)
    .execute();
  return toPage(rows, filters.limit, (row) => row);
}
