import { createHash, randomBytes } from 'node:crypto';

export type ApiKeyMode = 'live' | 'test';

const keyPattern = /^em_(live|test)_[A-Za-z0-9]{32,}$/;

/** A new secret: `em_live_` or `em_test_` and 40 random base62 characters (~238 bits). */
export function generateApiKeySecret(mode: ApiKeyMode): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(64);
  let body = '';
  for (const byte of bytes) {
    // 62 * 4 = 248: rejecting bytes ≥ 248 keeps every character equally likely.
    if (byte >= 248) continue;
    body += alphabet[byte % 62];
    if (body.length === 40) break;
  }
  if (body.length < 40) return generateApiKeySecret(mode);

  return `em_${mode}_${body}`;
}

/**
 * SHA-256 is enough: the secret is long and random, so there is nothing for a slow hash to
 * protect against, and every request pays for this.
 */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The mode a secret claims, or null when it is not shaped like an Emivoy key at all. */
export function apiKeyModeOf(secret: string): ApiKeyMode | null {
  const match = keyPattern.exec(secret);
  return match ? (match[1] as ApiKeyMode) : null;
}
