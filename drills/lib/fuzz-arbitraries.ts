import fc from 'fast-check';

/**
 * Requests that look almost right, for fuzzing every endpoint over HTTP: the keys the API
 * uses with values of any shape, any JSON, bodies that are not JSON at all, odd path values
 * and query strings. The same spirit as packages/server/test/fuzz.test.ts, which fuzzes in
 * process; these also reach Node's HTTP parser and Fastify's content-type handling.
 */
const apiKeys = [
  'external_id',
  'entity_type',
  'name',
  'entity_id',
  'role',
  'email',
  'subject',
  'text_body',
  'html_body',
  'event_type',
  'steps',
  'conditions',
  'cancel_on',
  'recipients',
  'data',
  'mode',
  'provider',
  'api_key',
  'smtp',
  'attributes',
  'enabled',
  'account_name',
  'password',
];

const nearlyValid = fc.dictionary(
  fc.constantFrom(...apiKeys),
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom('acct_1', 'tpl_x', '3d', 'P3D', '', 'x@y.z', '{{ broken', '{% for %}'),
  ),
  { maxKeys: 6 },
);

/** What goes on the wire: JSON, or raw text under some content type. */
export type FuzzBody = { json: unknown } | { raw: string; contentType: string };

export const fuzzBody: fc.Arbitrary<FuzzBody> = fc.oneof(
  { weight: 6, arbitrary: nearlyValid.map((json) => ({ json })) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((json) => ({ json })) },
  {
    weight: 2,
    arbitrary: fc.record({
      raw: fc.oneof(
        fc.string({ maxLength: 60 }),
        fc.constantFrom('{', '{"a":', '[1,2', 'null', '', '{"__proto__":{"x":1}}'),
      ),
      contentType: fc.constantFrom(
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
      ),
    }),
  },
);

export const pathValue = fc.oneof(
  fc.constantFrom('acct_1', 'evt_0', 'con_0', 'tpl_0', 'pol_0', 'run_0', 'msg_0', 'key_0', 'a@b.c'),
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
);

export function fuzzQuery(names: string[]): fc.Arbitrary<Record<string, string>> {
  return fc.dictionary(
    fc.oneof(fc.constantFrom(...(names.length > 0 ? names : ['q'])), fc.string()),
    fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('-1', '0', '101', 'true', 'x'.repeat(500), '2026-13-45T99:00:00Z'),
    ),
    { maxKeys: 3 },
  );
}
