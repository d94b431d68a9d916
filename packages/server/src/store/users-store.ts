import type { Kysely, Selectable } from 'kysely';
import { newId } from '../ids.js';
import type { Database, UsersTable } from './database.js';

export type UserRow = Selectable<UsersTable>;

export interface NewUser {
  email: string | null;
  name: string | null;
  passwordHash: string | null;
  clerkUserId: string | null;
}

/** Addresses are compared lower-case and without surrounding spaces. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function createUser(
  db: Kysely<Database>,
  input: NewUser,
  now = Date.now(),
): Promise<UserRow> {
  const row: UserRow = {
    id: newId('usr', now),
    email: input.email === null ? null : normalizeEmail(input.email),
    name: input.name,
    password_hash: input.passwordHash,
    clerk_user_id: input.clerkUserId,
    created_at: now,
  };
  await db.insertInto('users').values(row).execute();
  return row;
}

export async function findUser(db: Kysely<Database>, userId: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
}

export async function findUserByEmail(
  db: Kysely<Database>,
  email: string,
): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
}

export async function findUserByClerkId(
  db: Kysely<Database>,
  clerkUserId: string,
): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('clerk_user_id', '=', clerkUserId)
    .executeTakeFirst();
}
