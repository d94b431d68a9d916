import type { Kysely, Selectable } from 'kysely';
import type { PolicyDefinition } from '../domain/policy-definition.js';
import { templateIdsOf } from '../domain/validate-policy.js';
import { newId } from '../ids.js';
import { containsText } from './contains-text.js';
import type { Database, PoliciesTable } from './database.js';
import { findOwned } from './find-owned.js';
import { hasRowLocks } from './has-row-locks.js';
import { decodeCursor, type Page, toPage } from './pagination.js';

export type PolicyRow = Selectable<PoliciesTable>;

export interface PolicyInput {
  name: string;
  event_type: string;
  enabled: boolean;
  definition: PolicyDefinition;
}

/** Some `send_email` step names a template this account does not have. */
export class MissingTemplatesError extends Error {
  override name = 'MissingTemplatesError';

  constructor(readonly templateIds: string[]) {
    super(`no template ${templateIds.join(', ')} in this account`);
  }
}

/** The policy was changed by someone else after the caller read what its patch builds on. */
export class StalePolicyError extends Error {
  override name = 'StalePolicyError';
}

/**
 * Inserts a policy at version 1, recording that version for the runs that will pin it.
 * Throws `MissingTemplatesError` (and stores nothing) when a step's template is missing.
 */
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
    await requireTemplates(trx, accountId, input.definition);
    await trx.insertInto('policies').values(row).execute();
    await insertVersion(trx, row, now);
  });
  return row;
}

/**
 * Throws unless every template the definition sends exists in the account. On PostgreSQL the
 * templates are read FOR SHARE: a template delete in progress is waited for (and then seen),
 * and one that starts later waits for this write, then finds the policy that uses it.
 * SQLite needs no lock: its writers take turns.
 */
async function requireTemplates(
  trx: Kysely<Database>,
  accountId: string,
  definition: PolicyDefinition,
): Promise<void> {
  const ids = templateIdsOf(definition);
  if (ids.length === 0) return;

  let query = trx
    .selectFrom('templates')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', 'in', ids);
  if (hasRowLocks(trx)) query = query.forShare();
  const found = new Set((await query.execute()).map((row) => row.id));

  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw new MissingTemplatesError(missing);
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

export function findPolicy(
  db: Kysely<Database>,
  accountId: string,
  policyId: string,
): Promise<PolicyRow | undefined> {
  return findOwned(db, 'policies', accountId, policyId);
}

export interface PolicyPatch {
  name?: string | undefined;
  event_type?: string | undefined;
  enabled?: boolean | undefined;
  definition?: PolicyDefinition | undefined;
  /**
   * The version the caller read and merged `definition` from: if the policy has moved on
   * since, the patch throws `StalePolicyError` rather than overwrite the other change.
   */
  baseVersion?: number | undefined;
}

/**
 * Applies a patch. A changed definition or event type makes a new version: runs already
 * started keep the version they pinned, runs started from now on get the new one.
 * Throws `MissingTemplatesError` or `StalePolicyError`, changing nothing.
 */
export async function patchPolicy(
  db: Kysely<Database>,
  accountId: string,
  policyId: string,
  patch: PolicyPatch,
  now = Date.now(),
): Promise<PolicyRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const current = await findPolicyForUpdate(trx, accountId, policyId);
    if (!current) return undefined;
    if (patch.baseVersion !== undefined && patch.baseVersion !== current.version) {
      throw new StalePolicyError(`policy ${policyId} is at version ${current.version} now`);
    }
    if (patch.definition) await requireTemplates(trx, accountId, patch.definition);

    const next = patchedRow(current, patch, now);
    await trx
      .updateTable('policies')
      .set(next)
      .where('account_id', '=', accountId)
      .where('id', '=', policyId)
      .execute();
    if (next.version !== current.version) await insertVersion(trx, next, now);
    return next;
  });
}

/**
 * The current row, locked until the transaction ends on PostgreSQL, so that two patches
 * cannot both make version N + 1. SQLite's writers take turns anyway.
 */
async function findPolicyForUpdate(
  trx: Kysely<Database>,
  accountId: string,
  policyId: string,
): Promise<PolicyRow | undefined> {
  let query = trx
    .selectFrom('policies')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', policyId);
  if (hasRowLocks(trx)) query = query.forUpdate();
  return query.executeTakeFirst();
}

function patchedRow(current: PolicyRow, patch: PolicyPatch, now: number): PolicyRow {
  const next: PolicyRow = { ...current, updated_at: now };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.event_type !== undefined) next.event_type = patch.event_type;
  if (patch.enabled !== undefined) next.enabled = patch.enabled ? 1 : 0;
  if (patch.definition !== undefined) next.definition = JSON.stringify(patch.definition);

  // Comparing the stored JSON is exact: definitions are built with their keys in one order.
  const changed = next.definition !== current.definition || next.event_type !== current.event_type;
  if (changed) next.version = current.version + 1;
  return next;
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
