import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  lookupIdempotencyKey,
  releaseIdempotencyKey,
} from '../store/idempotency-store.js';
import type { App } from './app-context.js';
import { callerOf } from './app-context.js';
import { ApiError } from './problem.js';

/** The idempotency state of one POST that carries an `Idempotency-Key`. */
export interface IdempotentRequest {
  key: string;
  requestHash: string;
  /**
   * True when the route stores its answer inside its own transaction (events): then no
   * claim is taken up front and nothing is stored afterwards by the hooks.
   */
  inTransaction: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: IdempotentRequest | null;
  }
  interface FastifyContextConfig {
    /** The route records its idempotent answer itself, in the transaction that does the work. */
    idempotencyInTransaction?: boolean;
  }
}

const keyPattern = /^[\x21-\x7e]{1,255}$/;

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      description: 'Replays the first answer for the same key and body within 24 hours',
      maxLength: 255,
    }),
  ),
});

/**
 * `Idempotency-Key` on any POST: the same key and body within 24 hours replays the first
 * answer; the same key with another body is refused. Answers worth retrying (429, 5xx) are
 * not stored, so a retry does the work again.
 */
export function supportIdempotency(app: App): void {
  app.decorateRequest('idempotency', null);

  // Every POST documents the header, so the OpenAPI document and the clients know it.
  app.addHook('onRoute', (route) => {
    if (route.method !== 'POST') return;
    const schema = (route.schema ?? {}) as { headers?: unknown };
    route.schema = { ...schema, headers: schema.headers ?? IdempotencyHeaders };
  });

  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined) return;
    // Sign-in and session routes act on the caller's own session, not on account data: a
    // replayed answer would hand out a CSRF token without its cookie.
    if (request.routeOptions.config.auth !== undefined) return;
    if (typeof key !== 'string' || !keyPattern.test(key)) {
      throw ApiError.validation([
        { field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' },
      ]);
    }

    const caller = callerOf(request);
    const inTransaction = request.routeOptions.config.idempotencyInTransaction === true;
    const requestHash = hashRequest(request);
    const { db } = app.services.database;
    const now = app.services.now();
    const state = inTransaction
      ? await lookupIdempotencyKey(db, caller.accountId, key, requestHash, now)
      : await claimIdempotencyKey(db, caller.accountId, key, requestHash, now);

    if (state.state === 'reused') {
      throw new ApiError(
        'idempotency_key_reused',
        'This Idempotency-Key was first used with another request body or path; use a new key for a new request',
      );
    }
    if (state.state === 'in_progress') {
      throw new ApiError('idempotency_key_in_use', undefined, undefined, { 'Retry-After': '1' });
    }
    if (state.state === 'replay') {
      return reply
        .code(state.status)
        .header('Idempotent-Replayed', 'true')
        .type(state.status >= 400 ? 'application/problem+json' : 'application/json')
        .send(state.body);
    }
    request.idempotency = { key, requestHash, inTransaction };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const idempotency = request.idempotency;
    if (!idempotency || idempotency.inTransaction || !request.caller) return payload;

    const { db } = app.services.database;
    if (!isStorable(reply.statusCode)) {
      await releaseIdempotencyKey(db, request.caller.accountId, idempotency.key);
      return payload;
    }
    const body = typeof payload === 'string' ? payload : String(payload ?? '');
    await completeIdempotencyKey(
      db,
      request.caller.accountId,
      idempotency.key,
      idempotency.requestHash,
      {
        status: reply.statusCode,
        body,
      },
    );
    return payload;
  });
}

/** 2xx and 4xx answers are replayed; 429 and 5xx are not, since a retry may then succeed. */
export function isStorable(status: number): boolean {
  return status < 500 && status !== 429;
}

function hashRequest(request: FastifyRequest): string {
  // The query is part of the request: `?dry_run=true` asks for something else.
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
}
