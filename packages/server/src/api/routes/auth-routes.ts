import { Type } from '@sinclair/typebox';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../../domain/password-hash.js';
import { hashSessionSecret } from '../../domain/session-secret.js';
import { findMembership, listUserAccounts } from '../../store/memberships-store.js';
import {
  createSession,
  deleteExpiredSessions,
  deleteSession,
  findSession,
  setSessionAccount,
} from '../../store/sessions-store.js';
import { signUp } from '../../store/sign-up-store.js';
import { isUniqueViolation } from '../../store/unique-violation.js';
import { findUser, findUserByEmail, normalizeEmail } from '../../store/users-store.js';
import { type App, callerOf } from '../app-context.js';
import { ApiError } from '../problem.js';
import {
  presentSession,
  Session,
  SignedUp,
  SignInBody,
  SignUpBody,
  SwitchAccountBody,
} from '../schemas/auth-schemas.js';
import { errorResponses } from '../schemas/common.js';
import { clearSessionCookie, sessionCookieName, setSessionCookie } from '../session-cookie.js';
import { SigninThrottle } from '../signin-throttle.js';

const tags = ['auth'];
const publicRoute = { auth: 'public' as const };
const sessionRoute = { auth: 'session' as const };
const cookieSecurity = [{ sessionCookie: [] }];

/**
 * The console's own sign-up and sign-in. Bodies must be JSON objects: a cross-site form can
 * only post text or form fields, which are refused, so no other site can sign a visitor in
 * to an account of its choosing.
 */
export async function authRoutes(app: App): Promise<void> {
  const { db } = app.services.database;
  const { config } = app.services;
  const throttle = new SigninThrottle();

  /** A new secret at every sign-in: the session the browser had before ends here. */
  const endPreviousSession = async (secret: string | undefined) => {
    if (secret) await deleteSession(db, hashSessionSecret(secret));
  };

  /** The answer of every route that starts or reads a session. */
  const describe = async (sessionId: string, currentAccountId?: string) => {
    const session = await findSession(db, sessionId);
    const user = session && (await findUser(db, session.user_id));
    if (!session || !user) throw new ApiError('authentication_required', 'Sign in again');
    const accounts = await listUserAccounts(db, user.id);
    return presentSession(user, accounts, session, currentAccountId);
  };

  app.post(
    '/auth/signup',
    {
      config: publicRoute,
      schema: {
        tags,
        operationId: 'signUp',
        summary: 'Create a user and their first account, and sign in (sets the session cookie)',
        security: [],
        body: SignUpBody,
        response: { 201: SignedUp, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const email = normalizeEmail(body.email);
      if (await findUserByEmail(db, email)) throw emailTaken();

      // Hashed before the transaction, so no database lock waits on scrypt.
      const passwordHash = await hashPassword(body.password);
      const now = app.services.now();
      const input = {
        email,
        name: body.name ?? null,
        passwordHash,
        accountName: body.account_name,
      };
      const created = await signUp(db, input, now).catch((error: unknown) => {
        throw isUniqueViolation(error) ? emailTaken() : error;
      });
      request.log.info({ userId: created.user.id, accountId: created.account.id }, 'signed up');
      await endPreviousSession(request.cookies[sessionCookieName]);

      setSessionCookie(reply, created.secret, config);
      const session = await describe(created.session.id);
      const account = { account_id: created.account.id, name: created.account.name };
      return reply.code(201).send({ ...session, account: { ...account, role: 'owner' as const } });
    },
  );

  app.post(
    '/auth/signin',
    {
      config: publicRoute,
      schema: {
        tags,
        operationId: 'signIn',
        summary: 'Sign in with email and password (sets the session cookie)',
        security: [],
        body: SignInBody,
        response: { 200: Type.Ref(Session), ...errorResponses },
      },
    },
    async (request, reply) => {
      const email = normalizeEmail(request.body.email);
      const throttleKey = `${request.ip} ${email}`;
      const now = app.services.now();
      const wait = throttle.retryAfter(throttleKey, now);
      if (wait > 0) {
        throw new ApiError(
          'signin_rate_limited',
          `Too many failed sign-ins for this email; try again in ${wait} seconds`,
          undefined,
          { 'Retry-After': String(wait) },
        );
      }

      // The same scrypt work whether or not the email exists: timing tells nothing either.
      const user = await findUserByEmail(db, email);
      const stored = user?.password_hash ?? (await decoyPasswordHash());
      const matches = await verifyPassword(request.body.password, stored);
      if (!user?.password_hash || !matches) {
        throttle.recordFailure(throttleKey, now);
        throw new ApiError('invalid_credentials', 'The email or password is not right');
      }
      throttle.reset(throttleKey);

      const first = (await listUserAccounts(db, user.id))[0];
      if (!first) {
        throw new ApiError('forbidden', 'You are not a member of any account: ask an owner');
      }
      await deleteExpiredSessions(db, user.id, now);
      await endPreviousSession(request.cookies[sessionCookieName]);

      const created = await createSession(
        db,
        { userId: user.id, accountId: first.account_id },
        now,
      );
      setSessionCookie(reply, created.secret, config);
      return describe(created.row.id);
    },
  );

  app.post(
    '/auth/signout',
    {
      config: sessionRoute,
      schema: {
        tags,
        operationId: 'signOut',
        summary: 'End the console session and clear its cookie',
        security: cookieSecurity,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deleteSession(db, sessionIdOf(request));
      clearSessionCookie(reply, config);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/auth/session',
    {
      config: sessionRoute,
      schema: {
        tags,
        operationId: 'getSession',
        summary: 'The signed-in user, their accounts, the current one and the CSRF token',
        security: cookieSecurity,
        response: { 200: Type.Ref(Session), ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      reply.header('Cache-Control', 'no-store');
      return describe(sessionIdOf(request), caller.accountId);
    },
  );

  app.post(
    '/auth/switch-account',
    {
      config: sessionRoute,
      schema: {
        tags,
        operationId: 'switchAccount',
        summary: 'Make another of your accounts the one the session acts on',
        security: cookieSecurity,
        body: SwitchAccountBody,
        response: { 200: Type.Ref(Session), ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const accountId = request.body.account_id;
      // Someone else's account and no account at all look the same.
      if (!caller.userId || !(await findMembership(db, caller.userId, accountId))) {
        throw new ApiError('account_not_found', `You are not a member of ${accountId}`);
      }
      await setSessionAccount(db, sessionIdOf(request), accountId);
      reply.header('Cache-Control', 'no-store');
      return describe(sessionIdOf(request));
    },
  );
}

/** The session of a `session` route; its authentication hook guarantees one. */
function sessionIdOf(request: Parameters<typeof callerOf>[0]): string {
  const sessionId = callerOf(request).sessionId;
  if (!sessionId) throw new Error('route is missing session authentication');
  return sessionId;
}

function emailTaken(): ApiError {
  return new ApiError('email_taken', 'A user with this email exists: sign in instead');
}
