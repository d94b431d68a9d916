import fc from 'fast-check';
import { nearlyValidBody, pathValue } from '../../packages/server/test/harness/fuzz-inputs.js';

/**
 * Requests that look almost right, for fuzzing every endpoint over HTTP: the keys the API
 * uses with values of any shape, any JSON, bodies that are not JSON at all, odd path values
 * and query strings. The same spirit as packages/server/test/fuzz.test.ts, which fuzzes in
 * process; these also reach Node's HTTP parser and Fastify's content-type handling.
 */
/** What goes on the wire: JSON, or raw text under some content type. */
export type FuzzBody = { json: unknown } | { raw: string; contentType: string };

export const fuzzBody: fc.Arbitrary<FuzzBody> = fc.oneof(
  { weight: 6, arbitrary: nearlyValidBody.map((json) => ({ json })) },
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

export { pathValue };

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
