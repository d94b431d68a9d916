import { type Kysely, PostgresAdapter } from 'kysely';

/**
 * Whether the database has row locks and `SKIP LOCKED` (PostgreSQL) or serialises writers
 * instead (SQLite), for the few queries that must be spelt differently.
 */
export function hasRowLocks<T>(db: Kysely<T>): boolean {
  // NOTE: Kysely has no public way to ask which dialect a connection speaks; the adapter is
  // the reliable tell, and `forShare()` on SQLite would be a syntax error.
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
