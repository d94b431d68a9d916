import { dataKeysOf } from './template-variables';

/** A plausible value for a data key, so a first preview already reads like real mail. */
function sampleValue(key: string): unknown {
  if (/amount|total|price|balance/i.test(key)) return 1200;
  if (/days|hours|weeks/i.test(key)) return 7;
  if (/count|qty|quantity|number/i.test(key)) return 3;
  if (/_id$|^id$/i.test(key)) return `${key.replace(/_id$/i, '').toUpperCase() || 'ID'}-1042`;
  if (/url|link/i.test(key)) return 'https://example.com';
  return `sample ${key.replaceAll('_', ' ')}`;
}

/** The preview request a template starts with: its data keys, the docs' sample people. */
export function sampleRequestFor(template: {
  subject?: string | null;
  text_body?: string | null;
  html_body?: string | null;
}): string {
  const keys = dataKeysOf(template.subject, template.text_body, template.html_body);
  const request = {
    data: Object.fromEntries(keys.map((key) => [key, sampleValue(key)])),
    contact: { name: 'Jane Smith', email: 'jane@example.com', role: 'billing_contact' },
    entity: { entity_id: 'acct_123', entity_type: 'account', name: 'Acme Corp' },
  };
  return JSON.stringify(request, null, 2);
}
