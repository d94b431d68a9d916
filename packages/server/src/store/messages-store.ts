import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import { newId } from '../ids.js';
import type {
  Database,
  MessageStatus,
  MessageStatusHistoryTable,
  MessagesTable,
} from './database.js';
import { findOwned } from './find-owned.js';
import { hasRowLocks } from './has-row-locks.js';
import { decodeCursor, type Page, toPage } from './pagination.js';
import { finishDeliveriesAtOnce } from './postgres/finish-deliveries-at-once.js';
import { insertMessagesAtOnce } from './postgres/insert-messages-at-once.js';
import { leaseDueRows } from './postgres/lease-due-rows.js';
import { slices } from './slices.js';
import { insertMessagesFromJson } from './sqlite/insert-messages-from-json.js';

export type MessageRow = Selectable<MessagesTable>;
export type MessageStatusRow = Selectable<MessageStatusHistoryTable>;

export type NewMessage = Omit<
  MessageRow,
  | 'id'
  | 'status'
  | 'attempts'
  | 'next_attempt_at'
  | 'lease_owner'
  | 'lease_until'
  | 'last_error'
  | 'provider_message_id'
  | 'created_at'
  | 'updated_at'
  | 'sent_at'
>;

/** What becomes of the messages a step queues, besides being stored. */
export interface QueueOptions {
  /**
   * The worker that queues them delivers them itself, at once: they are stored leased to it
   * (first attempt counted), so no other worker claims them and no claim query is needed.
   */
  leaseTo?: { owner: string; until: number } | undefined;
  /**
   * The outbox is their destination: nothing leaves the server, so they are stored already
   * `captured`, with the same history a delivery would have left.
   */
  captured?: boolean | undefined;
}

/**
 * Queues messages for delivery. A message that exists already for the same run, step and
 * address is left alone, so a step executed twice (a worker died after its commit was lost,
 * or before it was acknowledged) never makes a second email. Returns the rows it inserted.
 */
export async function queueMessages(
  db: Kysely<Database>,
  messages: NewMessage[],
  now: number,
  options: QueueOptions = {},
): Promise<MessageRow[]> {
  const rows = messages.map((message) => messageRow(message, now, options));
  const inserted = await insertMessages(db, rows, now);
  return rows.filter((row) => inserted.has(row.id));
}

/** The row a message is stored as when queued, its id minted now. */
export function messageRow(message: NewMessage, now: number, options: QueueOptions): MessageRow {
  const { leaseTo, captured } = options;
  return {
    ...message,
    id: newId('msg', now),
    status: captured ? 'captured' : 'queued',
    attempts: captured || leaseTo ? 1 : 0,
    next_attempt_at: captured ? null : now,
    lease_owner: captured ? null : (leaseTo?.owner ?? null),
    lease_until: captured ? null : (leaseTo?.until ?? null),
    last_error: null,
    provider_message_id: null,
    created_at: now,
    updated_at: now,
    sent_at: captured ? now : null,
  };
}

/**
 * Stores rows made by `messageRow`, of any number of steps and runs, with their history
 * (`queued`, then `captured` for those stored captured), in one statement on PostgreSQL and
 * two on SQLite. A row whose run, step and address exist already is skipped, as in
 * `queueMessages`. Returns the ids of the rows inserted.
 */
export async function insertMessages(
  db: Kysely<Database>,
  rows: MessageRow[],
  now: number,
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const historyIds = rows.map((row) => ({
    queued: newId('hst', now),
    captured: row.status === 'captured' ? newId('hst', now) : null,
  }));
  return hasRowLocks(db)
    ? insertMessagesAtOnce(db, rows, historyIds, now)
    : insertMessagesFromJson(db, rows, historyIds, now);
}

export async function recordStatus(
  db: Kysely<Database>,
  changes: Array<{ messageId: string; status: string; detail: string | null }>,
  now: number,
): Promise<void> {
  for (const slice of slices(changes, 1_000)) {
    await db
      .insertInto('message_status_history')
      .values(
        slice.map((change) => ({
          id: newId('hst', now),
          message_id: change.messageId,
          status: change.status,
          detail: change.detail,
          at: now,
        })),
      )
      .execute();
  }
}

/** Leases up to `limit` messages due for delivery; see `claimDueRuns` for the locking. */
export async function claimDueMessages(
  db: Kysely<Database>,
  owner: string,
  now: number,
  leaseUntil: number,
  limit: number,
): Promise<MessageRow[]> {
  // PostgreSQL: the same conditions, in a function that keeps the planner on the due index
  // (migration 0008).
  if (hasRowLocks(db)) return leaseDueRows(db, 'messages', owner, now, leaseUntil, limit);
  const due = db
    .selectFrom('messages')
    .select('id')
    .where('status', '=', 'queued')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .orderBy('next_attempt_at')
    .limit(limit);
  // SQLite: look on the read connection first; see `claimDueRuns`.
  if (!(await due.limit(1).executeTakeFirst())) return [];

  return db
    .updateTable('messages')
    .set((eb) => ({
      lease_owner: owner,
      lease_until: leaseUntil,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', 'in', due)
    .where('status', '=', 'queued')
    .returningAll()
    .execute();
}

export interface DeliveryOutcome {
  status: MessageStatus;
  /** When `status` is `queued` again: the next attempt. */
  nextAttemptAt?: number | null;
  providerMessageId?: string | null;
  error?: string | null;
}

/** One delivery attempt's outcome, to be recorded for a message this worker leased. */
export interface FinishedDelivery {
  message: MessageRow;
  outcome: DeliveryOutcome;
}

/** What recording one outcome writes: the message's new fields and its history row. */
export interface MessageChange {
  id: string;
  status: MessageStatus;
  nextAttemptAt: number | null;
  providerMessageId: string | null;
  lastError: string | null;
  sentAt: number | null;
  historyStatus: string;
  historyDetail: string | null;
}

function changeOf({ message, outcome }: FinishedDelivery, now: number): MessageChange {
  const queued = outcome.status === 'queued';
  return {
    id: message.id,
    status: outcome.status,
    nextAttemptAt: queued ? (outcome.nextAttemptAt ?? now) : null,
    providerMessageId: outcome.providerMessageId ?? message.provider_message_id,
    lastError: outcome.error ?? null,
    sentAt: outcome.status === 'sent' || outcome.status === 'captured' ? now : message.sent_at,
    historyStatus: queued ? 'retrying' : outcome.status,
    historyDetail: outcome.error ?? (queued ? 'retry scheduled' : null),
  };
}

/**
 * Records delivery outcomes, all in one transaction (one commit for a whole group of
 * answers), each only if this worker still holds the message's lease: a worker whose lease
 * expired (it stalled) must not overwrite what its successor did. A new status and its
 * history row commit together, so a crash between them cannot leave a message whose history
 * does not say what became of it. Returns, per item, whether it was recorded.
 */
export async function finishDeliveries(
  db: Kysely<Database>,
  owner: string,
  finished: FinishedDelivery[],
  now: number,
): Promise<boolean[]> {
  if (finished.length === 0) return [];
  const changes = finished.map((item) => changeOf(item, now));
  const recorded = hasRowLocks(db)
    ? await finishDeliveriesAtOnce(db, owner, changes, now)
    : await finishDeliveriesGrouped(db, owner, changes, now);
  return changes.map((change) => recorded.has(change.id));
}

/**
 * The same in a transaction of a few statements (SQLite, where a statement is a function
 * call, not a round trip): changes alike but for the provider's message id are one UPDATE,
 * with a CASE on the id where those differ.
 */
async function finishDeliveriesGrouped(
  db: Kysely<Database>,
  owner: string,
  changes: MessageChange[],
  now: number,
): Promise<Set<string>> {
  const groups = new Map<string, MessageChange[]>();
  for (const change of changes) {
    const { id: _id, providerMessageId: _providerMessageId, ...alike } = change;
    const key = JSON.stringify(alike);
    const group = groups.get(key);
    if (group) group.push(change);
    else groups.set(key, [change]);
  }

  return db.transaction().execute(async (trx) => {
    const recorded = new Set<string>();
    const history: Array<{ messageId: string; status: string; detail: string | null }> = [];
    for (const group of groups.values()) {
      const first = group[0] as MessageChange;
      for (const slice of slices(group, 500)) {
        const updated = await trx
          .updateTable('messages')
          .set({
            status: first.status,
            next_attempt_at: first.nextAttemptAt,
            provider_message_id: providerMessageIds(slice),
            last_error: first.lastError,
            lease_owner: null,
            lease_until: null,
            updated_at: now,
            sent_at: first.sentAt,
          })
          .where(
            'id',
            'in',
            slice.map((change) => change.id),
          )
          .where('lease_owner', '=', owner)
          .where('status', '=', 'queued')
          .returning('id')
          .execute();
        for (const { id } of updated) {
          recorded.add(id);
          history.push({ messageId: id, status: first.historyStatus, detail: first.historyDetail });
        }
      }
    }
    await recordStatus(trx, history, now);
    return recorded;
  });
}

/**
 * The provider message id each message of a group keeps or gets: one value when they share
 * it (a batch's request id), else a CASE on the message id.
 */
function providerMessageIds(group: MessageChange[]): RawBuilder<string | null> | string | null {
  const first = (group[0] as MessageChange).providerMessageId;
  if (group.every((change) => change.providerMessageId === first)) return first;
  const whens = group.map((change) => sql`when ${change.id} then ${change.providerMessageId}`);
  return sql<string | null>`case id ${sql.join(whens, sql` `)} end`;
}

/**
 * Gives leased messages back without an attempt (a stopping worker's queue): any worker
 * may claim them at once.
 */
export async function releaseMessages(
  db: Kysely<Database>,
  owner: string,
  messageIds: string[],
): Promise<void> {
  if (messageIds.length === 0) return;
  await db
    .updateTable('messages')
    .set((eb) => ({
      lease_owner: null,
      lease_until: null,
      attempts: eb('attempts', '-', 1),
    }))
    .where('id', 'in', messageIds)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'queued')
    .execute();
}

export async function nextMessageDue(db: Kysely<Database>): Promise<number | null> {
  const row = await db
    .selectFrom('messages')
    .select('next_attempt_at')
    .where('status', '=', 'queued')
    .orderBy('next_attempt_at')
    .limit(1)
    .executeTakeFirst();
  return row?.next_attempt_at ?? null;
}

export function findMessage(
  db: Kysely<Database>,
  accountId: string,
  messageId: string,
): Promise<MessageRow | undefined> {
  return findOwned(db, 'messages', accountId, messageId);
}

export async function statusHistoryOf(
  db: Kysely<Database>,
  messageIds: string[],
): Promise<MessageStatusRow[]> {
  if (messageIds.length === 0) return [];
  return db
    .selectFrom('message_status_history')
    .selectAll()
    .where('message_id', 'in', messageIds)
    .orderBy('id')
    .execute();
}

export interface MessageFilters {
  limit: number;
  cursor?: string | undefined;
  status?: MessageStatus | undefined;
  event_id?: string | undefined;
  run_id?: string | undefined;
  entity_id?: string | undefined;
  to?: string | undefined;
  livemode?: boolean | undefined;
  created_after?: number | undefined;
  created_before?: number | undefined;
}

export async function listMessages(
  db: Kysely<Database>,
  accountId: string,
  filters: MessageFilters,
): Promise<Page<MessageRow>> {
  let query = db.selectFrom('messages').selectAll().where('account_id', '=', accountId);
  if (filters.cursor) query = query.where('id', '<', decodeCursor(filters.cursor));
  if (filters.status) query = query.where('status', '=', filters.status);
  if (filters.event_id) query = query.where('event_id', '=', filters.event_id);
  if (filters.run_id) query = query.where('run_id', '=', filters.run_id);
  if (filters.entity_id) query = query.where('entity_id', '=', filters.entity_id);
  if (filters.to) query = query.where('to_email', '=', filters.to.toLowerCase());
  if (filters.livemode !== undefined)
    query = query.where('livemode', '=', filters.livemode ? 1 : 0);
  if (filters.created_after !== undefined)
    query = query.where('created_at', '>', filters.created_after);
  if (filters.created_before !== undefined)
    query = query.where('created_at', '<', filters.created_before);

  const rows = await query
    .orderBy('id', 'desc')
    .limit(filters.limit + 1)
    .execute();
  return toPage(rows, filters.limit, (row) => row);
}
