import type { Figure } from './figures.js';
import type { BenchOptions } from './options.js';

/** How long each measurement runs: seconds with --quick, long enough to publish without. */
export interface Timing {
  repetitions: number;
  warmupMs: number;
  /** Closed-loop throughput window. */
  throughputMs: number;
  /** Open-loop latency window. */
  openLoopMs: number;
  /** Concurrent connections of the closed-loop clients. */
  connections: number;
  /** Entities the events are spread over. */
  entities: number;
  /** Events posted one at a time for event-to-provider latency, per repetition. */
  latencySamples: number;
  /** Messages delivered per repetition, provider answering at once / after 50 ms. */
  deliveryMessages: number;
  slowDeliveryMessages: number;
  /** Pending waits, and the window their due times are spread over. */
  waits: number;
  waitWindowMs: number;
  /** How long a freshly started server idles before its memory is read. */
  idleMs: number;
  /** Waits pending at scale (compared with 1,000), and waits due in the same second. */
  pendingWaits: number;
  burstWaits: number;
  /** The window of the drift measured among the pending waits (`timing.waits` of them). */
  scaleDriftWindowMs: number;
}

export const quickTiming: Timing = {
  repetitions: 3,
  warmupMs: 1_000,
  throughputMs: 3_000,
  openLoopMs: 5_000,
  connections: 32,
  entities: 100,
  latencySamples: 100,
  deliveryMessages: 3_000,
  slowDeliveryMessages: 800,
  waits: 200,
  waitWindowMs: 60_000,
  idleMs: 5_000,
  pendingWaits: 200_000,
  burstWaits: 10_000,
  scaleDriftWindowMs: 20_000,
};

export const fullTiming: Timing = {
  repetitions: 5,
  warmupMs: 3_000,
  throughputMs: 15_000,
  openLoopMs: 20_000,
  connections: 32,
  entities: 1_000,
  latencySamples: 1_000,
  deliveryMessages: 20_000,
  slowDeliveryMessages: 5_000,
  waits: 2_000,
  waitWindowMs: 600_000,
  idleMs: 30_000,
  pendingWaits: 1_000_000,
  burstWaits: 100_000,
  scaleDriftWindowMs: 600_000,
};

export interface SuiteContext {
  options: BenchOptions;
  timing: Timing;
  figures: Figure[];
  /** Observations for the report, each a sentence or two, by suite. */
  notes: Array<{ suite: string; text: string }>;
}
