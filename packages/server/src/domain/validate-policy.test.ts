import { describe, expect, it } from 'vitest';
import {
  type PolicyDefinitionInput,
  templateIdsOf,
  validatePolicyDefinition,
} from './validate-policy.js';

const send = (templateId: string) => ({ type: 'send_email', template_id: templateId });
const wait = (duration: unknown) => ({ type: 'wait', duration });

function fieldsOf(input: PolicyDefinitionInput): string[] {
  return validatePolicyDefinition(input).errors.map((e) => e.field);
}

describe('validatePolicyDefinition', () => {
  it('returns the stored form of a valid definition, with defaults for what is absent', () => {
    const { definition, errors } = validatePolicyDefinition({
      steps: [send('tpl_a'), wait('3d'), send('tpl_b')],
    });
    expect(errors).toEqual([]);
    expect(definition).toEqual({
      steps: [send('tpl_a'), wait('3d'), send('tpl_b')],
      conditions: [],
      recipients: null,
      cancel_on: [],
    });
  });

  it('keeps conditions, recipients and cancel rules, removing repeated roles', () => {
    const { definition, errors } = validatePolicyDefinition({
      steps: [{ ...send('tpl_a'), to_roles: ['owner', 'owner'] }],
      conditions: [
        { field: 'amount', op: 'gt', value: 100 },
        { field: 'plan', op: 'in', value: ['pro', 'team'] },
        { field: 'customer.vip', op: 'exists' },
      ],
      recipients: { roles: ['billing_contact'] },
      cancel_on: [{ event_type: 'invoice.paid', match: ['invoice_id'] }, { event_type: 'a.b' }],
    });
    expect(errors).toEqual([]);
    expect(definition.steps).toEqual([{ ...send('tpl_a'), to_roles: ['owner'] }]);
    expect(definition.conditions).toHaveLength(3);
    expect(definition.conditions[2]).toEqual({ field: 'customer.vip', op: 'exists' });
    expect(definition.recipients).toEqual({ roles: ['billing_contact'] });
    expect(definition.cancel_on).toEqual([
      { event_type: 'invoice.paid', match: ['invoice_id'] },
      { event_type: 'a.b' },
    ]);
  });

  it('names a bad duration by its step', () => {
    for (const duration of ['3x', '0d', 'P', 7, undefined]) {
      expect(fieldsOf({ steps: [send('tpl_a'), wait(duration)] })).toEqual(['steps.1.duration']);
    }
  });

  it('names an unknown step type, a bad template id, bad roles and unknown keys', () => {
    const fields = fieldsOf({
      steps: [
        { type: 'sms' },
        { type: 'send_email', template_id: 'welcome', to_roles: [] },
        { ...wait('3x'), until: 'monday' },
        { ...send('tpl_a'), subject: 'Hi' },
      ],
    });
    expect(fields).toEqual([
      'steps.0.type',
      'steps.1.template_id',
      'steps.1.to_roles',
      'steps.2.until',
      'steps.2.duration',
      'steps.3.subject',
    ]);
  });

  it('refuses no steps and more than fifty', () => {
    expect(fieldsOf({ steps: [] })).toEqual(['steps']);
    expect(fieldsOf({ steps: Array.from({ length: 51 }, () => wait('1h')) })).toEqual(['steps']);
  });

  it('names each bad condition by its index and part', () => {
    const fields = fieldsOf({
      steps: [wait('1d')],
      conditions: [
        { field: '', op: 'eq', value: 1 },
        { field: 'a', op: 'like', value: 1 },
        { field: 'a', op: 'eq' },
        { field: 'a', op: 'in', value: 'pro' },
        { field: 'a', op: 'gt', value: { n: 1 } },
        { field: 'a', op: 'eq', value: 1, negate: true },
      ],
    });
    expect(fields).toEqual([
      'conditions.0.field',
      'conditions.1.op',
      'conditions.2.value',
      'conditions.3.value',
      'conditions.4.value',
      'conditions.5.negate',
    ]);
  });

  it('names bad cancel rules and recipients', () => {
    const fields = fieldsOf({
      steps: [wait('1d')],
      cancel_on: [
        { event_type: 'invoice paid' },
        { event_type: 'invoice.paid', match: 'invoice_id' },
        { event_type: 'invoice.paid', match: [''] },
      ],
      recipients: { roles: ['has space'] },
    });
    expect(fields).toEqual([
      'cancel_on.0.event_type',
      'cancel_on.1.match',
      'cancel_on.2.match',
      'recipients.roles',
    ]);
    expect(fieldsOf({ steps: [wait('1d')], recipients: {} })).toEqual(['recipients.roles']);
    expect(fieldsOf({ steps: [wait('1d')], recipients: null })).toEqual([]);
  });
});

describe('templateIdsOf', () => {
  it('lists each template a definition sends, once', () => {
    const { definition } = validatePolicyDefinition({
      steps: [send('tpl_a'), wait('1d'), send('tpl_b'), send('tpl_a')],
    });
    expect(templateIdsOf(definition)).toEqual(['tpl_a', 'tpl_b']);
  });
});
