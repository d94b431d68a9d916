import { type Kysely, type Selectable, sql } from 'kysely';
import {
  type ApiKeyMode,
  generateApiKeySecret,
  hashApiKeySecret,
} from '../domain/api-key-secret.js';
import { newId } from '../ids.js';
import { BatchPerTurn } from './batch-per-turn.js';
import type { ApiKeysTable, Database } from './database.js';
import { hasRowLocks } from './has-row-locks.js';
import { decodeCursor, type Page, toPage } from './pagination.js';
import { preparedQuery } from './prepared-query.js';

export type ApiKeyRow = Selectable<ApiKeysTable>;

/** Creates a key and returns its row with the secret, which is never readable again. */
export async function createApiKey(
  db: Kysely<Database>,
  accountId: string,
  input: { name: string; mode: ApiKeyMode },
  now = Date.now(),
): Promise<{ row: ApiKeyRow; secret: string }> {
  const secret = generateApiKeySecret(input.mode);
  const row: ApiKeyRow = {
    id: newId('key', now),
    account_id: accountId,
    name: input.name,
    mode: input.mode,
    key_hash: hashApiKeySecret(secret),
    key_last4: secret.slice(-4),
    created_at: now,
    last_used_at: null,
    revoked_at: null,
  };
  await db.insertInto('api_keys').values(row).execute();
  return { row, secret };
}

export type ApiKeyWithPlan = ApiKeyRow & { monthly_event_limit: number | null };

/** The key with this secret and its account's plan, in one query: every request needs both. */
export async function findApiKeyBySecret(
  db: Kysely<Database>,
  secret: string,
): Promise<ApiKeyWithPlan | undefined> {
  const keyHash = hashApiKeySecret(secret);
  if (hasRowLocks(db)) return lookupsOf(db).call(keyHash);

  const { rows } = await keyWithPlan(db, keyHash);
  return rows[0];
}

/**
 * On PostgreSQL the lookups of concurrent requests share one round trip. (SQLite answers
 * in-process in microseconds: batching would only add a turn of the event loop.)
 */
const lookups = new WeakMap<Kysely<Database>, BatchPerTurn<string, ApiKeyWithPlan | undefined>>();

function lookupsOf(db: Kysely<Database>): BatchPerTurn<string, ApiKeyWithPlan | undefined> {
  let batch = lookups.get(db);
  if (!batch) {
    batch = new BatchPerTurn(async (hashes) => {
      const { rows } = await keysWithPlan(db, [...new Set(hashes)]);
      const byHash = new Map(rows.map((row) => [row.key_hash, row]));
      return hashes.map((hash) => byHash.get(hash));
    });
    lookups.set(db, batch);
  }
  return batch;
}

// Every column by name: a prepared `*` would fail once a migration adds a column.
const keyWithPlanColumns = [
  'api_keys.id',
  'api_keys.account_id',
  'api_keys.name',
  'api_keys.mode',
  'api_keys.key_hash',
  'api_keys.key_last4',
  'api_keys.created_at',
  'api_keys.last_used_at',
  'api_keys.revoked_at',
  'accounts.monthly_event_limit',
] as const;

const keyWithPlan = preparedQuery((db, keyHash: string) =>
  db
    .selectFrom('api_keys')
    .innerJoin('accounts', 'accounts.id', 'api_keys.account_id')
    .select(keyWithPlanColumns)
    .where('key_hash', '=', keyHash),
);

/** PostgreSQL: the keys with any of these hashes, the array bound as one parameter. */
const keysWithPlan = preparedQuery((db, keyHashes: string[]) =>
  db
    .selectFrom('api_keys')
    .innerJoin('accounts', 'accounts.id', 'api_keys.account_id')
    .select(keyWithPlanColumns)
    .where(sql<boolean>`key_hash = any(${keyHashes}::text[])`),
);

export async function listApiKeys(
  db: Kysely<Database>,
  accountId: string,
  options: { limit: number; cursor?: string | undefined },
): Promise<Page<ApiKeyRow>> {
  let query = db.selectFrom('api_keys').selectAll().where('account_id', '=', accountId);
  if (options.cursor) query = query.where('id', '<', decodeCursor(options.cursor));

  const rows = await query
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  return toPage(rows, options.limit, (row) => row);
}

/** Revokes a key of this account; returns the row, or undefined when there is no such key. */
export async function revokeApiKey(
  db: Kysely<Database>,
  accountId: string,
  keyId: string,
  now = Date.now(),
): Promise<ApiKeyRow | undefined> {
  await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .execute();
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', keyId)
    .executeTakeFirst();
}

/** Records use at most once a minute per key, so authentication does not write on every call. */
export async function touchApiKey(
  db: Kysely<Database>,
  row: ApiKeyRow,
  now = Date.now(),
): Promise<void> {
  if (row.last_used_at !== null && now - row.last_used_at < 60_000) return;
  await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
}
