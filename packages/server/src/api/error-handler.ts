import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidCursorError } from '../store/pagination.js';
import type { App } from './app-context.js';
import { ApiError, type FieldError, problemBody } from './problem.js';

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Fastify's own errors that are the client's fault, by Fastify code. */
const fastifyCodes: Record<string, ApiError['code']> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_json',
};

/** Answers a request no route matched, or returns undefined to let it be a 404. */
export type NotFoundFallback = (
  request: FastifyRequest,
  reply: FastifyReply,
) => FastifyReply | Promise<FastifyReply> | undefined;

/**
 * Turns anything thrown into problem details; 5xx answers never carry internals. A request
 * no route matched may be answered by `fallback` first (the console's pages).
 */
export function installErrorHandler(app: App, fallback?: NotFoundFallback): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) {
      request.log.error({ err: error, requestId: request.id }, 'request failed');
    } else {
      request.log.info({ code: apiError.code, status: apiError.status }, 'request refused');
    }
    return sendProblem(request, reply, apiError);
  });

  app.setNotFoundHandler(
    (request, reply) =>
      fallback?.(request, reply) ??
      sendProblem(
        request,
        reply,
        new ApiError('not_found', `No route for ${request.method} ${request.url}`),
      ),
  );
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: ApiError) {
  const path = request.url.split('?')[0];
  if (error.headers) reply.headers(error.headers);
  return reply
    .code(error.status)
    .type('application/problem+json')
    .send(problemBody(error, path, request.id));
}

function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof InvalidCursorError) {
    return new ApiError('invalid_cursor', error.message, [
      { field: 'cursor', message: error.message },
    ]);
  }
  if (error.validation) {
    const part = error.validationContext ?? 'body';
    return ApiError.validation(mergeByField(error.validation as AjvError[], part));
  }

  const code = error.code ? fastifyCodes[error.code] : undefined;
  if (code) return new ApiError(code, detailFor(code, error));
  const database = databaseProblem(error);
  if (database) return database;
  if (error.statusCode === 429) return new ApiError('rate_limited');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new ApiError('validation_failed', error.message);
  }
  return new ApiError(
    'internal_error',
    'Something went wrong on our side; the request id helps us find it.',
  );
}

/** SQLSTATEs and socket codes saying the database went away, not that the query was wrong. */
const connectionLostCodes = new Set(['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET']);
const connectionLostMessages = ['Connection terminated', 'connection error and is not queryable'];

/**
 * Failures of the database that the client can act on. Out of space (SQLite's SQLITE_FULL,
 * PostgreSQL's disk_full): the transaction was rolled back, so nothing was stored. The
 * connection gone (a restart, a failover): the pool reconnects, so a retry soon succeeds.
 * The database's error may be the `cause` of the one thrown (SQLite's shared commit wraps it).
 */
function databaseProblem(error: Error): ApiError | undefined {
  const chain = causesOf(error);
  const codes = chain.map((cause) => String((cause as { code?: unknown }).code ?? ''));
  if (codes.some((code) => code === 'SQLITE_FULL' || code === '53100')) {
    return new ApiError(
      'storage_full',
      "The server's disk is full, so nothing was stored. Retry once its operator has freed space.",
    );
  }
  const lost =
    codes.some((code) => connectionLostCodes.has(code) || code.startsWith('08')) ||
    chain.some((cause) => connectionLostMessages.some((text) => cause.message.includes(text)));
  if (!lost) return undefined;
  return new ApiError(
    'service_unavailable',
    'The database is not reachable right now. Retry in a moment, with the same Idempotency-Key.',
    undefined,
    { 'Retry-After': '1' },
  );
}

/** The error and its causes, innermost last (a few levels at most). */
function causesOf(error: Error): Error[] {
  const chain: Error[] = [];
  for (let at: unknown = error; at instanceof Error && chain.length < 5; at = at.cause) {
    chain.push(at);
  }
  return chain;
}

function detailFor(code: ApiError['code'], error: FastifyError): string {
  if (code === 'payload_too_large') return 'The request body is larger than 1 MiB';
  if (code === 'unsupported_media_type')
    return 'Send the body as JSON with Content-Type: application/json';
  return `The request body is not valid JSON: ${error.message.replace(/^Body is not valid JSON but content-type is set to 'application\/json'/, 'empty or malformed')}`;
}

/**
 * One entry per field. A nullable field of the wrong type makes Ajv report each branch of
 * its `anyOf` and the `anyOf` itself; a person wants "must be string or null" once.
 */
function mergeByField(errors: AjvError[], part: string): FieldError[] {
  const byField = new Map<string, { types: string[]; values: string[]; first: FieldError }>();
  for (const error of errors) {
    if (error.keyword === 'anyOf') continue;
    const fieldError = fieldErrorOf(error, part);
    const entry = byField.get(fieldError.field) ?? { types: [], values: [], first: fieldError };
    if (error.keyword === 'type') entry.types.push(String(error.params.type));
    if (error.keyword === 'const') entry.values.push(JSON.stringify(error.params.allowedValue));
    byField.set(fieldError.field, entry);
  }
  return [...byField.values()].map(({ types, values, first }) => {
    if (values.length > 0)
      return { field: first.field, message: `must be one of ${values.join(', ')}` };
    if (types.length > 1) return { field: first.field, message: `must be ${types.join(' or ')}` };
    return first;
  });
}

/** An Ajv error as a dotted field path (`steps.0.type`, or a query parameter) and a sentence. */
function fieldErrorOf(error: AjvError, part: string): FieldError {
  const base = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const join = (key: string) => (base ? `${base}.${key}` : key);

  if (error.keyword === 'required') {
    return { field: join(String(error.params.missingProperty)), message: 'is required' };
  }
  if (error.keyword === 'additionalProperties') {
    return {
      field: join(String(error.params.additionalProperty)),
      message: 'is not a known field',
    };
  }
  return {
    field: base || (part === 'querystring' ? 'query' : part),
    message: error.message ?? 'is invalid',
  };
}
