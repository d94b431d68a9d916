import { Type } from '@sinclair/typebox';
import { eventTypePattern } from '../../domain/validate-policy.js';
import type { EventRow } from '../../store/events-store.js';
import { CreatedRange, isoTime, ListQuery, PageOf, Timestamp } from './common.js';

export const Event = Type.Object(
  {
    object: Type.Literal('event'),
    event_id: Type.String(),
    event_type: Type.String(),
    entity_id: Type.String(),
    data: Type.Record(Type.String(), Type.Unknown()),
    livemode: Type.Boolean({ description: 'False for events posted with an em_test_ key' }),
    created_at: Timestamp,
  },
  { $id: 'Event', title: 'Event' },
);

export const EventCreate = Type.Object(
  {
    event_type: Type.String({
      pattern: eventTypePattern.source,
      description: 'Such as "invoice.overdue"',
    }),
    entity_id: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The external_id of an entity',
    }),
    data: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'Facts about the event; its keys are template variables',
      }),
    ),
  },
  { additionalProperties: false },
);

export const EventParams = Type.Object({ event_id: Type.String({ maxLength: 100 }) });

export const EventListQuery = Type.Object(
  {
    ...ListQuery,
    ...CreatedRange,
    event_type: Type.Optional(Type.String({ maxLength: 200 })),
    entity_id: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const EventPage = PageOf(Type.Ref(Event), 'Event');

export function presentEvent(row: EventRow) {
  return {
    object: 'event' as const,
    event_id: row.id,
    event_type: row.event_type,
    entity_id: row.entity_id,
    data: JSON.parse(row.data) as Record<string, unknown>,
    livemode: row.livemode === 1,
    created_at: isoTime(row.created_at),
  };
}
