import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import type { MessageRow } from '../messages-store.js';
import { preparedOnPostgres } from './prepared-statements.js';

/**
 * New messages and their first history rows on PostgreSQL in ONE statement, whatever their
 * number: the rows come as one array per column, a message whose run, step and address exist
 * already is skipped (`on conflict do nothing`), and history is written for exactly the
 * messages inserted. Prepared once per connection.
 */
const statement = preparedOnPostgres(`
with input as (
  select * from unnest(
    $1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[],
    $8::text[], $9::int[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
    $15::text[], $16::text[], $17::int[], $18::bigint[], $19::text[], $20::bigint[],
    $21::text[], $22::text[], $23::bigint[], $24::bigint[], $25::bigint[], $26::text[],
    $27::text[]
  ) as i(id, account_id, run_id, step_index, event_id, entity_id, contact_id, template_id,
    livemode, provider, to_email, to_name, subject, text_body, html_body, status, attempts,
    next_attempt_at, lease_owner, lease_until, last_error, provider_message_id, created_at,
    updated_at, sent_at, queued_history_id, captured_history_id)
),
inserted as (
  insert into messages (id, account_id, run_id, step_index, event_id, entity_id, contact_id,
    template_id, livemode, provider, to_email, to_name, subject, text_body, html_body, status,
    attempts, next_attempt_at, lease_owner, lease_until, last_error, provider_message_id,
    created_at, updated_at, sent_at)
  select id, account_id, run_id, step_index, event_id, entity_id, contact_id, template_id,
    livemode, provider, to_email, to_name, subject, text_body, html_body, status, attempts,
    next_attempt_at, lease_owner, lease_until, last_error, provider_message_id, created_at,
    updated_at, sent_at
  from input
  on conflict (run_id, step_index, to_email) do nothing
  returning id
),
history as (
  insert into message_status_history (id, message_id, status, detail, at)
  select h.id, i.id, h.status, null, $28
  from input as i
  inner join inserted as n on n.id = i.id
  cross join lateral (
    values (i.queued_history_id, 'queued'), (i.captured_history_id, 'captured')
  ) as h(id, status)
  where h.id is not null
)
select id from inserted`);

/**
 * Inserts the messages, each with its history ids (`captured` null when it was not stored
 * captured); returns the ids of those inserted.
 */
export async function insertMessagesAtOnce(
  db: Kysely<Database>,
  rows: MessageRow[],
  historyIds: Array<{ queued: string; captured: string | null }>,
  now: number,
): Promise<Set<string>> {
  const column = <K extends keyof MessageRow>(key: K) => rows.map((row) => row[key]);
  const result = await db.executeQuery<{ id: string }>(
    CompiledQuery.raw(statement, [
      column('id'),
      column('account_id'),
      column('run_id'),
      column('step_index'),
      column('event_id'),
      column('entity_id'),
      column('contact_id'),
      column('template_id'),
      column('livemode'),
      column('provider'),
      column('to_email'),
      column('to_name'),
      column('subject'),
      column('text_body'),
      column('html_body'),
      column('status'),
      column('attempts'),
      column('next_attempt_at'),
      column('lease_owner'),
      column('lease_until'),
      column('last_error'),
      column('provider_message_id'),
      column('created_at'),
      column('updated_at'),
      column('sent_at'),
      historyIds.map((ids) => ids.queued),
      historyIds.map((ids) => ids.captured),
      now,
    ]),
  );
  return new Set(result.rows.map((row) => row.id));
}
