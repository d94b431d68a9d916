import { type AcceptedEvent, acceptEvent } from '../../engine/accept-event.js';
import { dryRunEvent } from '../../engine/dry-run-event.js';
import { findEvent, listEvents } from '../../store/events-store.js';
import { lookupIdempotencyKey } from '../../store/idempotency-store.js';
import { listMessages } from '../../store/messages-store.js';
import { listRuns } from '../../store/runs-store.js';
import { isUniqueViolation } from '../../store/unique-violation.js';
import { type App, callerOf } from '../app-context.js';
import { ApiError } from '../problem.js';
import { errorResponses, msOrUndefined } from '../schemas/common.js';
import {
  EventAccepted,
  EventCreate,
  EventCreateQuery,
  EventDetail,
  EventDryRun,
  EventListQuery,
  EventPage,
  EventParams,
  presentEvent,
} from '../schemas/event-schemas.js';
import { presentMessage } from '../schemas/message-schemas.js';
import { presentRun } from '../schemas/run-schemas.js';

const tags = ['events'];

/** Seconds until the next calendar month (UTC), when the quota starts over. */
function secondsUntilNextMonth(now: number): number {
  const date = new Date(now);
  const next = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  return Math.ceil((next - now) / 1000);
}

function presentAccepted({ event, runsStarted, runsCancelled }: AcceptedEvent) {
  return { ...presentEvent(event), runs_started: runsStarted, runs_cancelled: runsCancelled };
}

function entityNotFound(entityId: string): ApiError {
  return new ApiError(
    'entity_not_found',
    `No entity with entity_id "${entityId}"; create it first with POST /api/v1/entities`,
    [{ field: 'entity_id', message: 'no entity with this external_id' }],
  );
}

export async function eventsRoutes(app: App): Promise<void> {
  const { db } = app.services.database;

  app.post(
    '/events',
    {
      config: { idempotencyInTransaction: true },
      schema: {
        operationId: 'createEvent',
        tags,
        summary: 'Post an event: it starts the matching policies and cancels the runs it resolves',
        querystring: EventCreateQuery,
        body: EventCreate,
        response: { 200: EventDryRun, 202: EventAccepted, ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const now = app.services.now();
      const input = { ...request.body, data: request.body.data ?? {} };

      if (request.query.dry_run) {
        const scope = { accountId: caller.accountId, livemode: caller.livemode, now };
        const result = await dryRunEvent(db, input, scope);
        if (result === 'entity_not_found') throw entityNotFound(input.entity_id);
        return reply.code(200).send({
          object: 'event_dry_run' as const,
          ...input,
          livemode: caller.livemode,
          ...result,
        });
      }

      let result: Awaited<ReturnType<typeof acceptEvent>>;
      try {
        result = await acceptEvent(db, input, {
          accountId: caller.accountId,
          livemode: caller.livemode,
          monthlyLimit: caller.monthlyEventLimit,
          now,
          idempotency: request.idempotency ?? undefined,
          present: presentAccepted,
          handOver: (runIds) => app.services.wakeWorker(runIds),
        });
      } catch (error) {
        // A concurrent request with the same Idempotency-Key committed first: replay its answer.
        if (!request.idempotency || !isUniqueViolation(error)) throw error;
        const { key, requestHash } = request.idempotency;
        const state = await lookupIdempotencyKey(db, caller.accountId, key, requestHash, now);
        if (state.state !== 'replay') throw new ApiError('idempotency_key_in_use');
        // The stored answer is already JSON text: sent as it is, not serialised again.
        return reply
          .code(state.status)
          .header('Idempotent-Replayed', 'true')
          .type('application/json')
          .send(state.body as never);
      }

      if (result.outcome === 'entity_not_found') throw entityNotFound(input.entity_id);
      if (result.outcome === 'quota_exceeded') {
        throw new ApiError(
          'quota_exceeded',
          `This account has used its ${caller.monthlyEventLimit} events for this month; nothing was stored`,
          undefined,
          { 'Retry-After': String(secondsUntilNextMonth(now)) },
        );
      }
      return reply.code(202).send(result.body as ReturnType<typeof presentAccepted>);
    },
  );

  app.get(
    '/events',
    {
      schema: {
        operationId: 'listEvents',
        tags,
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
        operationId: 'getEvent',
        tags,
        summary: 'Get an event with the runs it started and the messages they sent',
        params: EventParams,
        response: { 200: EventDetail, ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const row = await findEvent(db, caller.accountId, request.params.event_id);
      if (!row || (row.livemode === 1) !== caller.livemode) {
        throw new ApiError('event_not_found', `No event ${request.params.event_id}`);
      }
      // An event starts at most one run per policy; 100 covers any sane account.
      const runs = await listRuns(db, caller.accountId, { limit: 100, event_id: row.id });
      const messages = await listMessages(db, caller.accountId, { limit: 100, event_id: row.id });
      return {
        ...presentEvent(row),
        runs: runs.data.map((run) => presentRun(run)),
        messages: messages.data.map((message) => presentMessage(message)),
      };
    },
  );
}
