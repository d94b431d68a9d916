import { sleep } from './progress.js';

/** How a backlog of work went down, from a start time (wall clock, ms) to empty. */
export interface Drain {
  /** Milliseconds from the start until nothing was left; NaN if the deadline came first. */
  totalMs: number;
  /** Items a second between the moments 10% and 90% of them were done. */
  rate: number;
  /** Items still left at the end. */
  left: number;
}

/**
 * Polls `remaining()` every `pollMs` until it is 0 or `deadlineMs` after `startAt` have
 * passed. The rate is taken between the moments 10% and 90% of `total` were done,
 * interpolated between polls, so the wait for the first poll of the worker and the last
 * batch's tail do not count.
 */
export async function watchDrain(
  remaining: () => Promise<number>,
  options: { total: number; startAt: number; deadlineMs: number; pollMs: number },
): Promise<Drain> {
  const { total, startAt } = options;
  const points: Array<{ at: number; done: number }> = [];
  let left = total;
  while (Date.now() - startAt < options.deadlineMs) {
    left = await remaining();
    points.push({ at: Date.now(), done: total - left });
    if (left === 0) break;
    await sleep(options.pollMs);
  }
  const crossing = (target: number): number => {
    const index = points.findIndex((point) => point.done >= target);
    const after = points[index];
    if (!after) return Number.NaN;
    const before = points[index - 1];
    if (!before || after.done === before.done) return after.at;
    const share = (target - before.done) / (after.done - before.done);
    return before.at + share * (after.at - before.at);
  };
  const from = crossing(total * 0.1);
  const to = crossing(total * 0.9);
  const last = points[points.length - 1];
  return {
    totalMs: left === 0 && last ? last.at - startAt : Number.NaN,
    rate: to > from ? ((total * 0.8) / (to - from)) * 1000 : Number.NaN,
    left,
  };
}
