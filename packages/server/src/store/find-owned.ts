import type { Kysely, Selectable } from 'kysely';
import type { Database } from './database.js';

/** Tables whose rows have their own `id` and belong to one account. */
export type OwnedTable = 'contacts' | 'templates' | 'policies' | 'events' | 'runs' | 'messages';

/**
 * One row by id, only if it belongs to the account: every lookup on behalf of a caller goes
 * through the account, so another tenant's id finds nothing.
 */
export async function findOwned<T extends OwnedTable>(
  db: Kysely<Database>,
  table: T,
  accountId: string,
  id: string,
): Promise<Selectable<Database[T]> | undefined> {
  const row = await db
    .selectFrom(table as OwnedTable)
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row as Selectable<Database[T]> | undefined;
}
