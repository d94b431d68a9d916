import { type Kysely, sql } from 'kysely';
import type { Database } from '../../packages/server/src/store/database.js';
import type { Dialect } from './scenario.js';

/** The bytes a table and its indexes take on disk, in all and object by object. */
export interface TableFootprint {
  bytes: number;
  parts: Array<{ name: string; bytes: number }>;
  /** How it was measured: `dbstat`, `pg_total_relation_size` or `page count`. */
  method: string;
}

type Db = Kysely<Database>;

/**
 * A copy of `table` with the same columns (types, NOT NULL, primary key) and only the
 * indexes named, filled with the same rows in the same order: the bare floor keeps the
 * due-work index alone. Everything is created from the live schema (SQLite's
 * `sqlite_schema`, PostgreSQL's catalogue), so a migration that changes it is followed.
 * The indexes exist before the rows arrive, so they grow row by row as the original's did.
 */
export async function copyTable(
  db: Db,
  dialect: Dialect,
  source: { table: string; indexes: string[] },
  copy: string,
): Promise<void> {
  if (dialect === 'sqlite') {
    const table = await schemaSql(db, source.table);
    await sql.raw(table.replace(/^create table "?\w+"?/i, `create table "${copy}"`)).execute(db);
  } else {
    await sql.raw(`create table ${copy} (like ${source.table})`).execute(db);
    const primaryKey = await sql<{ def: string }>`
      select pg_get_constraintdef(oid) as def from pg_constraint
      where conrelid = ${source.table}::regclass and contype = 'p'`.execute(db);
    for (const { def } of primaryKey.rows) {
      await sql.raw(`alter table ${copy} add ${def}`).execute(db);
    }
  }
  for (const index of source.indexes) {
    const definition =
      dialect === 'sqlite' ? await schemaSql(db, index) : await pgIndexDef(db, index);
    const renamed = definition.replace(
      /^create (unique )?index "?[\w.]+"? on "?[\w.]+"?/i,
      (_match, unique: string | undefined) =>
        `create ${unique ?? ''}index "${copy}_${index}" on "${copy}"`,
    );
    await sql.raw(renamed).execute(db);
  }
  await sql.raw(`insert into ${copy} select * from ${source.table}`).execute(db);
}

/** The indexes of `table` other than its primary key's, by name. */
export async function secondaryIndexes(db: Db, dialect: Dialect, table: string): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`
          select name from sqlite_schema
          where type = 'index' and tbl_name = ${table} and sql is not null`.execute(db)
      : await sql<{ name: string }>`
          select indexrelid::regclass::text as name from pg_index
          where indrelid = ${table}::regclass and not indisprimary`.execute(db);
  return rows.rows.map((row) => row.name);
}

async function pgIndexDef(db: Db, index: string): Promise<string> {
  const row = await sql<{ def: string }>`select pg_get_indexdef(${index}::regclass) as def`.execute(
    db,
  );
  const text = row.rows[0]?.def;
  if (!text) throw new Error(`no index ${index} to copy`);
  return text;
}

async function schemaSql(db: Db, name: string): Promise<string> {
  const row = await sql<{ sql: string }>`
    select sql from sqlite_schema where name = ${name}`.execute(db);
  const text = row.rows[0]?.sql;
  if (!text) throw new Error(`no ${name} in sqlite_schema`);
  return text;
}

/**
 * The footprint of `table` with its indexes (and on PostgreSQL its TOAST table and free
 * space and visibility maps). SQLite: the `dbstat` virtual table, page by page; a build
 * without it gets `null` and the caller measures by page counts instead.
 */
export async function tableFootprint(
  db: Db,
  dialect: Dialect,
  table: string,
): Promise<TableFootprint | null> {
  return dialect === 'sqlite' ? sqliteFootprint(db, table) : postgresFootprint(db, table);
}

async function sqliteFootprint(db: Db, table: string): Promise<TableFootprint | null> {
  if (!(await hasDbstat(db))) return null;
  const objects = await sql<{ name: string }>`
    select name from sqlite_schema
    where tbl_name = ${table} and type in ('table', 'index') order by type desc, name`.execute(db);
  const parts: TableFootprint['parts'] = [];
  for (const { name } of objects.rows) {
    const size = await sql<{ bytes: number }>`
      select pgsize as bytes from dbstat where name = ${name} and aggregate = 1`.execute(db);
    parts.push({ name, bytes: Number(size.rows[0]?.bytes ?? 0) });
  }
  const bytes = parts.reduce((sum, part) => sum + part.bytes, 0);
  return { bytes, parts, method: 'dbstat' };
}

async function hasDbstat(db: Db): Promise<boolean> {
  try {
    await sql`select 1 from dbstat limit 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

async function postgresFootprint(db: Db, table: string): Promise<TableFootprint> {
  // As autovacuum would leave them: statistics, visibility and free-space maps made.
  await sql.raw(`vacuum (analyze) ${table}`).execute(db);
  const total = await sql<{ bytes: number }>`
    select pg_total_relation_size(${table}::regclass) as bytes`.execute(db);
  const parts = await sql<{ name: string; bytes: number }>`
    select ${table} as name, pg_table_size(${table}::regclass) as bytes
    union all
    select indexrelid::regclass::text, pg_relation_size(indexrelid)
    from pg_index where indrelid = ${table}::regclass`.execute(db);
  return {
    bytes: Number(total.rows[0]?.bytes ?? 0),
    parts: parts.rows.map((row) => ({ name: row.name, bytes: Number(row.bytes) })),
    method: 'pg_total_relation_size',
  };
}

/** Pages in use (not on the free list) × page size: SQLite's fallback without dbstat. */
export async function sqliteUsedBytes(db: Db): Promise<number> {
  const row = await sql<{ bytes: number }>`
    select (page_count - freelist_count) * page_size as bytes
    from pragma_page_count(), pragma_freelist_count(), pragma_page_size()`.execute(db);
  return Number(row.rows[0]?.bytes ?? 0);
}

export async function dropTable(db: Db, table: string): Promise<void> {
  await sql.raw(`drop table if exists ${table}`).execute(db);
}
