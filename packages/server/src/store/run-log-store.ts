import type { Kysely, Selectable } from 'kysely';
import { newId } from '../ids.js';
import type { Database, RunLogTable } from './database.js';
import { slices } from './slices.js';

export type RunLogRow = Selectable<RunLogTable>;

/** Kinds of run log entries, in the order a run usually meets them. */
export type RunLogKind =
  | 'started'
  | 'email_queued'
  | 'recipient_skipped'
  | 'wait_started'
  | 'completed'
  | 'cancelled'
  | 'failed';

export interface RunLogEntry {
  run_id: string;
  account_id: string;
  step_index: number | null;
  kind: RunLogKind;
  detail: Record<string, unknown>;
}

export async function appendRunLog(
  db: Kysely<Database>,
  entries: RunLogEntry[],
  now: number,
): Promise<void> {
  // A step to thousands of contacts logs one entry each.
  for (const slice of slices(entries, 1_000)) {
    await db
      .insertInto('run_log')
      .values(
        slice.map((entry) => ({
          id: newId('log', now),
          run_id: entry.run_id,
          account_id: entry.account_id,
          step_index: entry.step_index,
          kind: entry.kind,
          detail: JSON.stringify(entry.detail),
          at: now,
        })),
      )
      .execute();
  }
}

/** Log entries of some runs, oldest first. */
export async function runLogOf(
  db: Kysely<Database>,
  accountId: string,
  runIds: string[],
): Promise<RunLogRow[]> {
  if (runIds.length === 0) return [];
  return db
    .selectFrom('run_log')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('run_id', 'in', runIds)
    .orderBy('id')
    .execute();
}
