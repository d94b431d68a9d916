import type { FastifyRequest } from 'fastify';
import { apiKeyModeOf } from '../domain/api-key-secret.js';
import { effectiveEventLimit } from '../store/accounts-store.js';
import { findApiKeyBySecret, touchApiKey } from '../store/api-keys-store.js';
import type { App, Caller } from './app-context.js';
import { clerkCaller } from './clerk-caller.js';
import { type ClerkVerifier, createClerkVerifier } from './clerk-verifier.js';
import { ApiError } from './problem.js';
import { requestedLivemode } from './requested-livemode.js';
import { sessionCaller } from './session-caller.js';
import { sessionCookieName } from './session-cookie.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Who may call the route. Unset: an API key, a Clerk token or the console's session.
     * `public`: anyone (sign-up, sign-in). `session`: the console's session cookie only.
     */
    auth?: 'public' | 'session';
  }
}

const challenge = { 'WWW-Authenticate': 'Bearer realm="emivoy"' };

/** Makes every route of `app` require a caller; registered inside the /api/v1 scope. */
export async function requireAuthentication(app: App): Promise<void> {
  const clerkConfig = app.services.config.clerk;
  const clerk = clerkConfig ? await createClerkVerifier(clerkConfig) : null;

  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request) => {
    const auth = request.routeOptions.config.auth;
    if (auth === 'public') return;
    request.caller =
      auth === 'session'
        ? await sessionCaller(app, request)
        : await authenticate(app, request, clerk);
  });
}

/** An Authorization header wins over the cookie: a script with a key means the key. */
async function authenticate(
  app: App,
  request: FastifyRequest,
  clerk: ClerkVerifier | null,
): Promise<Caller> {
  const header = request.headers.authorization;
  if (!header && request.cookies[sessionCookieName]) return sessionCaller(app, request);
  if (!header) {
    throw new ApiError(
      'authentication_required',
      'Send your API key as "Authorization: Bearer em_live_…", or sign in to the console',
      undefined,
      challenge,
    );
  }

  const [scheme, token] = header.split(' ', 2);
  if (scheme?.toLowerCase() !== 'bearer' || !token) {
    throw new ApiError(
      'authentication_required',
      'Use the Bearer scheme: "Authorization: Bearer em_live_…"',
      undefined,
      challenge,
    );
  }
  const looksLikeKey = token.startsWith('em_live_') || token.startsWith('em_test_');
  if (clerk && !looksLikeKey) {
    return clerkCaller(app, clerk, token, requestedLivemode(request));
  }
  return apiKeyCaller(app, token);
}

async function apiKeyCaller(app: App, token: string): Promise<Caller> {
  if (apiKeyModeOf(token) === null) {
    throw new ApiError(
      'invalid_api_key',
      'The bearer token is not an Emivoy API key',
      undefined,
      challenge,
    );
  }

  const { db } = app.services.database;
  const key = await findApiKeyBySecret(db, token);
  if (!key) throw new ApiError('invalid_api_key', 'No such API key', undefined, challenge);
  if (key.revoked_at !== null)
    throw new ApiError('api_key_revoked', undefined, undefined, challenge);

  await touchApiKey(db, key, app.services.now());
  return {
    accountId: key.account_id,
    livemode: key.mode === 'live',
    apiKeyId: key.id,
    monthlyEventLimit: effectiveEventLimit(key, app.services.config.monthlyEventLimit),
    userId: null,
    sessionId: null,
  };
}
