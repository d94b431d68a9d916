/** What a policy does, as stored per version and pinned by each run. */
export interface PolicyDefinition {
  steps: PolicyStep[];
  conditions: Condition[];
  recipients: { roles: string[] } | null;
  cancel_on: CancelRule[];
}

export type PolicyStep = SendEmailStep | WaitStep;

export interface SendEmailStep {
  type: 'send_email';
  template_id: string;
  /** Absent: the policy's `recipients.roles`, else every contact of the entity. */
  to_roles?: string[];
}

export interface WaitStep {
  type: 'wait';
  /** As written by the user (`3d`, `P3D`); parsed by `parseDuration`. */
  duration: string;
}

export const conditionOperators = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'exists',
  'contains',
] as const;

export type ConditionOperator = (typeof conditionOperators)[number];

/** A test on the event's data at a dotted path; a policy's conditions must all hold. */
export interface Condition {
  field: string;
  op: ConditionOperator;
  value?: unknown;
}

/** An event of this type cancels the policy's active runs for the same entity. */
export interface CancelRule {
  event_type: string;
  /** Data keys whose values must equal those of the run's triggering event. */
  match?: string[];
}
