import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './database.js';
import { hasRowLocks } from './has-row-locks.js';
import { preparedOnPostgres } from './postgres/prepared-statements.js';

type Build<Args extends unknown[], Row> = (db: Kysely<Database>, ...args: Args) => Compilable<Row>;
type Run<Args extends unknown[], Row> = (
  db: Kysely<Database>,
  ...args: Args
) => Promise<QueryResult<Row>>;

/** Where each parameter of the compiled query comes from. */
type Slot = { argument: number } | { value: unknown };

/**
 * A query of fixed shape, built and compiled by Kysely once per kind of database, then run
 * with each call's arguments: on the hot paths (every request's key lookup, ingest),
 * building and compiling cost more than SQLite takes to run the statement. On PostgreSQL
 * the text is also prepared once per connection.
 *
 * `build` is called once per kind of database with stand-ins for the arguments, so it may
 * only pass them on as values (to `where`, `values`, `sql`), never branch on them; a
 * stand-in found inside a larger value (a LIKE pattern built from it) is refused.
 *
 * @example
 * const findKey = preparedQuery((db, hash: string) =>
 *   db.selectFrom('api_keys').select('id').where('key_hash', '=', hash));
 * const { rows } = await findKey(db, hash);
 */
export function preparedQuery<Args extends unknown[], Row>(
  build: Build<Args, Row>,
): Run<Args, Row> {
  const shapes = new Map<boolean, { compiled: CompiledQuery<Row>; slots: Slot[] }>();

  return (db, ...args) => {
    const postgres = hasRowLocks(db);
    let shape = shapes.get(postgres);
    if (!shape) {
      shape = compileShape(db, build, args.length);
      if (postgres) preparedOnPostgres(shape.compiled.sql);
      shapes.set(postgres, shape);
    }
    const parameters = shape.slots.map((slot) =>
      'argument' in slot ? args[slot.argument] : slot.value,
    );
    // The original node is kept: the SQLite driver tells reads from writes by its kind.
    return db.executeQuery<Row>({ ...shape.compiled, parameters });
  };
}

function compileShape<Args extends unknown[], Row>(
  db: Kysely<Database>,
  build: Build<Args, Row>,
  arity: number,
): { compiled: CompiledQuery<Row>; slots: Slot[] } {
  const standIns = Array.from({ length: arity }, (_, index) => `\u0000argument ${index}\u0000`);
  const compiled = build(db, ...(standIns as Args)).compile();
  const slots = compiled.parameters.map((value): Slot => {
    if (typeof value !== 'string' || !value.includes('\u0000argument ')) return { value };
    const argument = standIns.indexOf(value);
    if (argument < 0) throw new Error(`a prepared query used an argument inside "${value}"`);
    return { argument };
  });
  return { compiled, slots };
}
