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

const RunReference = Type.Object(
  { run_id: Type.String(), policy_id: Type.String(), policy_version: Type.Integer() },
  { title: 'RunReference' },
);

/** The 202 answer: the stored event, the runs it started and the runs it cancelled. */
export const EventAccepted = Type.Composite(
  [
    Type.Omit(Event, ['object']),
    Type.Object({
      object: Type.Literal('event'),
      runs_started: Type.Array(RunReference),
      runs_cancelled: Type.Array(RunReference, {
        description: "Active runs this event cancelled through their policies' cancel_on",
      }),
    }),
  ],
  { title: 'EventAccepted' },
);

/** `GET /events/{event_id}`: the event with every run it started and every message sent. */
export const EventDetail = Type.Composite(
  [
    Type.Omit(Event, ['object']),
    Type.Object({
      object: Type.Literal('event'),
      runs: Type.Array(Type.Ref('Run')),
      messages: Type.Array(Type.Ref('Message')),
    }),
  ],
  { title: 'EventDetail' },
);

const DryRunEmail = Type.Object({
  to: Type.Object({ email: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }),
  contact_id: Type.String(),
  role: Type.String(),
  subject: Type.String(),
  text_body: Type.Union([Type.String(), Type.Null()]),
  html_body: Type.Union([Type.String(), Type.Null()]),
});

const DryRunStep = Type.Object({
  step_index: Type.Integer(),
  type: Type.Union([Type.Literal('send_email'), Type.Literal('wait')]),
  at: Timestamp,
  duration: Type.Optional(Type.String()),
  wakes_at: Type.Optional(Timestamp),
  template_id: Type.Optional(Type.String()),
  emails: Type.Optional(Type.Array(DryRunEmail)),
  skipped: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()))),
  error: Type.Optional(Type.String()),
});

/** `POST /events?dry_run=true`: what would happen; nothing is stored. */
export const EventDryRun = Type.Object(
  {
    object: Type.Literal('event_dry_run'),
    event_type: Type.String(),
    entity_id: Type.String(),
    data: Type.Record(Type.String(), Type.Unknown()),
    livemode: Type.Boolean(),
    matched_policies: Type.Array(
      Type.Object({
        policy_id: Type.String(),
        name: Type.String(),
        policy_version: Type.Integer(),
        steps: Type.Array(DryRunStep),
      }),
    ),
    runs_cancelled: Type.Array(RunReference),
  },
  { title: 'EventDryRun' },
);

export const EventCreateQuery = Type.Object(
  {
    dry_run: Type.Optional(
      Type.Boolean({ description: 'Answer what would happen (200) and store nothing' }),
    ),
  },
  { additionalProperties: false },
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
