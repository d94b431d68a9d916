import type { Kysely, Selectable } from 'kysely';
import type { Database, IdempotencyKeysTable } from './database.js';
import { isUniqueViolation } from './unique-violation.js';

export type IdempotencyRow = Selectable<IdempotencyKeysTable>;

/** A key replays its first answer for this long (DESIGN.md: 24 hours). */
export const idempotencyWindowMs = 24 * 3_600_000;
/** A claim older than this with no answer was left by a crashed request and may be retaken. */
export const abandonedClaimMs = 30_000;

export type IdempotencyLookup =
  | { state: 'new' }
  | { state: 'replay'; status: number; body: string }
  | { state: 'reused' }
  | { state: 'in_progress' };

/** What a key says about a request with this hash, without claiming anything. */
export async function lookupIdempotencyKey(
  db: Kysely<Database>,
  accountId: string,
  key: string,
  requestHash: string,
  now = Date.now(),
): Promise<IdempotencyLookup> {
  const row = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('key', '=', key)
    .executeTakeFirst();
  return classify(row, requestHash, now);
}

function classify(
  row: IdempotencyRow | undefined,
  requestHash: string,
  now: number,
): IdempotencyLookup {
  if (!row || row.created_at < now - idempotencyWindowMs) return { state: 'new' };
  if (row.request_hash !== requestHash) return { state: 'reused' };
  if (row.response_status !== null && row.response_body !== null) {
    return { state: 'replay', status: row.response_status, body: row.response_body };
  }
  if (row.created_at < now - abandonedClaimMs) return { state: 'new' };
  return { state: 'in_progress' };
}

/**
 * Claims a key for a request that is about to run. Returns 'new' when this request owns the
 * key now; otherwise what the key already says.
 */
export async function claimIdempotencyKey(
  db: Kysely<Database>,
  accountId: string,
  key: string,
  requestHash: string,
  now = Date.now(),
): Promise<IdempotencyLookup> {
  const existing = await lookupIdempotencyKey(db, accountId, key, requestHash, now);
  if (existing.state !== 'new') return existing;

  // An expired or abandoned row is replaced; a concurrent claimer loses on the unique key.
  await db
    .deleteFrom('idempotency_keys')
    .where('account_id', '=', accountId)
    .where('key', '=', key)
    .where('created_at', '<', now - abandonedClaimMs)
    .where((eb) =>
      eb.or([eb('response_status', 'is', null), eb('created_at', '<', now - idempotencyWindowMs)]),
    )
    .execute();
  try {
    await db
      .insertInto('idempotency_keys')
      .values({
        account_id: accountId,
        key,
        request_hash: requestHash,
        response_status: null,
        response_body: null,
        created_at: now,
      })
      .execute();
    return { state: 'new' };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return lookupIdempotencyKey(db, accountId, key, requestHash, now);
  }
}

/**
 * Stores the answer to replay. Inside the request's own transaction where it has one, so the
 * answer and the rows it describes commit together or not at all.
 */
export async function completeIdempotencyKey(
  db: Kysely<Database>,
  accountId: string,
  key: string,
  requestHash: string,
  response: { status: number; body: string },
  now = Date.now(),
): Promise<void> {
  await db
    .insertInto('idempotency_keys')
    .values({
      account_id: accountId,
      key,
      request_hash: requestHash,
      response_status: response.status,
      response_body: response.body,
      created_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['account_id', 'key']).doUpdateSet({
        response_status: response.status,
        response_body: response.body,
      }),
    )
    .execute();
}

/**
 * Stores the answer of a request that did its work in this same transaction and took no
 * claim up front (events). A plain insert: a concurrent twin fails on the key and rolls back
 * its whole transaction, then replays this answer.
 */
export async function recordIdempotentAnswer(
  trx: Kysely<Database>,
  accountId: string,
  key: string,
  requestHash: string,
  response: { status: number; body: string },
  now = Date.now(),
): Promise<void> {
  await trx
    .deleteFrom('idempotency_keys')
    .where('account_id', '=', accountId)
    .where('key', '=', key)
    .where('created_at', '<', now - idempotencyWindowMs)
    .execute();
  await trx
    .insertInto('idempotency_keys')
    .values({
      account_id: accountId,
      key,
      request_hash: requestHash,
      response_status: response.status,
      response_body: response.body,
      created_at: now,
    })
    .execute();
}

/** Forgets a claim whose request failed in a way worth retrying (5xx, 429). */
export async function releaseIdempotencyKey(
  db: Kysely<Database>,
  accountId: string,
  key: string,
): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('account_id', '=', accountId)
    .where('key', '=', key)
    .where('response_status', 'is', null)
    .execute();
}

/** Deletes keys past their window; run now and then by the worker. */
export async function purgeIdempotencyKeys(
  db: Kysely<Database>,
  now = Date.now(),
): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', now - idempotencyWindowMs)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
