import { Type } from '@sinclair/typebox';
import type { ApiKeyRow } from '../../store/api-keys-store.js';
import { isoTime, isoTimeOrNull, ListQuery, PageOf, Timestamp } from './common.js';

const NullableTime = Type.Union([Timestamp, Type.Null()]);

export const ApiKey = Type.Object(
  {
    object: Type.Literal('api_key'),
    api_key_id: Type.String(),
    name: Type.String(),
    mode: Type.Union([Type.Literal('live'), Type.Literal('test')]),
    /** Enough to tell keys apart, never enough to use one. */
    key_hint: Type.String({
      description: 'Prefix and last four characters, such as em_live_…a1B2',
    }),
    created_at: Timestamp,
    last_used_at: NullableTime,
    revoked_at: NullableTime,
  },
  { $id: 'ApiKey', title: 'ApiKey' },
);

export const ApiKeyWithSecret = Type.Composite(
  [
    Type.Omit(ApiKey, ['object']),
    Type.Object({
      object: Type.Literal('api_key'),
      key: Type.String({ description: 'The secret. Shown only in this answer: store it now.' }),
    }),
  ],
  { title: 'ApiKeyWithSecret' },
);

export const ApiKeyCreate = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    mode: Type.Optional(
      Type.Union([Type.Literal('live'), Type.Literal('test')], { default: 'live' }),
    ),
  },
  { additionalProperties: false },
);

export const ApiKeyParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
export const ApiKeyListQuery = Type.Object({ ...ListQuery }, { additionalProperties: false });
export const ApiKeyPage = PageOf(Type.Ref(ApiKey), 'ApiKey');

export function presentApiKey(row: ApiKeyRow) {
  return {
    object: 'api_key' as const,
    api_key_id: row.id,
    name: row.name,
    mode: row.mode,
    key_hint: `em_${row.mode}_…${row.key_last4}`,
    created_at: isoTime(row.created_at),
    last_used_at: isoTimeOrNull(row.last_used_at),
    revoked_at: isoTimeOrNull(row.revoked_at),
  };
}
