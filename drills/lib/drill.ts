import type { Dialect } from '../../packages/server/src/store/open-database.js';

export type { Dialect };

/** What a drill run is given: how long to go on, and where PostgreSQL is. */
export interface DrillContext {
  /** A few seconds per drill (CI), rather than the real durations. */
  short: boolean;
  /** The shared PostgreSQL server; drills create (and drop) databases of their own on it. */
  postgresUrl: string;
  /** One progress line, prefixed with the drill and database. */
  progress(message: string): void;
}

/** The four counts every drill prints; null where one means nothing for the drill. */
export interface DrillCounts {
  accepted: number | null;
  processed: number | null;
  lost: number | null;
  duplicated: number | null;
}

/** What one drill did on one database. No failures and no skip reason: it passed. */
export interface DrillOutcome extends DrillCounts {
  /** What it tried, in a few words: "3 kill -9 of serve under 8 clients". */
  tried: string;
  /** Each broken promise, as a sentence naming counts and ids. */
  failures: string[];
  /** Why the drill could not run here; it then neither passes nor fails. */
  skipped?: string;
  /** Further figures worth a line under the table. */
  notes?: string[];
}

export interface Drill {
  /** The name `--only` takes. */
  name: string;
  /** The databases it runs on (PostgreSQL-only drills list just that one). */
  databases: Dialect[];
  run(ctx: DrillContext, dialect: Dialect): Promise<DrillOutcome>;
}

/** An outcome for a drill that could not run here. */
export function skippedOutcome(tried: string, reason: string): DrillOutcome {
  return {
    tried,
    accepted: null,
    processed: null,
    lost: null,
    duplicated: null,
    failures: [],
    skipped: reason,
  };
}

/** The first few ids of a list, for a failure sentence. */
export function someIds(ids: string[], count = 5): string {
  const shown = ids.slice(0, count).join(', ');
  return ids.length > count ? `${shown} and ${ids.length - count} more` : shown;
}
