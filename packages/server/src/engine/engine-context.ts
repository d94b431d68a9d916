import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../store/database.js';

/** What the worker's parts share: the database, the clock, who they are, where to log. */
export interface EngineContext {
  db: Kysely<Database>;
  logger: Logger;
  /** Milliseconds since the epoch; injectable so a three-day wait can pass in a test. */
  now: () => number;
  /** This worker's lease owner name; unique per process. */
  owner: string;
  /** How long a claim lasts before another worker may take the work over. */
  leaseMs: number;
}
