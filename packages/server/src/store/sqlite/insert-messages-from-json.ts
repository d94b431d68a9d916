import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import type { MessageRow } from '../messages-store.js';

/** The columns of `messages`, in the order of each row's JSON array below. */
const columns = [
  'id',
  'account_id',
  'run_id',
  'step_index',
  'event_id',
  'entity_id',
  'contact_id',
  'template_id',
  'livemode',
  'provider',
  'to_email',
  'to_name',
  'subject',
  'text_body',
  'html_body',
  'status',
  'attempts',
  'next_attempt_at',
  'lease_owner',
  'lease_until',
  'last_error',
  'provider_message_id',
  'created_at',
  'updated_at',
  'sent_at',
] as const satisfies ReadonlyArray<keyof MessageRow>;

/**
 * The rows come as one JSON array of arrays, so the text is the same for any number of
 * them: SQLite prepares it once per connection, nothing is compiled per call, and no limit
 * on bound values applies. `where true` tells SQLite's parser that `on conflict` belongs to
 * the INSERT, not to a join.
 */
const insertMessages = `
insert into messages (${columns.join(', ')})
select ${columns.map((_, index) => `value ->> ${index}`).join(', ')}
from json_each(?) where true
on conflict (run_id, step_index, to_email) do nothing
returning id`;

const insertHistory = `
insert into message_status_history (id, message_id, status, detail, at)
select value ->> 0, value ->> 1, value ->> 2, null, ?
from json_each(?)`;

/**
 * New messages and their first history rows on SQLite in two statements, whatever their
 * number: a message whose run, step and address exist already is skipped, and history is
 * written for exactly the messages inserted. Returns the ids of those inserted.
 */
export async function insertMessagesFromJson(
  db: Kysely<Database>,
  rows: MessageRow[],
  historyIds: Array<{ queued: string; captured: string | null }>,
  now: number,
): Promise<Set<string>> {
  const values = rows.map((row) => columns.map((column) => row[column]));
  const result = await db.executeQuery<{ id: string }>(
    CompiledQuery.raw(insertMessages, [JSON.stringify(values)]),
  );
  const inserted = new Set(result.rows.map((row) => row.id));

  const history: Array<[string, string, string]> = [];
  rows.forEach((row, index) => {
    const ids = historyIds[index];
    if (!ids || !inserted.has(row.id)) return;
    history.push([ids.queued, row.id, 'queued']);
    if (ids.captured) history.push([ids.captured, row.id, 'captured']);
  });
  if (history.length > 0) {
    await db.executeQuery(CompiledQuery.raw(insertHistory, [now, JSON.stringify(history)]));
  }
  return inserted;
}
