import type { Kysely } from 'kysely';
import { newId } from '../ids.js';
import type { Database } from '../store/database.js';
import { findEntity } from '../store/entities-store.js';
import type { EventRow } from '../store/events-store.js';
import { insertEvent } from '../store/events-store.js';
import { recordIdempotentAnswer } from '../store/idempotency-store.js';
import { reserveEventQuota } from '../store/usage-store.js';

export interface EventInput {
  event_type: string;
  entity_id: string;
  data: Record<string, unknown>;
}

export interface AcceptEventOptions {
  accountId: string;
  livemode: boolean;
  /** Events a month for this account, null for unlimited; only live events count. */
  monthlyLimit: number | null;
  now: number;
  /** Present when the request carries an Idempotency-Key: its answer commits with the event. */
  idempotency?: { key: string; requestHash: string } | undefined;
  /** The 202 answer's body for the stored event, so it can be kept for replays. */
  present: (event: EventRow) => unknown;
}

export type AcceptEventResult =
  | { outcome: 'accepted'; event: EventRow; body: unknown }
  | { outcome: 'entity_not_found' }
  | { outcome: 'quota_exceeded' };

/**
 * The ingest transaction: the entity must exist, a live event must fit the month's quota,
 * then the event is stored together with its idempotent answer. Either all of it commits
 * or nothing does, so a refused event leaves no trace and an accepted one is never lost.
 */
export async function acceptEvent(
  db: Kysely<Database>,
  input: EventInput,
  options: AcceptEventOptions,
): Promise<AcceptEventResult> {
  return db.transaction().execute(async (trx): Promise<AcceptEventResult> => {
    const entity = await findEntity(trx, options.accountId, input.entity_id);
    if (!entity) return { outcome: 'entity_not_found' };

    if (options.livemode) {
      const reserved = await reserveEventQuota(
        trx,
        options.accountId,
        options.monthlyLimit,
        options.now,
      );
      if (!reserved) return { outcome: 'quota_exceeded' };
    }

    const event: EventRow = {
      id: newId('evt', options.now),
      account_id: options.accountId,
      event_type: input.event_type,
      entity_id: input.entity_id,
      data: JSON.stringify(input.data),
      livemode: options.livemode ? 1 : 0,
      created_at: options.now,
    };
    await insertEvent(trx, event);

    const body = options.present(event);
    if (options.idempotency) {
      const { key, requestHash } = options.idempotency;
      const response = { status: 202, body: JSON.stringify(body) };
      await recordIdempotentAnswer(trx, options.accountId, key, requestHash, response, options.now);
    }
    return { outcome: 'accepted', event, body };
  });
}
