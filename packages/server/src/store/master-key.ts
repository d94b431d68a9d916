import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { keyFingerprint } from '../domain/secret-box.js';
import type { Database } from './database.js';

export class MasterKeyError extends Error {
  override name = 'MasterKeyError';
}

/** The 32-byte key from EMIVOY_SECRET_KEY (base64 or hex), or the one generated for this data directory. */
export function loadMasterKey(secretKey: string | undefined, dataDir: string): Buffer {
  if (secretKey) return parseKey(secretKey, 'EMIVOY_SECRET_KEY');

  const file = path.join(dataDir, 'secret.key');
  if (fs.existsSync(file)) return parseKey(fs.readFileSync(file, 'utf8').trim(), file);

  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  // wx: never overwrite a key another process wrote a moment ago; read theirs instead.
  try {
    fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
    return parseKey(fs.readFileSync(file, 'utf8').trim(), file);
  }
}

function parseKey(text: string, source: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text)
    ? Buffer.from(text, 'hex')
    : Buffer.from(text, 'base64');
  if (key.length !== 32) {
    throw new MasterKeyError(
      `${source} must hold 32 bytes as base64 (44 characters) or hex (64 characters); ` +
        'make one with: openssl rand -base64 32',
    );
  }
  return key;
}

/**
 * Records the key's fingerprint on first use and refuses a different key afterwards, so a
 * server started with the wrong key stops with a clear message instead of failing on every
 * delivery later.
 */
export async function checkMasterKey(db: Kysely<Database>, key: Buffer): Promise<void> {
  const fingerprint = keyFingerprint(key);
  await db
    .insertInto('emivoy_meta')
    .values({ key: 'secret_key_fingerprint', value: fingerprint })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const stored = await db
    .selectFrom('emivoy_meta')
    .select('value')
    .where('key', '=', 'secret_key_fingerprint')
    .executeTakeFirstOrThrow();
  if (stored.value !== fingerprint) {
    throw new MasterKeyError(
      'EMIVOY_SECRET_KEY is not the key this database was set up with, so stored provider ' +
        'secrets cannot be read. Start with the original key (or the secret.key file of the ' +
        'original data directory).',
    );
  }
}
