/** Delivery gives up after this many attempts (about a day and a half of retrying). */
export const maxDeliveryAttempts = 12;

const baseMs = 1_000;
const capMs = 3_600_000;

/**
 * How long to wait before attempt `attempts + 1`: exponential from one second, capped at an
 * hour, with full jitter in the upper half so that a burst of failures does not retry in
 * lockstep. A provider's own `Retry-After` is a floor.
 */
export function deliveryBackoffMs(
  attempts: number,
  retryAfterMs = 0,
  random = Math.random,
): number {
  const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, attempts - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.max(Math.round(jittered), retryAfterMs);
}
