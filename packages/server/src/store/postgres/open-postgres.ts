import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../database.js';

// int8 columns hold millisecond times and counts, all far below 2^53: read them as numbers
// rather than pg's default strings, so both databases return the same JavaScript values.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export function openPostgres(url: string): {
  db: Kysely<Database>;
  pool: pg.Pool;
  close: () => Promise<void>;
} {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, close: () => db.destroy() };
}
