import { parseDuration } from './duration.js';
import type { FieldError } from './field-error.js';
import {
  type CancelRule,
  type Condition,
  conditionOperators,
  type PolicyDefinition,
  type PolicyStep,
} from './policy-definition.js';

export const eventTypePattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;
const rolePattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
const maxSteps = 50;

/** The policy's fields as they arrive, already of the right JSON types (the schema did that). */
export interface PolicyDefinitionInput {
  steps: Array<Record<string, unknown>>;
  conditions?: Array<Record<string, unknown>> | undefined;
  recipients?: { roles?: unknown } | null | undefined;
  cancel_on?: Array<Record<string, unknown>> | undefined;
}

/**
 * Checks a policy definition's rules that a JSON schema cannot say, and returns it in its
 * stored form. Template existence is the store's to check; this needs no I/O.
 */
export function validatePolicyDefinition(input: PolicyDefinitionInput): {
  definition: PolicyDefinition;
  errors: FieldError[];
} {
  const errors: FieldError[] = [];
  const steps = validateSteps(input.steps, errors);
  const conditions = validateConditions(input.conditions ?? [], errors);
  const cancelOn = validateCancelOn(input.cancel_on ?? [], errors);
  const recipients = validateRecipients(input.recipients, errors);

  return { definition: { steps, conditions, recipients, cancel_on: cancelOn }, errors };
}

function validateSteps(raw: Array<Record<string, unknown>>, errors: FieldError[]): PolicyStep[] {
  if (raw.length === 0) errors.push({ field: 'steps', message: 'must have at least one step' });
  if (raw.length > maxSteps) errors.push({ field: 'steps', message: `at most ${maxSteps} steps` });

  const steps: PolicyStep[] = [];
  raw.forEach((step, index) => {
    const at = `steps.${index}`;
    if (step.type === 'send_email') {
      const parsed = validateSendEmail(step, at, errors);
      if (parsed) steps.push(parsed);
      return;
    }
    if (step.type === 'wait') {
      unknownKeys(step, ['type', 'duration'], at, errors);
      const duration = step.duration;
      if (typeof duration !== 'string' || parseDuration(duration) === null) {
        errors.push({
          field: `${at}.duration`,
          message:
            'must be a duration such as 30s, 15m, 12h, 3d, 2w or ISO 8601 P3D (at most 10 years)',
        });
        return;
      }
      steps.push({ type: 'wait', duration });
      return;
    }
    errors.push({ field: `${at}.type`, message: 'must be "send_email" or "wait"' });
  });
  return steps;
}

function validateSendEmail(
  step: Record<string, unknown>,
  at: string,
  errors: FieldError[],
): PolicyStep | null {
  unknownKeys(step, ['type', 'template_id', 'to_roles'], at, errors);
  const templateId = step.template_id;
  const idOk = typeof templateId === 'string' && templateId.startsWith('tpl_');
  if (!idOk) errors.push({ field: `${at}.template_id`, message: 'must be a template id (tpl_…)' });
  // Checked even after a bad template_id, so that one answer names both fields.
  const roles =
    step.to_roles === undefined
      ? undefined
      : validateRoles(step.to_roles, `${at}.to_roles`, errors);
  if (!idOk || roles === null) return null;

  return roles
    ? { type: 'send_email', template_id: templateId, to_roles: roles }
    : { type: 'send_email', template_id: templateId };
}

function validateRoles(raw: unknown, at: string, errors: FieldError[]): string[] | null {
  const ok =
    Array.isArray(raw) &&
    raw.length > 0 &&
    raw.length <= 20 &&
    raw.every((role) => typeof role === 'string' && rolePattern.test(role));
  if (!ok) {
    errors.push({ field: at, message: 'must be 1 to 20 role names such as "billing_contact"' });
    return null;
  }
  return [...new Set(raw as string[])];
}

function validateConditions(
  raw: Array<Record<string, unknown>>,
  errors: FieldError[],
): Condition[] {
  const conditions: Condition[] = [];
  raw.forEach((condition, index) => {
    const at = `conditions.${index}`;
    unknownKeys(condition, ['field', 'op', 'value'], at, errors);
    const { field, op, value } = condition;
    if (typeof field !== 'string' || field.length === 0 || field.length > 200) {
      errors.push({ field: `${at}.field`, message: 'must be a data key or dotted path' });
      return;
    }
    if (!conditionOperators.includes(op as Condition['op'])) {
      errors.push({
        field: `${at}.op`,
        message: `must be one of ${conditionOperators.join(', ')}`,
      });
      return;
    }
    const operator = op as Condition['op'];
    if (operator !== 'exists' && value === undefined) {
      errors.push({ field: `${at}.value`, message: `is required with op "${operator}"` });
      return;
    }
    if ((operator === 'in' || operator === 'nin') && !Array.isArray(value)) {
      errors.push({ field: `${at}.value`, message: `must be an array with op "${operator}"` });
      return;
    }
    if (
      ['gt', 'gte', 'lt', 'lte'].includes(operator) &&
      !['number', 'string'].includes(typeof value)
    ) {
      errors.push({
        field: `${at}.value`,
        message: `must be a number or string with op "${operator}"`,
      });
      return;
    }
    conditions.push(value === undefined ? { field, op: operator } : { field, op: operator, value });
  });
  return conditions;
}

function validateCancelOn(raw: Array<Record<string, unknown>>, errors: FieldError[]): CancelRule[] {
  const rules: CancelRule[] = [];
  raw.forEach((rule, index) => {
    const at = `cancel_on.${index}`;
    unknownKeys(rule, ['event_type', 'match'], at, errors);
    if (typeof rule.event_type !== 'string' || !eventTypePattern.test(rule.event_type)) {
      errors.push({
        field: `${at}.event_type`,
        message: 'must be an event type such as "invoice.paid"',
      });
      return;
    }
    if (rule.match === undefined) {
      rules.push({ event_type: rule.event_type });
      return;
    }
    const match = rule.match;
    const ok =
      Array.isArray(match) &&
      match.length <= 20 &&
      match.every((key) => typeof key === 'string' && key.length > 0 && key.length <= 200);
    if (!ok) {
      errors.push({
        field: `${at}.match`,
        message: 'must be a list of data keys such as ["invoice_id"]',
      });
      return;
    }
    rules.push({ event_type: rule.event_type, match: match as string[] });
  });
  return rules;
}

function validateRecipients(
  raw: PolicyDefinitionInput['recipients'],
  errors: FieldError[],
): PolicyDefinition['recipients'] {
  if (raw === undefined || raw === null) return null;

  const roles = validateRoles(raw.roles, 'recipients.roles', errors);
  return roles ? { roles } : null;
}

function unknownKeys(
  value: Record<string, unknown>,
  allowed: string[],
  at: string,
  errors: FieldError[],
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      errors.push({ field: `${at}.${key}`, message: 'is not a known field' });
  }
}

/** Template ids a definition refers to, for the store to check that they exist. */
export function templateIdsOf(definition: PolicyDefinition): string[] {
  const ids = definition.steps.flatMap((step) =>
    step.type === 'send_email' ? [step.template_id] : [],
  );
  return [...new Set(ids)];
}
