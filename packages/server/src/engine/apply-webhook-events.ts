import type { Kysely } from 'kysely';
import type { Database, MessageStatus, SuppressionReason } from '../store/database.js';
import { recordStatus } from '../store/messages-store.js';
import { addSuppression } from '../store/suppressions-store.js';

/** One event of a SendGrid Event Webhook batch; custom_args arrive as top-level fields. */
export interface SendgridEvent {
  event?: unknown;
  email?: unknown;
  timestamp?: unknown;
  sg_event_id?: unknown;
  type?: unknown;
  reason?: unknown;
  response?: unknown;
  url?: unknown;
  emivoy_message_id?: unknown;
  emivoy_account_id?: unknown;
}

/** What each SendGrid event means for the message, and whether it suppresses the address. */
const effects: Record<string, { status?: MessageStatus; suppress?: SuppressionReason }> = {
  processed: {},
  deferred: {},
  delivered: { status: 'delivered' },
  open: { status: 'opened' },
  click: { status: 'clicked' },
  bounce: { status: 'bounced', suppress: 'bounce' },
  dropped: { status: 'failed' },
  spamreport: { status: 'spam_reported', suppress: 'spam_report' },
  unsubscribe: { status: 'unsubscribed', suppress: 'unsubscribe' },
  group_unsubscribe: { status: 'unsubscribed', suppress: 'unsubscribe' },
};

/**
 * Events can arrive late and out of order (an open before its delivery); a message's status
 * only moves to something that says more, while every event still lands in its history.
 */
const rank: Record<string, number> = {
  queued: 0,
  captured: 1,
  sent: 1,
  delivered: 2,
  opened: 3,
  clicked: 4,
  failed: 5,
  bounced: 5,
  unsubscribed: 6,
  spam_reported: 7,
};

export interface WebhookOutcome {
  received: number;
  applied: number;
  duplicates: number;
  unmatched: number;
}

/**
 * Applies a verified batch to the account's messages, idempotently: each event is recorded
 * by its `sg_event_id` first, so the same batch twice changes nothing.
 */
export async function applyWebhookEvents(
  db: Kysely<Database>,
  accountId: string,
  events: SendgridEvent[],
  now: number,
): Promise<WebhookOutcome> {
  const outcome: WebhookOutcome = {
    received: events.length,
    applied: 0,
    duplicates: 0,
    unmatched: 0,
  };
  for (const event of events) {
    const result = await db.transaction().execute((trx) => applyOne(trx, accountId, event, now));
    outcome[result] += 1;
  }
  return outcome;
}

async function applyOne(
  trx: Kysely<Database>,
  accountId: string,
  event: SendgridEvent,
  now: number,
): Promise<'applied' | 'duplicates' | 'unmatched'> {
  const name = String(event.event ?? '');
  const messageId = typeof event.emivoy_message_id === 'string' ? event.emivoy_message_id : null;
  const effect = effects[name];
  if (!effect || !messageId) return 'unmatched';
  if (event.emivoy_account_id !== undefined && event.emivoy_account_id !== accountId)
    return 'unmatched';

  const message = await trx
    .selectFrom('messages')
    .select(['id', 'status', 'to_email'])
    .where('account_id', '=', accountId)
    .where('id', '=', messageId)
    .executeTakeFirst();
  if (!message) return 'unmatched';

  const eventKey =
    typeof event.sg_event_id === 'string'
      ? event.sg_event_id
      : `${messageId}:${name}:${String(event.timestamp)}`;
  const inserted = await trx
    .insertInto('webhook_events')
    .values({ account_id: accountId, event_key: eventKey, received_at: now })
    .onConflict((oc) => oc.columns(['account_id', 'event_key']).doNothing())
    .executeTakeFirst();
  if ((inserted.numInsertedOrUpdatedRows ?? 0n) === 0n) return 'duplicates';

  const at = typeof event.timestamp === 'number' ? event.timestamp * 1000 : now;
  const detail = describe(event);
  await recordStatus(
    trx,
    [{ messageId, status: name === 'dropped' ? 'dropped' : name, detail }],
    at,
  );

  if (effect.status && (rank[effect.status] ?? 0) > (rank[message.status] ?? 0)) {
    await trx
      .updateTable('messages')
      .set({
        status: effect.status,
        updated_at: now,
        ...(name === 'dropped' ? { last_error: detail } : {}),
      })
      .where('id', '=', messageId)
      .execute();
  }
  const suppress = suppressionFor(name, event, effect.suppress);
  if (suppress) {
    await addSuppression(
      trx,
      {
        account_id: accountId,
        email: message.to_email,
        reason: suppress,
        detail,
        message_id: messageId,
      },
      now,
    );
  }
  return 'applied';
}

/**
 * Hard bounces suppress; SendGrid's `blocked` bounces are soft and do not. Drops suppress
 * only for addresses that cannot receive mail (invalid, or SendGrid's own lists).
 */
function suppressionFor(
  name: string,
  event: SendgridEvent,
  base?: SuppressionReason,
): SuppressionReason | null {
  if (name === 'bounce') return event.type === 'blocked' ? null : 'bounce';
  if (name === 'dropped') {
    const reason = String(event.reason ?? '').toLowerCase();
    if (reason.includes('invalid')) return 'invalid';
    if (reason.includes('bounced address')) return 'bounce';
    if (reason.includes('unsubscribed address')) return 'unsubscribe';
    if (reason.includes('spam reporting address')) return 'spam_report';
    return null;
  }
  return base ?? null;
}

function describe(event: SendgridEvent): string | null {
  const parts = [event.reason, event.response, event.url].filter(
    (part) => typeof part === 'string' && part,
  );
  return parts.length ? parts.join(' — ').slice(0, 1_000) : null;
}
