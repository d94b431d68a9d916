import type { DrillOutcome } from './drill.js';

/** One row of the final table: a drill's outcome on one database. */
export interface DrillRow extends DrillOutcome {
  drill: string;
  database: string;
  verdict: 'pass' | 'fail' | 'skipped';
  seconds: number;
}

export function verdictOf(outcome: DrillOutcome): DrillRow['verdict'] {
  if (outcome.skipped) return 'skipped';
  return outcome.failures.length === 0 ? 'pass' : 'fail';
}

const headers = [
  'drill',
  'database',
  'tried',
  'accepted',
  'processed',
  'lost',
  'duplicated',
  'verdict',
  'seconds',
];

/** The table, aligned, then each failure, skip reason and note under it. */
export function drillTable(rows: DrillRow[]): string {
  const count = (value: number | null) => (value === null ? '-' : String(value));
  const cells = rows.map((row) => [
    row.drill,
    row.database,
    row.tried,
    count(row.accepted),
    count(row.processed),
    count(row.lost),
    count(row.duplicated),
    row.verdict,
    row.seconds.toFixed(0),
  ]);
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...cells.map((line) => (line[column] ?? '').length)),
  );
  const numeric = new Set([3, 4, 5, 6, 8]);
  const format = (line: string[]) =>
    line
      .map((cell, column) =>
        numeric.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();

  const lines = [format(headers), format(widths.map((width) => '-'.repeat(width)))];
  lines.push(...cells.map(format));
  for (const row of rows) {
    const name = `${row.drill} (${row.database})`;
    if (row.skipped) lines.push(`- ${name} skipped: ${row.skipped}`);
    for (const failure of row.failures) lines.push(`- ${name} FAILED: ${failure}`);
    for (const note of row.notes ?? []) lines.push(`- ${name}: ${note}`);
  }
  return lines.join('\n');
}

/** The last line, which .ci/run reads: "drills: 9 passed, 1 failed, 0 skipped in 170 s". */
export function summaryLine(rows: DrillRow[], seconds: number): string {
  const with_ = (verdict: DrillRow['verdict']) => rows.filter((r) => r.verdict === verdict).length;
  return (
    `drills: ${with_('pass')} passed, ${with_('fail')} failed, ${with_('skipped')} skipped ` +
    `in ${seconds.toFixed(0)} s`
  );
}
