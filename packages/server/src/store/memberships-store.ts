import type { Kysely, Selectable } from 'kysely';
import type { Database, MemberRole, MembershipsTable } from './database.js';
import { hasRowLocks } from './has-row-locks.js';
import { decodeCursor, type Page, toPage } from './pagination.js';

export type MembershipRow = Selectable<MembershipsTable>;

/** An account as one of its members sees it in the account switcher. */
export interface UserAccount {
  account_id: string;
  name: string;
  role: MemberRole;
}

/** A member as the account's member list shows them. */
export interface MemberRow {
  user_id: string;
  email: string | null;
  name: string | null;
  role: MemberRole;
  created_at: number;
}

/**
 * Adds a membership and says whether it did: an existing one is left as it is, since two
 * first requests of a Clerk user may race to add the same one.
 */
export async function addMembership(
  db: Kysely<Database>,
  input: { userId: string; accountId: string; role: MemberRole },
  now = Date.now(),
): Promise<boolean> {
  const result = await db
    .insertInto('memberships')
    .values({
      user_id: input.userId,
      account_id: input.accountId,
      role: input.role,
      created_at: now,
    })
    .onConflict((conflict) => conflict.columns(['user_id', 'account_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findMembership(
  db: Kysely<Database>,
  userId: string,
  accountId: string,
): Promise<MembershipRow | undefined> {
  return db
    .selectFrom('memberships')
    .selectAll()
    .where('user_id', '=', userId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

/** Every account the user belongs to, oldest membership first. */
export async function listUserAccounts(
  db: Kysely<Database>,
  userId: string,
): Promise<UserAccount[]> {
  return db
    .selectFrom('memberships')
    .innerJoin('accounts', 'accounts.id', 'memberships.account_id')
    .select(['accounts.id as account_id', 'accounts.name', 'memberships.role'])
    .where('memberships.user_id', '=', userId)
    .orderBy('memberships.created_at')
    .orderBy('accounts.id')
    .execute();
}

/** The account's members, oldest user first; the cursor is the last user id. */
export async function listMembers(
  db: Kysely<Database>,
  accountId: string,
  options: { limit: number; cursor?: string | undefined },
): Promise<Page<MemberRow>> {
  let query = db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.email', 'users.name', 'memberships.role', 'memberships.created_at'])
    .where('memberships.account_id', '=', accountId);
  if (options.cursor) query = query.where('users.id', '>', decodeCursor(options.cursor));

  const rows = await query
    .orderBy('users.id')
    .limit(options.limit + 1)
    .execute();
  return toPage(rows, options.limit, ({ id, ...rest }) => ({ user_id: id, ...rest }));
}

export type RemoveMemberResult = 'removed' | 'not_found' | 'last_owner';

/**
 * Removes a member unless that would leave the account without an owner. The account row
 * is locked first on PostgreSQL, so two owners removing each other cannot both succeed;
 * SQLite runs one writer at a time anyway.
 */
export async function removeMembership(
  db: Kysely<Database>,
  accountId: string,
  userId: string,
): Promise<RemoveMemberResult> {
  const lockRows = hasRowLocks(db);
  return db.transaction().execute(async (trx) => {
    if (lockRows) {
      await trx
        .selectFrom('accounts')
        .select('id')
        .where('id', '=', accountId)
        .forUpdate()
        .execute();
    }
    const member = await findMembership(trx, userId, accountId);
    if (!member) return 'not_found';

    if (member.role === 'owner') {
      const owners = await trx
        .selectFrom('memberships')
        .select((eb) => eb.fn.countAll<string | number>().as('count'))
        .where('account_id', '=', accountId)
        .where('role', '=', 'owner')
        .executeTakeFirstOrThrow();
      if (Number(owners.count) <= 1) return 'last_owner';
    }
    await trx
      .deleteFrom('memberships')
      .where('user_id', '=', userId)
      .where('account_id', '=', accountId)
      .execute();
    return 'removed';
  });
}
