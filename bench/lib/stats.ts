/** The q-quantile (0..1) of values, by linear interpolation between closest ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const lowValue = sorted[low] as number;
  const highValue = sorted[high] as number;
  return lowValue + (highValue - lowValue) * (position - low);
}

export const median = (values: readonly number[]) => quantile(values, 0.5);

/** Median of several repetitions and their range: what every figure in the report shows. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function summarize(samples: readonly number[]): Summary {
  const finite = samples.filter(Number.isFinite);
  return {
    median: median(finite),
    min: finite.length ? Math.min(...finite) : Number.NaN,
    max: finite.length ? Math.max(...finite) : Number.NaN,
    samples: [...samples],
  };
}

/** Latency percentiles of one measurement, in milliseconds. */
export interface LatencyFigures {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

export function latencyFigures(latenciesMs: readonly number[]): LatencyFigures {
  return {
    p50: quantile(latenciesMs, 0.5),
    p99: quantile(latenciesMs, 0.99),
    max: latenciesMs.length ? Math.max(...latenciesMs) : Number.NaN,
    count: latenciesMs.length,
  };
}

/**
 * The steady rate of a stream of arrival times (ms): items between the 10th and the 90th
 * percentile of arrivals over the time they took, so start-up and the tail do not count.
 */
export function steadyRate(arrivalsMs: readonly number[]): number {
  if (arrivalsMs.length < 10) return Number.NaN;
  const sorted = [...arrivalsMs].sort((a, b) => a - b);
  const first = Math.floor(sorted.length * 0.1);
  const last = Math.ceil(sorted.length * 0.9) - 1;
  const elapsed = (sorted[last] as number) - (sorted[first] as number);
  return elapsed > 0 ? ((last - first) / elapsed) * 1000 : Number.NaN;
}

export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** "0.82 (0.79–0.85)": a ratio's median and range. */
export function formatRatio(summary: Summary): string {
  if (!Number.isFinite(summary.median)) return 'n/a';
  const digits = summary.median >= 10 ? 1 : 2;
  const range =
    summary.samples.length > 1
      ? ` (${formatNumber(summary.min, digits)}–${formatNumber(summary.max, digits)})`
      : '';
  return `${formatNumber(summary.median, digits)}×${range}`;
}
