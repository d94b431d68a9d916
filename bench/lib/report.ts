import type { Figure } from './figures.js';
import { formatLoad, type Machine } from './machine.js';
import { formatNumber, formatRatio, type Summary } from './stats.js';
import type { Timing } from './suite-context.js';

function formatValue(summary: Summary | null, unit: string): string {
  if (!summary || !Number.isFinite(summary.median)) return 'n/a';
  const digits = unit === 'ms' ? (summary.median < 10 ? 2 : 1) : summary.median < 10 ? 2 : 0;
  const range =
    summary.samples.length > 1
      ? ` (${formatNumber(summary.min, digits)}–${formatNumber(summary.max, digits)})`
      : '';
  return `${formatNumber(summary.median, digits)}${range} ${unit}`;
}

function verdict(figure: Figure): string {
  if (!figure.target) return '';
  return `${figure.target.text} ${figure.target.met ? 'met' : 'MISSED'}`;
}

interface Row {
  figure: string;
  database: string;
  subject: string;
  floor: string;
  ratio: string;
  target: string;
}

function rowsOf(figures: Figure[]): Row[] {
  return figures.map((figure) => ({
    figure: figure.name,
    database: figure.database,
    subject: formatValue(figure.subject, figure.unit),
    floor: figure.floorName ? `${figure.floorName}: ${formatValue(figure.floor, figure.unit)}` : '',
    ratio: figure.ratio ? formatRatio(figure.ratio) : '',
    target: verdict(figure),
  }));
}

const columns: Array<[keyof Row, string]> = [
  ['figure', 'figure'],
  ['database', 'database'],
  ['subject', 'Emivoy, median (range)'],
  ['floor', 'floor, median (range)'],
  ['ratio', 'ratio (range)'],
  ['target', 'target'],
];

/** A plain-text table for the terminal. */
export function textTable(figures: Figure[]): string {
  const rows = rowsOf(figures);
  const widths = columns.map(([key, title]) =>
    Math.max(title.length, ...rows.map((row) => row[key].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, index) => cell.padEnd(widths[index] as number))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map(([, title]) => title)),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((row) => line(columns.map(([key]) => row[key]))),
  ].join('\n');
}

function markdownTable(figures: Figure[]): string {
  const rows = rowsOf(figures);
  const escapePipes = (text: string) => text.replaceAll('|', '\\|');
  return [
    `| ${columns.map(([, title]) => title).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map(([key]) => escapePipes(row[key])).join(' | ')} |`),
  ].join('\n');
}

export interface ReportInput {
  machine: Machine;
  timing: Timing;
  quick: boolean;
  command: string;
  figures: Figure[];
  notes: Array<{ suite: string; text: string }>;
  suites: Array<{ name: string; title: string; method: string }>;
  /** Prose written by people about the figures: kept as it is between runs. */
  analysis: string;
}

export function markdownReport(input: ReportInput): string {
  const { machine } = input;
  const lines: string[] = [
    '# Benchmarks',
    '',
    '<!-- Written by `npm run bench` (bench/run.ts). Edit the "Reading the figures" section',
    '     only: everything else is replaced on the next run. -->',
    '',
    input.quick
      ? '> **Short run (`--quick`)**: seconds per measurement, to check the harness. ' +
        'Not figures to publish or compare.'
      : '> Full run.',
    '',
    '## Machine',
    '',
    `- Date: ${machine.date}`,
    `- CPU: ${machine.cpuModel}, ${machine.cores} cores; memory ${machine.memoryGiB} GiB`,
    `- OS: ${machine.os}`,
    `- Node ${machine.node}; Emivoy at ${machine.revision}, as built in packages/server/dist`,
    `- ${machine.sqlite}; WAL, synchronous=FULL (as Emivoy opens it); ` +
      `${formatNumber(machine.sqliteCommitsPerSecond)} single-row commits a second on the ` +
      "temporary directory's disk (the fsync rate every SQLite figure is bounded by)",
    `- ${machine.postgres ?? 'PostgreSQL: not measured'}`,
    `- Load average (1/5/15 min) before: ${formatLoad(machine.loadBefore)}; ` +
      `after: ${formatLoad(machine.loadAfter)}`,
    `- Command: \`${input.command}\``,
    `- Repetitions: ${input.timing.repetitions}, floor and subject alternated (A B, B A, …); ` +
      'each figure is the median with the range over the repetitions, and each ratio is ' +
      'the median of the per-repetition ratios.',
    '',
    '## Figures',
    '',
    markdownTable(input.figures),
    '',
  ];
  if (input.notes.length > 0) {
    lines.push('### Observations of this run', '');
    for (const note of input.notes) lines.push(`- ${note.suite}: ${note.text}`);
    lines.push('');
  }
  lines.push('## How each figure is measured', '');
  for (const suite of input.suites) lines.push(`### ${suite.title}`, '', suite.method, '');
  lines.push('## Reading the figures', '', input.analysis.trim(), '');
  return lines.join('\n');
}

/** The hand-written section of an existing report, so a rerun does not erase it. */
export function keptAnalysis(existing: string | null, fallback: string): string {
  if (!existing) return fallback;
  const marker = '## Reading the figures';
  const at = existing.indexOf(marker);
  if (at < 0) return fallback;
  const kept = existing.slice(at + marker.length).trim();
  return kept || fallback;
}
