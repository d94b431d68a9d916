/**
 * A long list in pieces, one statement each: a step to thousands of contacts would pass the
 * databases' limit on bound values in one statement (32,766 on SQLite, 65,535 on PostgreSQL).
 */
export function slices<T>(items: T[], size: number): T[][] {
  const pieces: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    pieces.push(items.slice(start, start + size));
  }
  return pieces;
}
