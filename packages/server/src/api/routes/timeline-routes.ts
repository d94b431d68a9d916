import { Type } from '@sinclair/typebox';
import { findEntity } from '../../store/entities-store.js';
import { entityTimeline } from '../../store/timeline-store.js';
import { type App, callerOf } from '../app-context.js';
import { ApiError } from '../problem.js';
import { errorResponses, isoTime, ListQuery, Timestamp } from '../schemas/common.js';

const TimelineItem = Type.Object(
  {
    at: Timestamp,
    kind: Type.String({
      description:
        'event, run_started, email_queued, recipient_skipped, wait_started, completed, cancelled, failed, message_status',
    }),
    event_id: Type.Optional(Type.String()),
    run_id: Type.Optional(Type.String()),
    message_id: Type.Optional(Type.String()),
    step_index: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    detail: Type.Record(Type.String(), Type.Unknown()),
  },
  { title: 'TimelineItem' },
);

const Timeline = Type.Object(
  {
    object: Type.Literal('timeline'),
    entity_id: Type.String(),
    data: Type.Array(TimelineItem, { description: 'Oldest first, for the events of this page' }),
    has_more: Type.Boolean(),
    next_cursor: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'Timeline' },
);

export async function timelineRoutes(app: App): Promise<void> {
  const { db } = app.services.database;

  app.get(
    '/entities/:entity_id/timeline',
    {
      schema: {
        operationId: 'getEntityTimeline',
        tags: ['entities'],
        summary: 'Every event, run, wait, message and cancellation about an entity, oldest first',
        params: Type.Object({ entity_id: Type.String({ maxLength: 200 }) }),
        querystring: Type.Object({ ...ListQuery }, { additionalProperties: false }),
        response: { 200: Timeline, ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const entityId = request.params.entity_id;
      const timeline = await entityTimeline(db, caller.accountId, entityId, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
        livemode: caller.livemode,
      });
      if (timeline.items.length === 0 && !(await findEntity(db, caller.accountId, entityId))) {
        throw new ApiError('entity_not_found', `No entity with entity_id "${entityId}"`);
      }
      return {
        object: 'timeline' as const,
        entity_id: entityId,
        data: timeline.items.map((item) => ({ ...item, at: isoTime(item.at) })),
        has_more: timeline.has_more,
        next_cursor: timeline.next_cursor,
      };
    },
  );
}
