import type { liquid } from '@codemirror/lang-liquid';

type Completion = NonNullable<NonNullable<Parameters<typeof liquid>[0]>['variables']>[number];

/** The variables every template gets besides the event's data (DESIGN.md). */
export const builtinVariables = [
  'contact_name',
  'contact_email',
  'contact_role',
  'entity_name',
  'entity_id',
  'entity_type',
  'event_type',
  'contact',
  'entity',
  'event',
  'data',
];

export const templateVariables: Completion[] = builtinVariables.map((name) => ({
  label: name,
  type: 'variable',
}));

const liquidKeywords = new Set([
  'if',
  'else',
  'elsif',
  'endif',
  'for',
  'in',
  'endfor',
  'and',
  'or',
]);

/**
 * Top-level names the template uses that are not built in: the keys its event data should
 * have. `{{invoice_id}}` and `{% if amount > 100 %}` give invoice_id and amount.
 */
export function dataKeysOf(...sources: Array<string | null | undefined>): string[] {
  const keys = new Set<string>();
  const pattern = /{{-?\s*([A-Za-z_][\w]*)|{%-?\s*(?:if|unless|elsif|case)\s+([A-Za-z_][\w]*)/g;
  for (const source of sources) {
    for (const match of (source ?? '').matchAll(pattern)) {
      const name = match[1] ?? match[2];
      if (name && !builtinVariables.includes(name) && !liquidKeywords.has(name)) keys.add(name);
    }
  }
  return [...keys];
}
