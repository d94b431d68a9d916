import type { Kysely } from 'kysely';
import {
  type AccountRow,
  createAccount,
  findAccount,
  findAccountByClerkOrg,
} from './accounts-store.js';
import type { Database } from './database.js';
import { addMembership, findMembership, listUserAccounts } from './memberships-store.js';
import { isUniqueViolation } from './unique-violation.js';
import { createUser, findUserByClerkId, findUserByEmail, type UserRow } from './users-store.js';

/** What a verified Clerk token says about its holder. */
export interface ClerkHolder {
  clerkUserId: string;
  clerkOrgId: string | null;
  orgSlug: string | null;
  email: string | null;
  name: string | null;
}

/**
 * The user and account a Clerk token acts as, made on first sight. The organisation is the
 * account (its creator's first token makes them owner, later members join as members);
 * without one, the user's first account, or a new one named after them.
 */
export async function clerkUserAndAccount(
  db: Kysely<Database>,
  holder: ClerkHolder,
  now = Date.now(),
): Promise<{ user: UserRow; account: AccountRow }> {
  const user = await clerkUser(db, holder, now);
  const account = holder.clerkOrgId
    ? await organisationAccount(db, holder.clerkOrgId, holder.orgSlug, user.id, now)
    : await personalAccount(db, user, now);
  return { user, account };
}

async function clerkUser(db: Kysely<Database>, holder: ClerkHolder, now: number) {
  const known = await findUserByClerkId(db, holder.clerkUserId);
  if (known) return known;

  // An address already signed up with a password stays with that user: a token claiming it
  // must not take over their accounts.
  const email = holder.email && !(await findUserByEmail(db, holder.email)) ? holder.email : null;
  const input = { email, name: holder.name, passwordHash: null, clerkUserId: holder.clerkUserId };
  try {
    return await createUser(db, input, now);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Two first requests raced, or the address was taken meanwhile.
    const raced = await findUserByClerkId(db, holder.clerkUserId);
    return raced ?? createUser(db, { ...input, email: null }, now);
  }
}

async function organisationAccount(
  db: Kysely<Database>,
  clerkOrgId: string,
  slug: string | null,
  userId: string,
  now: number,
): Promise<AccountRow> {
  const known = await findAccountByClerkOrg(db, clerkOrgId);
  if (known) {
    // Clerk says who belongs to the organisation; a read first, so most requests write nothing.
    if (!(await findMembership(db, userId, known.id))) {
      await addMembership(db, { userId, accountId: known.id, role: 'member' }, now);
    }
    return known;
  }

  try {
    return await db.transaction().execute(async (trx) => {
      const account = await createAccount(trx, slug ?? clerkOrgId, now, clerkOrgId);
      await addMembership(trx, { userId, accountId: account.id, role: 'owner' }, now);
      return account;
    });
  } catch (error) {
    const raced = isUniqueViolation(error) && (await findAccountByClerkOrg(db, clerkOrgId));
    if (!raced) throw error;
    await addMembership(db, { userId, accountId: raced.id, role: 'member' }, now);
    return raced;
  }
}

/**
 * NOTE: two first requests of a new user without an organisation may each create an
 * account; later requests all use the older one, so the other stays empty.
 */
async function personalAccount(db: Kysely<Database>, user: UserRow, now: number) {
  const first = (await listUserAccounts(db, user.id))[0];
  const existing = first && (await findAccount(db, first.account_id));
  if (existing) return existing;

  return db.transaction().execute(async (trx) => {
    const account = await createAccount(trx, user.name ?? user.email ?? 'My account', now);
    await addMembership(trx, { userId: user.id, accountId: account.id, role: 'owner' }, now);
    return account;
  });
}
