import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../src/store/database.js';

/**
 * What fuzzing every endpoint needs, shared by the in-process property test (fuzz.test.ts)
 * and the drill over HTTP (drills/fuzz-drill.ts): the operations the OpenAPI document lists,
 * bodies and path values that look almost right, and a fingerprint of every row a refused
 * request must leave as it was.
 */
export interface Operation {
  method: string;
  path: string;
  hasBody: boolean;
  queryNames: string[];
}

/** The part of the OpenAPI document read here. */
export interface OpenApiPaths {
  paths: Record<string, Record<string, { requestBody?: unknown; parameters?: unknown[] }>>;
}

/** Every operation under /api/v1 that the OpenAPI document lists. */
export function operationsOf(document: OpenApiPaths): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/v1')) continue;
    for (const [method, operation] of Object.entries(item)) {
      const parameters = (operation.parameters ?? []) as Array<{ in: string; name: string }>;
      operations.push({
        method: method.toUpperCase(),
        path,
        hasBody: operation.requestBody !== undefined,
        queryNames: parameters.filter((p) => p.in === 'query').map((p) => p.name),
      });
    }
  }
  return operations;
}

/** Tables whose rows a refused request must leave exactly as they were. */
export const watchedTables = [
  'accounts',
  'entities',
  'contacts',
  'templates',
  'policies',
  'policy_versions',
  'events',
  'runs',
  'run_log',
  'messages',
  'suppressions',
  'provider_settings',
];

/** A hash of every row of the watched tables: equal before and after means nothing changed. */
export async function fingerprintOf(db: Kysely<Database>): Promise<string> {
  const hash = createHash('sha256');
  for (const table of watchedTables) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    const text = rows.rows
      .map((row) => JSON.stringify(row))
      .sort()
      .join('\n');
    hash.update(`${table}\n${text}\n`);
  }
  return hash.digest('hex');
}

/** JSON that looks almost right: the keys the API uses, with values of any shape. */
export const nearlyValidBody = fc.dictionary(
  fc.constantFrom(
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
  ),
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom('acct_1', 'tpl_x', '3d', 'P3D', '', 'x@y.z', '{{ broken', '{% for %}'),
  ),
  { maxKeys: 6 },
);

/** Path parameters: ids of the fixtures, and any text. */
export const pathValue = fc.oneof(
  fc.constantFrom('acct_1', 'evt_0', 'con_0', 'tpl_0', 'pol_0', 'run_0', 'msg_0', 'key_0', 'a@b.c'),
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
);
