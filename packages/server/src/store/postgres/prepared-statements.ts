import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/** SQL texts to run as named prepared statements, with their names. */
const names = new Map<string, string>();

/**
 * Marks a statement as worth preparing: PostgreSQL then parses and plans it once per
 * connection instead of on every run. Only for hot statements whose plan does not depend on
 * their parameter values (lookups by key): a prepared statement may settle on one generic
 * plan. Their texts name every column, since a prepared `*` fails after a column is added.
 */
export function preparedOnPostgres(sqlText: string): string {
  if (!names.has(sqlText)) names.set(sqlText, `emivoy_${names.size + 1}`);
  return sqlText;
}

/**
 * The pool Kysely is given: the same connections, with statements marked by
 * `preparedOnPostgres` sent by name (node-postgres prepares each once per connection).
 */
export function preparingPool(pool: pg.Pool): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    connect: async () => {
      const client = await pool.connect();
      let wrapped = clients.get(client);
      if (!wrapped) {
        wrapped = preparingClient(client);
        clients.set(client, wrapped);
      }
      return wrapped;
    },
    end: () => pool.end(),
  };
}

function preparingClient(client: pg.PoolClient): PostgresPoolClient {
  function query<R>(
    sqlText: string,
    parameters: ReadonlyArray<unknown>,
  ): Promise<PostgresQueryResult<R>>;
  function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  function query(
    statement: string | PostgresCursor<unknown>,
    parameters?: ReadonlyArray<unknown>,
  ): unknown {
    // Cursors (streaming) pass through untouched.
    if (typeof statement !== 'string') return client.query(statement as never);
    const name = names.get(statement);
    const values = [...(parameters ?? [])];
    return name ? client.query({ name, text: statement, values }) : client.query(statement, values);
  }
  return { query, release: (destroy?: boolean) => client.release(destroy) };
}
