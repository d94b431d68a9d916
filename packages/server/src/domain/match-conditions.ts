import type { Condition } from './policy-definition.js';

/** The value at a dotted path (`customer.tier`) of the event's data; own properties only. */
export function valueAt(data: unknown, path: string): unknown {
  let current: unknown = data;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Whether every condition holds on the data: a policy with no conditions always matches. */
export function conditionsHold(conditions: Condition[], data: Record<string, unknown>): boolean {
  return conditions.every((condition) => holds(condition, valueAt(data, condition.field)));
}

function holds(condition: Condition, actual: unknown): boolean {
  const expected = condition.value;
  switch (condition.op) {
    case 'exists':
      return (actual !== undefined && actual !== null) === (expected ?? true);
    case 'eq':
      return sameValue(actual, expected);
    case 'neq':
      return !sameValue(actual, expected);
    case 'in':
      return Array.isArray(expected) && expected.some((value) => sameValue(actual, value));
    case 'nin':
      return Array.isArray(expected) && !expected.some((value) => sameValue(actual, value));
    case 'contains':
      return contains(actual, expected);
    default:
      return compare(condition.op, actual, expected);
  }
}

/** Equality of JSON values: deep for objects and arrays, strict for the rest. */
function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function contains(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'string' && typeof expected === 'string') return actual.includes(expected);
  if (Array.isArray(actual)) return actual.some((item) => sameValue(item, expected));
  return false;
}

/** Ordering compares numbers with numbers and strings with strings; anything else is false. */
function compare(op: 'gt' | 'gte' | 'lt' | 'lte', actual: unknown, expected: unknown): boolean {
  const comparable =
    (typeof actual === 'number' && typeof expected === 'number') ||
    (typeof actual === 'string' && typeof expected === 'string');
  if (!comparable) return false;

  const a = actual as number | string;
  const b = expected as number | string;
  if (op === 'gt') return a > b;
  if (op === 'gte') return a >= b;
  if (op === 'lt') return a < b;
  return a <= b;
}
