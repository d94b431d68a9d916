import { monotonicFactory } from 'ulid';

/** Prefixes of the public identifiers (DESIGN.md, "Conventions"). */
export type IdPrefix =
  | 'acc'
  | 'key'
  | 'ent'
  | 'con'
  | 'tpl'
  | 'pol'
  | 'evt'
  | 'run'
  | 'msg'
  | 'usr'
  // Internal rows: run log entries and message status changes.
  | 'log'
  | 'hst';

// Monotonic, so ids minted in the same millisecond still sort in creation order:
// cursor pagination relies on that.
const ulid = monotonicFactory();

/** A new prefixed, time-sortable identifier such as `evt_01JH…`. */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  return `${prefix}_${ulid(now).toLowerCase()}`;
}
