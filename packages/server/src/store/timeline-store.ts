import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { decodeCursor, encodeCursor } from './pagination.js';
import { shortKeyOf } from './runs-store.js';

export interface TimelineItem {
  at: number;
  kind: string;
  event_id?: string;
  run_id?: string;
  message_id?: string;
  step_index?: number | null;
  detail: Record<string, unknown>;
}

export interface Timeline {
  items: TimelineItem[];
  has_more: boolean;
  next_cursor: string | null;
}

/**
 * Everything that happened about one entity, oldest first: its events, the runs they
 * started, every run log entry (waits with their wake-up time, skipped recipients,
 * cancellations) and every message status change. Paged by events, newest events first.
 */
export async function entityTimeline(
  db: Kysely<Database>,
  accountId: string,
  entityId: string,
  options: { limit: number; cursor?: string | undefined; livemode: boolean },
): Promise<Timeline> {
  let eventsQuery = db
    .selectFrom('events')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('entity_id', '=', entityId)
    .where('livemode', '=', options.livemode ? 1 : 0);
  if (options.cursor) eventsQuery = eventsQuery.where('id', '<', decodeCursor(options.cursor));
  const events = await eventsQuery
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const hasMore = events.length > options.limit;
  const page = events.slice(0, options.limit);

  const eventIds = page.map((event) => event.id);
  const runs = eventIds.length ? await runsOfEvents(db, accountId, eventIds) : [];
  const runIds = runs.map((run) => run.id);
  const log = runIds.length
    ? await db
        .selectFrom('run_log')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('run_id', 'in', runIds)
        .execute()
    : [];
  const messages = runIds.length
    ? await db
        .selectFrom('messages')
        .select(['id', 'run_id', 'to_email', 'subject'])
        .where('account_id', '=', accountId)
        .where('run_id', 'in', runIds)
        .execute()
    : [];
  const messageById = new Map(messages.map((m) => [m.id, m]));
  const history = messages.length
    ? await db
        .selectFrom('message_status_history')
        .selectAll()
        .where('message_id', 'in', [...messageById.keys()])
        .execute()
    : [];

  const items: TimelineItem[] = [
    ...page.map((event) => ({
      at: event.created_at,
      kind: 'event',
      event_id: event.id,
      detail: { event_type: event.event_type, data: JSON.parse(event.data) },
    })),
    ...runs.map((run) => ({
      at: run.created_at,
      kind: 'run_started',
      event_id: run.event_id,
      run_id: run.id,
      detail: { policy_id: run.policy_id, policy_version: run.policy_version, status: run.status },
    })),
    ...log
      .filter((entry) => entry.kind !== 'started')
      .map((entry) => ({
        at: entry.at,
        kind: entry.kind,
        run_id: entry.run_id,
        step_index: entry.step_index,
        detail: JSON.parse(entry.detail) as Record<string, unknown>,
      })),
    ...history.map((change) => {
      const message = messageById.get(change.message_id);
      return {
        at: change.at,
        kind: 'message_status',
        run_id: message?.run_id,
        message_id: change.message_id,
        detail: {
          status: change.status,
          to: message?.to_email,
          subject: message?.subject,
          note: change.detail,
        },
      };
    }),
  ];
  // Ids sort by creation within the same millisecond; kinds of one instant keep this order.
  items.sort((a, b) => a.at - b.at);

  const last = page.at(-1);
  return { items, has_more: hasMore, next_cursor: hasMore && last ? encodeCursor(last.id) : null };
}

/** The account's runs started by these events, by the event index (on SQLite its short key). */
function runsOfEvents(db: Kysely<Database>, accountId: string, eventIds: string[]) {
  const query = db
    .selectFrom('runs')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('event_id', 'in', eventIds);
  const key = shortKeyOf(db, 'event_id', eventIds);
  return (key ? query.where(key) : query).execute();
}
