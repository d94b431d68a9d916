/** One page of a list, in the API's shape. */
export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

/**
 * Cursors are the last row's sortable id, base64url-encoded so that clients treat them as
 * opaque and the ordering can change later without breaking them.
 */
export function encodeCursor(lastId: string): string {
  return Buffer.from(`v1:${lastId}`).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('v1:') || text.length < 5 || text.length > 200) {
    throw new InvalidCursorError('cursor is not one this API returned');
  }
  return text.slice(3);
}

/**
 * Turns `limit + 1` rows fetched newest first into a page: the extra row only says that
 * there is more.
 */
export function toPage<Row extends { id: string }, T>(
  rows: Row[],
  limit: number,
  present: (row: Row) => T,
): Page<T> {
  const hasMore = rows.length > limit;
  const kept = hasMore ? rows.slice(0, limit) : rows;
  const last = kept.at(-1);

  return {
    data: kept.map(present),
    has_more: hasMore,
    next_cursor: hasMore && last ? encodeCursor(last.id) : null,
  };
}
