import type { FastifyRequest } from 'fastify';
import { sameToken } from '../domain/session-secret.js';
import { effectiveEventLimit, findAccount } from '../store/accounts-store.js';
import { listUserAccounts } from '../store/memberships-store.js';
import {
  type ActiveSession,
  deleteSession,
  findSessionBySecret,
  setSessionAccount,
  touchSession,
} from '../store/sessions-store.js';
import type { App, Caller } from './app-context.js';
import { ApiError } from './problem.js';
import { requestedLivemode } from './requested-livemode.js';
import { csrfHeaderName, sessionCookieName } from './session-cookie.js';

/** Methods a browser lets any page trigger; they change nothing, so need no CSRF token. */
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The caller behind the console's session cookie. Writes must echo the session's CSRF token
 * in `X-CSRF-Token`: a cross-site page can make the browser send the cookie, never read the
 * token. The account is the session's current one, while the user is still its member.
 */
export async function sessionCaller(app: App, request: FastifyRequest): Promise<Caller> {
  const secret = request.cookies[sessionCookieName];
  if (!secret) {
    throw new ApiError('authentication_required', 'Sign in to the console first');
  }
  const { db } = app.services.database;
  const now = app.services.now();
  const session = await findSessionBySecret(db, secret);
  if (!session || session.expires_at <= now) {
    if (session) await deleteSession(db, session.id);
    throw new ApiError('authentication_required', 'Your console session has ended: sign in again');
  }

  if (!safeMethods.has(request.method)) {
    const token = request.headers[csrfHeaderName];
    if (typeof token !== 'string' || !sameToken(token, session.csrf_token)) {
      throw new ApiError(
        'csrf_failed',
        'Send the csrf_token of GET /api/v1/auth/session in the X-CSRF-Token header',
      );
    }
  }

  const current = await currentAccount(app, session);
  await touchSession(db, session, now);
  return {
    accountId: current.accountId,
    livemode: requestedLivemode(request),
    apiKeyId: null,
    monthlyEventLimit: effectiveEventLimit(current, app.services.config.monthlyEventLimit),
    userId: session.user_id,
    sessionId: session.id,
  };
}

/**
 * The session's account, or, when an owner removed the user from it, their first other
 * account: a removed member keeps no access, and need not sign in again.
 */
async function currentAccount(app: App, session: ActiveSession) {
  if (session.role !== null) {
    const limit = session.monthly_event_limit;
    return { accountId: session.current_account_id, monthly_event_limit: limit };
  }
  const { db } = app.services.database;
  const other = (await listUserAccounts(db, session.user_id))[0];
  const account = other && (await findAccount(db, other.account_id));
  if (!account) {
    throw new ApiError('forbidden', 'You are no longer a member of any account');
  }
  await setSessionAccount(db, session.id, account.id);
  return { accountId: account.id, monthly_event_limit: account.monthly_event_limit };
}
