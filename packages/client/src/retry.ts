/**
 * When a failed call is tried again, and how long the client waits first. The rule: a
 * request is retried only when sending it twice cannot do the work twice.
 *
 * - 429 `rate_limited` and 409 `idempotency_key_in_use`: the server did nothing; always.
 * - 5xx, and a connection that broke after the request may have reached the server: only
 *   when the request is replay-safe (not a POST, or a POST with an `Idempotency-Key`).
 * - A connection that failed before anything was sent: always; the server never saw it.
 * - 429 `quota_exceeded` and every other 4xx: never; the same request would fail again.
 *
 * The same rules as the Python client's (clients/python/emivoy/_retry.py).
 */
import {
  ConnectionError,
  type EmivoyError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
} from './errors.js';

/** Milliseconds before the first retry; doubled for each one after it. */
const initialDelayMs = 500;
/** The longest back-off between two attempts. */
const maxDelayMs = 8_000;
/** A `Retry-After` longer than this (in seconds) is not waited for: the error is thrown. */
const maxRetryAfterSeconds = 60;

/** Whether the request that failed with `error` may be sent again. */
export function shouldRetry(error: EmivoyError, replaySafe: boolean): boolean {
  if (error.retryAfter !== undefined && error.retryAfter > maxRetryAfterSeconds) return false;
  if (error instanceof ConnectionError) return replaySafe || !error.sent;
  if (error instanceof QuotaExceededError) return false;
  if (error instanceof RateLimitError || error.code === 'idempotency_key_in_use') return true;
  return error instanceof ServerError && replaySafe;
}

/**
 * Milliseconds to wait before retry number `retry` (0 for the first): exponential back-off
 * with equal jitter, so that clients that failed together do not come back together, and
 * never less than the server's `Retry-After`.
 */
export function retryDelayMs(
  retry: number,
  retryAfterSeconds: number | undefined,
  random: () => number = Math.random,
): number {
  const backoff = Math.min(maxDelayMs, initialDelayMs * 2 ** retry);
  const jittered = backoff / 2 + random() * (backoff / 2);
  return Math.max(jittered, (retryAfterSeconds ?? 0) * 1000);
}

/** Seconds from a `Retry-After` header: a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;

  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);

  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - now) / 1000);
}
