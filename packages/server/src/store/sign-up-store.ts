import type { Kysely } from 'kysely';
import { type AccountRow, createAccount } from './accounts-store.js';
import type { Database } from './database.js';
import { addMembership } from './memberships-store.js';
import { createSession, type SessionRow } from './sessions-store.js';
import { createUser, type UserRow } from './users-store.js';

export interface SignUp {
  email: string;
  name: string | null;
  passwordHash: string;
  accountName: string;
}

export interface SignedUp {
  user: UserRow;
  account: AccountRow;
  session: SessionRow;
  /** The session cookie's value; only its hash is stored. */
  secret: string;
}

/**
 * A new user, their first account with them as owner, and a signed-in session, in one
 * transaction: a sign-up that fails leaves no user without an account behind. A taken
 * email surfaces as the database's unique violation.
 */
export async function signUp(
  db: Kysely<Database>,
  input: SignUp,
  now = Date.now(),
): Promise<SignedUp> {
  return db.transaction().execute(async (trx) => {
    const user = await createUser(
      trx,
      { email: input.email, name: input.name, passwordHash: input.passwordHash, clerkUserId: null },
      now,
    );
    const account = await createAccount(trx, input.accountName, now);
    await addMembership(trx, { userId: user.id, accountId: account.id, role: 'owner' }, now);
    const { row, secret } = await createSession(
      trx,
      { userId: user.id, accountId: account.id },
      now,
    );
    return { user, account, session: row, secret };
  });
}
