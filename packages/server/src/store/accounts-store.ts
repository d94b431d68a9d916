import type { Kysely, Selectable } from 'kysely';
import { newId } from '../ids.js';
import type { AccountsTable, Database } from './database.js';

export type AccountRow = Selectable<AccountsTable>;

/** Stored in `monthly_event_limit` when an operator lifts the limit for an account. */
export const unlimitedEvents = -1;

export async function createAccount(
  db: Kysely<Database>,
  name: string,
  now = Date.now(),
  clerkOrgId: string | null = null,
): Promise<AccountRow> {
  const row: AccountRow = {
    id: newId('acc', now),
    name,
    monthly_event_limit: null,
    clerk_org_id: clerkOrgId,
    created_at: now,
  };
  await db.insertInto('accounts').values(row).execute();
  return row;
}

export async function findAccount(
  db: Kysely<Database>,
  accountId: string,
): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
}

/** The account made for a Clerk organisation, if it was seen before. */
export async function findAccountByClerkOrg(
  db: Kysely<Database>,
  clerkOrgId: string,
): Promise<AccountRow | undefined> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('clerk_org_id', '=', clerkOrgId)
    .executeTakeFirst();
}

export async function listAccounts(db: Kysely<Database>): Promise<AccountRow[]> {
  return db.selectFrom('accounts').selectAll().orderBy('id').execute();
}

/** Sets an account's plan: a number of events a month, or null for unlimited. */
export async function setMonthlyEventLimit(
  db: Kysely<Database>,
  accountId: string,
  limit: number | null,
): Promise<AccountRow | undefined> {
  await db
    .updateTable('accounts')
    .set({ monthly_event_limit: limit === null ? unlimitedEvents : limit })
    .where('id', '=', accountId)
    .execute();
  return findAccount(db, accountId);
}

/** The limit in force for an account: its own, else the server's default; null is none. */
export function effectiveEventLimit(
  account: Pick<AccountRow, 'monthly_event_limit'>,
  defaultLimit: number | null,
): number | null {
  if (account.monthly_event_limit === null) return defaultLimit;
  if (account.monthly_event_limit === unlimitedEvents) return null;
  return account.monthly_event_limit;
}
