import { type RawBuilder, type SqlBool, sql } from 'kysely';

/**
 * `?q=` search: true when any of the columns contains the text, ignoring case. `%`, `_`
 * and `\` in the text match literally; `ESCAPE` is spelt out because SQLite has no default.
 */
export function containsText(columns: string[], text: string): RawBuilder<SqlBool> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const tests = columns.map((column) => sql`lower(${sql.ref(column)}) like ${pattern} escape '\\'`);
  return sql<SqlBool>`(${sql.join(tests, sql` or `)})`;
}
