import type { FieldError, KnownOrNewErrorCode, Problem } from './types.js';

/** What an EmivoyError knows about the failed call; every field is optional. */
export interface EmivoyErrorDetails {
  status?: number | undefined;
  code?: KnownOrNewErrorCode | undefined;
  errors?: FieldError[] | undefined;
  requestId?: string | undefined;
  retryAfter?: number | undefined;
  body?: Problem | undefined;
  cause?: unknown;
}

/**
 * Any failure of a call to Emivoy. Match on the class for the kind of failure and on `code`
 * for the exact reason: `code` is stable, `message` (the problem's `detail`) may be reworded.
 *
 * @example
 * try {
 *   await client.entities.create({ external_id: 'acct_123', entity_type: 'account' });
 * } catch (error) {
 *   if (error instanceof ConflictError && error.code === 'entity_exists') { … }
 *   else throw error;
 * }
 */
export class EmivoyError extends Error {
  override name = 'EmivoyError';
  /** The HTTP status, or undefined when no answer arrived. */
  readonly status: number | undefined;
  /** The problem's stable code (`entity_not_found`, …), or undefined. */
  readonly code: KnownOrNewErrorCode | undefined;
  /** For a refused request, one `{ field, message }` per bad field (`steps.1.duration`). */
  readonly errors: FieldError[];
  /** The server's id for the request (`req_…`): quote it when you ask for help. */
  readonly requestId: string | undefined;
  /** Seconds the server asked to wait before trying again (`Retry-After`), or undefined. */
  readonly retryAfter: number | undefined;
  /** The whole problem document, or undefined when the answer had none. */
  readonly body: Problem | undefined;

  constructor(message: string, details: EmivoyErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.code = details.code;
    this.errors = details.errors ?? [];
    this.requestId = details.requestId;
    this.retryAfter = details.retryAfter;
    this.body = details.body;
  }
}

/** No answer arrived: the server could not be reached, or the connection broke. */
export class ConnectionError extends EmivoyError {
  override name = 'ConnectionError';
  /**
   * True when the request may have reached the server, which may then have acted on it;
   * false when it certainly did not (connection refused, unknown host).
   */
  readonly sent: boolean;

  constructor(message: string, options: { sent: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.sent = options.sent;
  }
}

/** No answer arrived within the client's `timeoutMs`. */
export class TimeoutError extends ConnectionError {
  override name = 'TimeoutError';
}

/** 401: the API key is missing, unknown or revoked. */
export class AuthenticationError extends EmivoyError {
  override name = 'AuthenticationError';
}

/** 403: the key may not do this (a test-mode key creating a live key, say). */
export class ForbiddenError extends EmivoyError {
  override name = 'ForbiddenError';
}

/** 404: no such object in this account (`entity_not_found`, …) or no such route. */
export class NotFoundError extends EmivoyError {
  override name = 'NotFoundError';
}

/** 409: the request clashes with what exists (`entity_exists`, `template_in_use`). */
export class ConflictError extends EmivoyError {
  override name = 'ConflictError';
}

/** 400 or 422: the request is malformed; `errors` names each bad field. */
export class ValidationError extends EmivoyError {
  override name = 'ValidationError';
}

/** 429 `rate_limited`: too many requests a second; wait `retryAfter` seconds. */
export class RateLimitError extends EmivoyError {
  override name = 'RateLimitError';
}

/** 429 `quota_exceeded`: the plan's events for this month are used up; nothing was stored. */
export class QuotaExceededError extends EmivoyError {
  override name = 'QuotaExceededError';
}

/** 5xx: the server failed. Retrying with the same `Idempotency-Key` is safe. */
export class ServerError extends EmivoyError {
  override name = 'ServerError';
}

type ErrorClass = new (message: string, details: EmivoyErrorDetails) => EmivoyError;

const byStatus: Record<number, ErrorClass> = {
  400: ValidationError,
  401: AuthenticationError,
  403: ForbiddenError,
  404: NotFoundError,
  409: ConflictError,
  422: ValidationError,
};

/** The error class for an HTTP error status and problem code. */
export function errorClassFor(status: number, code: string | undefined): ErrorClass {
  if (status === 429) return code === 'quota_exceeded' ? QuotaExceededError : RateLimitError;
  if (status >= 500) return ServerError;
  return byStatus[status] ?? EmivoyError;
}

/** The error for an answer with an error status, built from its problem document if any. */
export function errorFromResponse(
  status: number,
  text: string,
  headers: Headers,
  retryAfter: number | undefined,
): EmivoyError {
  const problem = parseProblem(text);
  const code = nonEmpty(problem?.code);
  const message =
    nonEmpty(problem?.detail) ??
    nonEmpty(problem?.title) ??
    `HTTP ${status} without a problem document`;
  const ErrorType = errorClassFor(status, code);
  return new ErrorType(message, {
    status,
    code,
    errors: Array.isArray(problem?.errors) ? problem.errors : [],
    requestId: nonEmpty(problem?.request_id) ?? headers.get('Request-Id') ?? undefined,
    retryAfter,
    body: problem,
  });
}

function parseProblem(text: string): Problem | undefined {
  // A proxy in front of the server may answer with HTML, or with nothing at all.
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Problem)
      : undefined;
  } catch {
    return undefined;
  }
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
