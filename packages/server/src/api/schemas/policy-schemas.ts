import { type Static, Type } from '@sinclair/typebox';
import { conditionOperators, type PolicyDefinition } from '../../domain/policy-definition.js';
import { eventTypePattern } from '../../domain/validate-policy.js';
import type { PolicyRow } from '../../store/policies-store.js';
import { isoTime, ListQuery, PageOf, SearchQuery, Timestamp } from './common.js';

const PolicyName = Type.String({ minLength: 1, maxLength: 200 });
const EventType = Type.String({
  pattern: eventTypePattern.source,
  description: 'The event type that starts a run, such as "invoice.overdue"',
});

// What the answer holds: every definition has been through validatePolicyDefinition.
const SendEmailStep = Type.Object(
  {
    type: Type.Literal('send_email'),
    template_id: Type.String(),
    to_roles: Type.Optional(
      Type.Array(Type.String(), {
        description: "Default: the policy's recipients.roles, else every contact of the entity",
      }),
    ),
  },
  { title: 'SendEmailStep' },
);

const WaitStep = Type.Object(
  {
    type: Type.Literal('wait'),
    duration: Type.String({ description: '30s, 15m, 12h, 3d, 2w, or ISO 8601 such as P3D' }),
  },
  { title: 'WaitStep' },
);

const Condition = Type.Object(
  {
    field: Type.String({ description: 'A key of the event data, or a dotted path into it' }),
    op: Type.Union(conditionOperators.map((op) => Type.Literal(op))),
    value: Type.Optional(Type.Unknown()),
  },
  { title: 'Condition', description: 'A test on the event data; all conditions must hold' },
);

const CancelRule = Type.Object(
  {
    event_type: Type.String(),
    match: Type.Optional(
      Type.Array(Type.String(), {
        description: "Data keys whose values must equal those of the run's triggering event",
      }),
    ),
  },
  {
    title: 'CancelRule',
    description: "An event of this type cancels the policy's active runs for the same entity",
  },
);

const Recipients = Type.Object(
  { roles: Type.Array(Type.String()) },
  { additionalProperties: false, description: 'Roles a send_email step mails by default' },
);

export const Policy = Type.Object(
  {
    object: Type.Literal('policy'),
    policy_id: Type.String(),
    name: Type.String(),
    event_type: Type.String(),
    enabled: Type.Boolean(),
    version: Type.Integer({ description: 'Goes up when the steps, rules or event_type change' }),
    steps: Type.Array(Type.Union([SendEmailStep, WaitStep])),
    conditions: Type.Array(Condition),
    recipients: Type.Union([Recipients, Type.Null()]),
    cancel_on: Type.Array(CancelRule),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Policy', title: 'Policy' },
);

/*
 * Requests type steps, conditions and cancel rules loosely, as JSON objects: the shape of a
 * step depends on its type, and validatePolicyDefinition names the exact bad field
 * (steps.1.duration) where a union schema would only say that no branch matched.
 */
const Steps = Type.Array(
  Type.Object(
    { type: Type.String({ description: '"send_email" or "wait"' }) },
    {
      additionalProperties: true,
      description:
        '{"type": "send_email", "template_id": "tpl_…"} or ' + '{"type": "wait", "duration": "3d"}',
    },
  ),
  { minItems: 1, maxItems: 50, description: 'Run in order for each matching event' },
);

const AnyObject = (description: string) =>
  Type.Object({}, { additionalProperties: true, description });

const Conditions = Type.Array(AnyObject('{"field": "amount", "op": "gte", "value": 100}'), {
  maxItems: 50,
  description: 'Tests on the event data that must all hold for a run to start',
});

const CancelOn = Type.Array(AnyObject('{"event_type": "invoice.paid", "match": ["invoice_id"]}'), {
  maxItems: 50,
  description: 'Events that cancel the active runs of this policy for the same entity',
});

const RecipientsInput = Type.Union([Recipients, Type.Null()]);

export const PolicyCreate = Type.Object(
  {
    name: PolicyName,
    event_type: EventType,
    enabled: Type.Optional(Type.Boolean({ default: true })),
    steps: Steps,
    conditions: Type.Optional(Conditions),
    recipients: Type.Optional(RecipientsInput),
    cancel_on: Type.Optional(CancelOn),
  },
  { additionalProperties: false },
);

export const PolicyPatch = Type.Object(
  {
    name: Type.Optional(PolicyName),
    event_type: Type.Optional(EventType),
    enabled: Type.Optional(Type.Boolean()),
    steps: Type.Optional(Steps),
    conditions: Type.Optional(Conditions),
    recipients: Type.Optional(RecipientsInput),
    cancel_on: Type.Optional(CancelOn),
  },
  {
    additionalProperties: false,
    description: 'Given definition fields replace the current ones; the whole is re-validated',
  },
);

export type PolicyPatchBody = Static<typeof PolicyPatch>;

export const PolicyParams = Type.Object({ policy_id: Type.String({ maxLength: 100 }) });

export const PolicyListQuery = Type.Object(
  {
    ...ListQuery,
    ...SearchQuery,
    event_type: Type.Optional(Type.String({ maxLength: 200 })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const PolicyPage = PageOf(Type.Ref(Policy), 'Policy');

export function presentPolicy(row: PolicyRow) {
  const definition = JSON.parse(row.definition) as PolicyDefinition;
  return {
    object: 'policy' as const,
    policy_id: row.id,
    name: row.name,
    event_type: row.event_type,
    enabled: row.enabled === 1,
    version: row.version,
    steps: definition.steps,
    conditions: definition.conditions,
    recipients: definition.recipients,
    cancel_on: definition.cancel_on,
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
  };
}
