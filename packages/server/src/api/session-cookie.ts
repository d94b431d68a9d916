import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply } from 'fastify';
import type { Config } from '../config.js';
import { sessionLifetimeMs } from '../store/sessions-store.js';

/** The console's session cookie; its value is the session secret. */
export const sessionCookieName = 'emivoy_session';

/** The header a cookie-authenticated write must carry, holding the session's csrf_token. */
export const csrfHeaderName = 'x-csrf-token';

/**
 * HttpOnly keeps the secret from scripts; SameSite=Lax keeps it off cross-site writes; Secure
 * whenever the server is reached over https, so the secret never crosses the network in clear.
 */
function cookieOptions(config: Config): CookieSerializeOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: config.publicUrl.startsWith('https://'),
  };
}

export function setSessionCookie(reply: FastifyReply, secret: string, config: Config): void {
  reply.setCookie(sessionCookieName, secret, {
    ...cookieOptions(config),
    maxAge: sessionLifetimeMs / 1000,
  });
  // The answer carries the session's CSRF token: no cache may keep it.
  reply.header('Cache-Control', 'no-store');
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(sessionCookieName, cookieOptions(config));
}
