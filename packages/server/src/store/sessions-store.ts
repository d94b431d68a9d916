import type { Kysely, Selectable } from 'kysely';
import {
  generateCsrfToken,
  generateSessionSecret,
  hashSessionSecret,
} from '../domain/session-secret.js';
import type { Database, MemberRole, SessionsTable } from './database.js';

export type SessionRow = Selectable<SessionsTable>;

/** How long a console sign-in lasts, whatever the activity: thirty days. */
export const sessionLifetimeMs = 30 * 24 * 60 * 60 * 1000;

/** A session with what every request needs besides: the role and plan of its account. */
export interface ActiveSession extends SessionRow {
  /** Null when the user is no longer a member of the session's account. */
  role: MemberRole | null;
  monthly_event_limit: number | null;
}

/** Creates a session; returns the row and the secret for the cookie, never stored. */
export async function createSession(
  db: Kysely<Database>,
  input: { userId: string; accountId: string },
  now = Date.now(),
): Promise<{ row: SessionRow; secret: string }> {
  const secret = generateSessionSecret();
  const row: SessionRow = {
    id: hashSessionSecret(secret),
    user_id: input.userId,
    current_account_id: input.accountId,
    csrf_token: generateCsrfToken(),
    created_at: now,
    expires_at: now + sessionLifetimeMs,
    last_seen_at: now,
  };
  await db.insertInto('sessions').values(row).execute();
  return { row, secret };
}

/** The session whose cookie holds `secret`, expired or not: the caller decides. */
export async function findSessionBySecret(
  db: Kysely<Database>,
  secret: string,
): Promise<ActiveSession | undefined> {
  return db
    .selectFrom('sessions')
    .leftJoin('memberships', (join) =>
      join
        .onRef('memberships.user_id', '=', 'sessions.user_id')
        .onRef('memberships.account_id', '=', 'sessions.current_account_id'),
    )
    .innerJoin('accounts', 'accounts.id', 'sessions.current_account_id')
    .selectAll('sessions')
    .select(['memberships.role', 'accounts.monthly_event_limit'])
    .where('sessions.id', '=', hashSessionSecret(secret))
    .executeTakeFirst();
}

export async function findSession(
  db: Kysely<Database>,
  sessionId: string,
): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
}

export async function deleteSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Forgets the user's sessions that ran out; done at sign-in, so the table does not grow. */
export async function deleteExpiredSessions(
  db: Kysely<Database>,
  userId: string,
  now = Date.now(),
): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .where('expires_at', '<=', now)
    .execute();
}

export async function setSessionAccount(
  db: Kysely<Database>,
  sessionId: string,
  accountId: string,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ current_account_id: accountId })
    .where('id', '=', sessionId)
    .execute();
}

/** Records activity at most once a minute, so authentication does not write on every call. */
export async function touchSession(
  db: Kysely<Database>,
  row: SessionRow,
  now = Date.now(),
): Promise<void> {
  if (now - row.last_seen_at < 60_000) return;
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', row.id).execute();
}
