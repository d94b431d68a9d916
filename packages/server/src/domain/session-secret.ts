import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A console session's cookie value: 32 random bytes as hex. */
export function generateSessionSecret(): string {
  return randomBytes(32).toString('hex');
}

/**
 * What is stored instead of the secret. SHA-256 suffices for the same reason as for API
 * keys: 256 random bits leave nothing for a slow hash to protect.
 */
export function hashSessionSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The token a session's pages echo in `X-CSRF-Token`: 32 random bytes as hex. */
export function generateCsrfToken(): string {
  return randomBytes(32).toString('hex');
}

/** Compares two tokens without leaking, through timing, how much of them matched. */
export function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
