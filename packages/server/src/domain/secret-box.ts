import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/** A secret could not be opened: it was sealed with another master key, or was altered. */
export class SecretKeyMismatchError extends Error {
  override name = 'SecretKeyMismatchError';
}

const version = 'v1';

/**
 * Seals a secret with AES-256-GCM. The account id is associated data, so a ciphertext copied
 * to another account's row does not open there.
 */
export function sealSecret(key: Buffer, accountId: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(accountId));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'));
  return [version, ...parts].join('.');
}

export function openSecret(key: Buffer, accountId: string, sealed: string): string {
  const [tag, iv, ciphertext, authTag] = sealed.split('.');
  if (tag !== version || !iv || ciphertext === undefined || !authTag) {
    throw new SecretKeyMismatchError('a stored secret is not in a format this version reads');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(accountId));
    decipher.setAuthTag(Buffer.from(authTag, 'base64url'));
    const plain = Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]);
    return plain.toString('utf8');
  } catch {
    throw new SecretKeyMismatchError(
      `the provider secrets of account ${accountId} were sealed with another EMIVOY_SECRET_KEY: ` +
        'start with the original key, or enter the provider settings again',
    );
  }
}

/** A short, non-reversible fingerprint of a key, to notice at start-up that it changed. */
export function keyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('emivoy key check').digest('hex').slice(0, 16);
}

/** A key for one purpose (unsubscribe links…), derived so that the master key is never reused. */
export function derivedKey(key: Buffer, purpose: string): Buffer {
  return createHmac('sha256', key).update(`emivoy:${purpose}`).digest();
}
