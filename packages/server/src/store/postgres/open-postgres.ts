import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../database.js';
import { preparingPool } from './prepared-statements.js';

// int8 columns hold millisecond times and counts, all far below 2^53: read them as numbers
// rather than pg's default strings, so both databases return the same JavaScript values.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export function openPostgres(url: string): {
  db: Kysely<Database>;
  pool: pg.Pool;
  close: () => Promise<void>;
} {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // NOTE: a connection the server closes (a restart, a failover, an idle timeout) emits
  // 'error': on the pool when idle, on the client when checked out between two queries.
  // Unheard, either would end the process. pg drops such a connection, the next query
  // opens a new one, and a query that fails meanwhile reports its own error to its caller.
  // The postgres-restart drill (docs/drills.md) fails without these two lines.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  return { db, pool, close: () => db.destroy() };
}
