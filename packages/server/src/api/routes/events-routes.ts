import { Type } from '@sinclair/typebox';
import { acceptEvent } from '../../engine/accept-event.js';
import { findEvent, listEvents } from '../../store/events-store.js';
import { lookupIdempotencyKey } from '../../store/idempotency-store.js';
import { isUniqueViolation } from '../../store/unique-violation.js';
import { type App, callerOf } from '../app-context.js';
import { ApiError } from '../problem.js';
import { errorResponses, msOrUndefined } from '../schemas/common.js';
import {
  Event,
  EventCreate,
  EventListQuery,
  EventPage,
  EventParams,
  presentEvent,
} from '../schemas/event-schemas.js';

const tags = ['events'];

/** Seconds until the next calendar month (UTC), when the quota starts over. */
function secondsUntilNextMonth(now: number): number {
  const date = new Date(now);
  const next = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  return Math.ceil((next - now) / 1000);
}

export async function eventsRoutes(app: App): Promise<void> {
  const { db } = app.services.database;

  app.post(
    '/events',
    {
      config: { idempotencyInTransaction: true },
      schema: {
        tags,
        operationId: 'createEvent',
        summary: 'Post an event: it starts the matching policies',
        body: EventCreate,
        response: { 202: Type.Ref(Event), ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const now = app.services.now();
      const input = { ...request.body, data: request.body.data ?? {} };
      let result: Awaited<ReturnType<typeof acceptEvent>>;
      try {
        result = await acceptEvent(db, input, {
          accountId: caller.accountId,
          livemode: caller.livemode,
          monthlyLimit: caller.monthlyEventLimit,
          now,
          idempotency: request.idempotency ?? undefined,
          present: presentEvent,
        });
      } catch (error) {
        // A concurrent request with the same Idempotency-Key committed first: replay its answer.
        if (!request.idempotency || !isUniqueViolation(error)) throw error;
        const { key, requestHash } = request.idempotency;
        const state = await lookupIdempotencyKey(db, caller.accountId, key, requestHash, now);
        if (state.state !== 'replay') throw new ApiError('idempotency_key_in_use');
        return reply
          .code(state.status)
          .header('Idempotent-Replayed', 'true')
          .type('application/json')
          .send(state.body as never);
      }

      if (result.outcome === 'entity_not_found') {
        throw new ApiError(
          'entity_not_found',
          `No entity with entity_id "${input.entity_id}"; create it first with POST /api/v1/entities`,
          [{ field: 'entity_id', message: 'no entity with this external_id' }],
        );
      }
      if (result.outcome === 'quota_exceeded') {
        throw new ApiError(
          'quota_exceeded',
          `This account has used its ${caller.monthlyEventLimit} events for this month; nothing was stored`,
          undefined,
          { 'Retry-After': String(secondsUntilNextMonth(now)) },
        );
      }
      return reply.code(202).send(result.body as ReturnType<typeof presentEvent>);
    },
  );

  app.get(
    '/events',
    {
      schema: {
        tags,
        operationId: 'listEvents',
        summary: 'List events (of the calling key’s mode), newest first',
        querystring: EventListQuery,
        response: { 200: EventPage, ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { query } = request;
      const page = await listEvents(db, caller.accountId, {
        ...query,
        limit: query.limit ?? 20,
        livemode: caller.livemode,
        created_after: msOrUndefined(query.created_after),
        created_before: msOrUndefined(query.created_before),
      });
      return { ...page, data: page.data.map(presentEvent) };
    },
  );

  app.get(
    '/events/:event_id',
    {
      schema: {
        tags,
        operationId: 'getEvent',
        summary: 'Get an event',
        params: EventParams,
        response: { 200: Type.Ref(Event), ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const row = await findEvent(db, caller.accountId, request.params.event_id);
      if (!row || (row.livemode === 1) !== caller.livemode) {
        throw new ApiError('event_not_found', `No event ${request.params.event_id}`);
      }
      return presentEvent(row);
    },
  );
}
