import { type Kysely, sql } from 'kysely';

// Runs and messages: the engine's durable state. Partial indexes hold only the rows that
// are still due some work, so the due-work queries stay small however many finished rows
// pile up (both SQLite and PostgreSQL support them).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('policy_id', 'text', (c) => c.notNull())
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('wake_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('cancelled_by_event_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('runs_due')
    .on('runs')
    .column('wake_at')
    .where(sql.ref('status'), 'in', ['scheduled', 'waiting'])
    .execute();
  await db.schema.createIndex('runs_account').on('runs').columns(['account_id', 'id']).execute();
  await db.schema
    .createIndex('runs_event')
    .on('runs')
    .columns(['account_id', 'event_id'])
    .execute();
  await db.schema
    .createIndex('runs_entity_active')
    .on('runs')
    .columns(['account_id', 'entity_id'])
    .where(sql.ref('status'), 'in', ['scheduled', 'waiting'])
    .execute();

  await db.schema
    .createTable('run_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('step_index', 'integer')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('run_log_run').on('run_log').columns(['run_id', 'id']).execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text')
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('to_email', 'text', (c) => c.notNull())
    .addColumn('to_name', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text')
    .addColumn('html_body', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('provider_message_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    // One message per address per step of a run: a retried step inserts nothing new.
    .addUniqueConstraint('messages_once', ['run_id', 'step_index', 'to_email'])
    .execute();
  await db.schema
    .createIndex('messages_due')
    .on('messages')
    .column('next_attempt_at')
    .where(sql.ref('status'), '=', 'queued')
    .execute();
  await db.schema
    .createIndex('messages_account')
    .on('messages')
    .columns(['account_id', 'id'])
    .execute();
  await db.schema.createIndex('messages_run').on('messages').columns(['run_id', 'id']).execute();

  await db.schema
    .createTable('message_status_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('message_status_history_message')
    .on('message_status_history')
    .columns(['message_id', 'id'])
    .execute();

  await db.schema
    .createTable('suppressions')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('message_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('suppressions_pk', ['account_id', 'email'])
    .execute();
}
