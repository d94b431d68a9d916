/** Client-side checks that mirror the API's rules, so most mistakes never leave the browser. */

const externalId = /^[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,199}$/;
const slug = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
const eventType = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;
const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const duration = /^(\d+\s*[smhdw]|P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?)$/i;

export const validators = {
  externalId: (value: string) =>
    externalId.test(value)
      ? null
      : 'Letters, digits and _ . : @ / - (starting with a letter or digit), up to 200',
  entityType: (value: string) =>
    slug.test(value) ? null : 'Letters, digits and _ . : - such as "account" or "invoice"',
  role: (value: string) =>
    slug.test(value) ? null : 'Letters, digits and _ . : - such as "billing_contact"',
  eventType: (value: string) =>
    eventType.test(value) ? null : 'Letters, digits and _ . : - such as "invoice.overdue"',
  email: (value: string) => (email.test(value.trim()) ? null : 'Enter a valid email address'),
  optionalEmail: (value: string) =>
    !value.trim() || email.test(value.trim()) ? null : 'Enter a valid email address',
  required: (label: string) => (value: string) => (value.trim() ? null : `${label} is required`),
  duration: (value: string) =>
    duration.test(value.trim()) ? null : 'A duration such as 90s, 15m, 12h, 3d, 2w or P3D',
  jsonObject: (value: string) => {
    if (!value.trim()) return null;
    try {
      const parsed: unknown = JSON.parse(value);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
        ? null
        : 'Must be a JSON object, such as {"plan": "pro"}';
    } catch (error) {
      return `Not valid JSON: ${error instanceof Error ? error.message : 'parse error'}`;
    }
  },
};

/** The JSON object in `value`, or an empty one when it is blank. */
export function parseJsonObject(value: string): Record<string, unknown> {
  return value.trim() ? (JSON.parse(value) as Record<string, unknown>) : {};
}
