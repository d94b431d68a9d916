import type { FastifyRequest } from 'fastify';
import { apiKeyModeOf } from '../domain/api-key-secret.js';
import { effectiveEventLimit } from '../store/accounts-store.js';
import { findApiKeyBySecret, touchApiKey } from '../store/api-keys-store.js';
import type { App, Caller } from './app-context.js';
import { ApiError } from './problem.js';

const challenge = { 'WWW-Authenticate': 'Bearer realm="emivoy"' };

/** Makes every route of `app` require a caller; registered inside the /api/v1 scope. */
export function requireAuthentication(app: App): void {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request) => {
    request.caller = await authenticate(app, request);
  });
}

async function authenticate(app: App, request: FastifyRequest): Promise<Caller> {
  const header = request.headers.authorization;
  if (!header) {
    throw new ApiError(
      'authentication_required',
      'Send your API key as "Authorization: Bearer em_live_…"',
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
  };
}
