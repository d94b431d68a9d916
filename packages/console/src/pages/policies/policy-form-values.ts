import { randomId } from '@mantine/hooks';
import type { ConditionOp, Policy, PolicyInput, PolicyStep } from '../../api/types';

export interface StepValue {
  key: string;
  type: 'send_email' | 'wait';
  template_id: string;
  to_roles: string[];
  duration: string;
}

export interface ConditionValue {
  key: string;
  field: string;
  op: ConditionOp;
  /** As typed: JSON when it parses (100, true, ["a"]), else text. */
  value: string;
}

export interface CancelRuleValue {
  key: string;
  event_type: string;
  match: string[];
}

/** A policy as the editor holds it: lists with keys, values as text. */
export interface PolicyFormValues {
  name: string;
  event_type: string;
  enabled: boolean;
  /** The policy's default recipients (`recipients.roles`); empty mails every contact. */
  roles: string[];
  steps: StepValue[];
  conditions: ConditionValue[];
  cancel_on: CancelRuleValue[];
}

export function newStep(type: StepValue['type']): StepValue {
  return {
    key: randomId(),
    type,
    template_id: '',
    to_roles: [],
    duration: type === 'wait' ? '3d' : '',
  };
}

export function newCondition(): ConditionValue {
  return { key: randomId(), field: '', op: 'eq', value: '' };
}

export function newCancelRule(): CancelRuleValue {
  return { key: randomId(), event_type: '', match: [] };
}

export const emptyPolicy: PolicyFormValues = {
  name: '',
  event_type: '',
  enabled: true,
  roles: [],
  steps: [newStep('send_email')],
  conditions: [],
  cancel_on: [],
};

/** Shows a condition's value so that reading it back gives the same value. */
function valueText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') return JSON.stringify(value);
  try {
    JSON.parse(value);
    return JSON.stringify(value);
  } catch {
    return value;
  }
}

export function parseConditionValue(text: string, op: ConditionOp): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return op === 'exists' ? undefined : '';
  try {
    return JSON.parse(trimmed);
  } catch {
    if (op === 'in' || op === 'nin') {
      return trimmed.split(',').map((part) => parseConditionValue(part, 'eq'));
    }
    return trimmed;
  }
}

function stepValue(step: PolicyStep): StepValue {
  if (step.type === 'wait') return { ...newStep('wait'), duration: step.duration };
  return { ...newStep('send_email'), template_id: step.template_id, to_roles: step.to_roles ?? [] };
}

export function fromPolicy(policy: Policy): PolicyFormValues {
  return {
    name: policy.name,
    event_type: policy.event_type,
    enabled: policy.enabled,
    roles: policy.recipients?.roles ?? [],
    steps: policy.steps.map(stepValue),
    conditions: policy.conditions.map((condition) => ({
      key: randomId(),
      field: condition.field,
      op: condition.op,
      value: valueText(condition.value),
    })),
    cancel_on: policy.cancel_on.map((rule) => ({
      key: randomId(),
      event_type: rule.event_type,
      match: rule.match ?? [],
    })),
  };
}

export function toPolicyInput(values: PolicyFormValues): PolicyInput {
  return {
    name: values.name.trim(),
    event_type: values.event_type.trim(),
    enabled: values.enabled,
    recipients: values.roles.length > 0 ? { roles: values.roles } : null,
    steps: values.steps.map((step): PolicyStep => {
      if (step.type === 'wait') return { type: 'wait', duration: step.duration.trim() };
      return {
        type: 'send_email',
        template_id: step.template_id,
        ...(step.to_roles.length > 0 ? { to_roles: step.to_roles } : {}),
      };
    }),
    conditions: values.conditions.map((condition) => {
      const value = parseConditionValue(condition.value, condition.op);
      return {
        field: condition.field.trim(),
        op: condition.op,
        ...(value === undefined ? {} : { value }),
      };
    }),
    cancel_on: values.cancel_on.map((rule) => ({
      event_type: rule.event_type.trim(),
      ...(rule.match.length > 0 ? { match: rule.match } : {}),
    })),
  };
}

const shownPaths = [
  /^(name|event_type|enabled|roles|steps|conditions|cancel_on)$/,
  /^steps\.\d+(\.(type|template_id|to_roles|duration))?$/,
  /^conditions\.\d+(\.(field|op|value))?$/,
  /^cancel_on\.\d+(\.(event_type|match))?$/,
];

/** Where the editor shows an API error about `field`; null when it has no place for it. */
export function policyFormPath(field: string): string | null {
  const path = field
    .replace(/^recipients(\.roles)?(\.\d+)?$/, 'roles')
    .replace(/\.to_roles\.\d+$/, '.to_roles');
  return shownPaths.some((pattern) => pattern.test(path)) ? path : null;
}
