import type { Kysely } from 'kysely';

// The console's people: users who sign in with a password or through Clerk, their
// memberships in accounts, and their sessions. Accounts learn which Clerk organisation
// they stand for.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Null for a Clerk user whose token carries no free address.
    .addColumn('email', 'text', (c) => c.unique())
    .addColumn('name', 'text')
    // Null for Clerk users: they never sign in with a password here.
    .addColumn('password_hash', 'text')
    .addColumn('clerk_user_id', 'text', (c) => c.unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('memberships')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'account_id'])
    .execute();
  await db.schema
    .createIndex('memberships_account')
    .on('memberships')
    .columns(['account_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('sessions')
    // SHA-256 of the cookie's secret: a leaked table opens no session.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('current_account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  // A unique index rather than a column constraint: SQLite cannot add a UNIQUE column.
  // Both databases let any number of rows hold NULL in it.
  await db.schema.alterTable('accounts').addColumn('clerk_org_id', 'text').execute();
  await db.schema
    .createIndex('accounts_clerk_org_id')
    .unique()
    .on('accounts')
    .column('clerk_org_id')
    .execute();
}
