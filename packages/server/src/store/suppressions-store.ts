import type { Kysely, Selectable } from 'kysely';
import type { Database, SuppressionReason, SuppressionsTable } from './database.js';
import { decodeCursor, type Page, toPage } from './pagination.js';

export type SuppressionRow = Selectable<SuppressionsTable>;

/** Adds an address; an address already suppressed keeps its first reason. */
export async function addSuppression(
  db: Kysely<Database>,
  row: {
    account_id: string;
    email: string;
    reason: SuppressionReason;
    detail?: string | null;
    message_id?: string | null;
  },
  now: number,
): Promise<SuppressionRow> {
  const email = row.email.toLowerCase();
  await db
    .insertInto('suppressions')
    .values({
      account_id: row.account_id,
      email,
      reason: row.reason,
      detail: row.detail ?? null,
      message_id: row.message_id ?? null,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['account_id', 'email']).doNothing())
    .execute();
  return db
    .selectFrom('suppressions')
    .selectAll()
    .where('account_id', '=', row.account_id)
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
}

export async function removeSuppression(
  db: Kysely<Database>,
  accountId: string,
  email: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('suppressions')
    .where('account_id', '=', accountId)
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** The suppressed addresses among `emails`, each with its reason. */
export async function suppressedAmong(
  db: Kysely<Database>,
  accountId: string,
  emails: string[],
): Promise<Map<string, string>> {
  if (emails.length === 0) return new Map();
  const rows = await db
    .selectFrom('suppressions')
    .select(['email', 'reason'])
    .where('account_id', '=', accountId)
    .where(
      'email',
      'in',
      emails.map((email) => email.toLowerCase()),
    )
    .execute();
  return new Map(rows.map((row) => [row.email, row.reason]));
}

/** Suppressions are keyed by address; pages are ordered by it, since there is no time id. */
export async function listSuppressions(
  db: Kysely<Database>,
  accountId: string,
  filters: {
    limit: number;
    cursor?: string | undefined;
    email?: string | undefined;
    reason?: string | undefined;
  },
): Promise<Page<SuppressionRow>> {
  let query = db.selectFrom('suppressions').selectAll().where('account_id', '=', accountId);
  if (filters.cursor) query = query.where('email', '>', decodeCursor(filters.cursor));
  if (filters.email) query = query.where('email', '=', filters.email.toLowerCase());
  if (filters.reason) query = query.where('reason', '=', filters.reason as SuppressionReason);

  const rows = await query
    .orderBy('email')
    .limit(filters.limit + 1)
    .execute();
  return toPage(
    rows.map((row) => ({ ...row, id: row.email })),
    filters.limit,
    ({ id: _id, ...row }) => row,
  );
}
