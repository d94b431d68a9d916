import { randomFillSync } from 'node:crypto';
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
const ulid = monotonicFactory(pooledRandom());

/**
 * Uniform numbers in [0, 1) from the system's secure random source, drawn a page at a time:
 * ulid's own source asks the system once per character, sixteen calls per id.
 */
function pooledRandom(): () => number {
  const pool = new Uint8Array(4096);
  let next = pool.length;
  return () => {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    return (pool[next++] as number) / 256;
  };
}

/** A new prefixed, time-sortable identifier such as `evt_01JH…`. */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  return `${prefix}_${ulid(now).toLowerCase()}`;
}
