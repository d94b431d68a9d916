import { createHmac, timingSafeEqual } from 'node:crypto';

export interface UnsubscribeSubject {
  accountId: string;
  email: string;
}

/**
 * A per-recipient token for one-click unsubscribe links: the account and address, signed
 * with HMAC-SHA256 so it cannot be guessed or changed to unsubscribe someone else.
 */
export function signUnsubscribeToken(key: Buffer, subject: UnsubscribeSubject): string {
  const payload = Buffer.from(
    JSON.stringify({ a: subject.accountId, e: subject.email.toLowerCase() }),
  ).toString('base64url');
  return `${payload}.${mac(key, payload)}`;
}

/** The subject of a token, or null when it was not signed with this key or was altered. */
export function verifyUnsubscribeToken(key: Buffer, token: string): UnsubscribeSubject | null {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined || payload.length > 2_000) return null;

  const expected = Buffer.from(mac(key, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const { a, e } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      a?: unknown;
      e?: unknown;
    };
    return typeof a === 'string' && typeof e === 'string' ? { accountId: a, email: e } : null;
  } catch {
    return null;
  }
}

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}
