import SqliteDatabase from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../src/store/database.js';
import { sqliteFile } from '../src/store/sqlite/open-sqlite.js';
import { createTestDatabase, type TestDatabase } from './harness/test-database.js';

/**
 * The SQLite side shares one COMMIT among concurrent units of work. These tests hold it to
 * what callers of `db.transaction()` rely on: a unit that resolved is on disk, a unit that
 * failed left nothing, and neither depends on what the other units of its batch did.
 */
describe('SQLite group commit', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  /** A second process's view of the file: it sees only what was committed. */
  let outsider: SqliteDatabase.Database;

  const names = () =>
    outsider
      .prepare('select name from accounts order by name')
      .all()
      .map((row) => (row as { name: string }).name);
  const insertAccount = (trx: Kysely<Database>, name: string) =>
    trx
      .insertInto('accounts')
      .values({
        id: `acc_${name}`,
        name,
        monthly_event_limit: null,
        clerk_org_id: null,
        created_at: 1,
      })
      .execute();

  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    db = database.handle.db;
    outsider = new SqliteDatabase(sqliteFile(database.dataDir), { readonly: true });
  });
  afterEach(async () => {
    outsider.close();
    await database.drop();
  });

  it('answers each transaction after the commit that holds it, and only its own work', async () => {
    const results = await Promise.allSettled([
      db.transaction().execute((trx) => insertAccount(trx, 'a')),
      db.transaction().execute(async (trx) => {
        await insertAccount(trx, 'refused');
        throw new Error('refused after writing');
      }),
      db.transaction().execute((trx) => insertAccount(trx, 'b')),
      insertAccount(db, 'c'),
    ]);

    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    // Read at once by another connection: resolved means committed.
    expect(names()).toEqual(['a', 'b', 'c']);
  });

  it('fails every unit of a batch whose shared transaction SQLite aborted', async () => {
    await sql`create table aborts (value text)`.execute(db);
    await sql`create trigger abort_all before insert on aborts
      begin select raise(rollback, 'aborted by trigger'); end`.execute(db);

    const results = await Promise.allSettled([
      db.transaction().execute((trx) => insertAccount(trx, 'before')),
      db.transaction().execute((trx) => sql`insert into aborts values ('x')`.execute(trx)),
      db.transaction().execute((trx) => insertAccount(trx, 'after')),
    ]);

    expect(results[0]?.status).toBe('rejected');
    expect(results[1]?.status).toBe('rejected');
    // The next unit starts a new batch once the aborted one is gone.
    expect(results[2]?.status).toBe('fulfilled');
    expect(names()).toEqual(['after']);
  });

  it('reads outside a transaction without waiting for the writer', async () => {
    await insertAccount(db, 'committed');
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const writer = db.transaction().execute(async (trx) => {
      await insertAccount(trx, 'pending');
      await held;
    });
    // Let the transaction take the writer before reading.
    await new Promise((resolve) => setImmediate(resolve));

    const seen = await db.selectFrom('accounts').select('name').orderBy('name').execute();
    expect(seen.map((row) => row.name)).toEqual(['committed']);
    release();
    await writer;
    expect(names()).toEqual(['committed', 'pending']);
  });

  it('keeps Kysely savepoints working inside a controlled transaction', async () => {
    const trx = await db.startTransaction().execute();
    await insertAccount(trx, 'kept');
    const inner = await trx.savepoint('inner_work').execute();
    await insertAccount(inner, 'undone');
    await inner.rollbackToSavepoint('inner_work').execute();
    await trx.commit().execute();
    expect(names()).toEqual(['kept']);
  });
});
