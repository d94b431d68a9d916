import type { Kysely } from 'kysely';

// Ingest asks whether any policy version of the account, deleted policies included, cancels
// on the event's type (engine/event-matching.ts): the versions are found by account.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('policy_versions_account')
    .on('policy_versions')
    .column('account_id')
    .execute();
}
