import { progress } from './progress.js';
import { type Summary, summarize } from './stats.js';

/**
 * One row of the report: the subject's value and the floor's, each the median of several
 * repetitions with their range, and the ratio of each repetition's pair. A figure whose
 * target is absolute (milliseconds of latency, drift) still shows its floor for scale.
 */
export interface Figure {
  suite: string;
  database: string;
  name: string;
  unit: string;
  subject: Summary;
  floorName: string | null;
  floor: Summary | null;
  /** subject ÷ floor per repetition. */
  ratio: Summary | null;
  target: Target | null;
  note?: string;
}

export interface Target {
  text: string;
  /** Whether the median meets it. */
  met: boolean;
}

/** A ratio target such as "≥ 0.60× floor". */
export function ratioAtLeast(ratio: Summary, minimum: number): Target {
  return { text: `≥ ${minimum.toFixed(2)}×`, met: ratio.median >= minimum };
}

export function ratioAtMost(ratio: Summary, maximum: number): Target {
  return { text: `≤ ${maximum.toFixed(2)}×`, met: ratio.median <= maximum };
}

export function valueAtMost(value: Summary, maximum: number, unit: string): Target {
  return { text: `≤ ${maximum} ${unit}`, met: value.median <= maximum };
}

/** Ratios of paired repetitions: subject[i] ÷ floor[i]. */
export function pairedRatios(subject: number[], floor: number[]): Summary {
  return summarize(subject.map((value, index) => value / (floor[index] as number)));
}

/**
 * Runs the measurements of one comparison `repetitions` times, alternating their order
 * (A B, B A, A B, …) so that neither side always runs on a warmer or a busier machine.
 * Returns each measurement's samples by name.
 */
export async function alternate<T>(
  repetitions: number,
  measurements: Array<{ name: string; run: (repetition: number) => Promise<T> }>,
): Promise<Map<string, T[]>> {
  const samples = new Map<string, T[]>(measurements.map(({ name }) => [name, []]));
  for (let repetition = 0; repetition < repetitions; repetition++) {
    const order = repetition % 2 === 0 ? measurements : [...measurements].reverse();
    for (const { name, run } of order) {
      progress(`  repetition ${repetition + 1}/${repetitions}: ${name}`);
      const sample = await run(repetition);
      samples.get(name)?.push(sample);
    }
  }
  return samples;
}
