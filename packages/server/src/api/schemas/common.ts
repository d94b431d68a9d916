import { type TSchema, Type } from '@sinclair/typebox';
import { problemCodes } from '../problem.js';

export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601, UTC' });

/** Free-form JSON object the customer attaches; returned as given. */
export const Attributes = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Any JSON object of your own',
});

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.Union(Object.keys(problemCodes).map((code) => Type.Literal(code))),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    request_id: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), {
        description: 'Each bad field, as a dotted path into the request',
      }),
    ),
  },
  { $id: 'Problem', title: 'Problem', description: 'RFC 9457 problem details' },
);

/** Error answers every authenticated route may give, for the OpenAPI document. */
export const errorResponses = {
  '4XX': {
    description: 'Refused: problem details naming the code and each bad field',
    content: { 'application/problem+json': { schema: Type.Ref(Problem) } },
  },
  '5XX': {
    description: 'Failed on our side: problem details with the request id',
    content: { 'application/problem+json': { schema: Type.Ref(Problem) } },
  },
} as const;

export const ListQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(
    Type.String({ maxLength: 300, description: 'next_cursor of the previous page' }),
  ),
};

export const CreatedRange = {
  created_after: Type.Optional(Type.String({ format: 'date-time' })),
  created_before: Type.Optional(Type.String({ format: 'date-time' })),
};

export const SearchQuery = {
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'search text' })),
};

/** A list answer: `{ data, has_more, next_cursor }`. */
export function PageOf<T extends TSchema>(item: T, name: string) {
  return Type.Object(
    {
      data: Type.Array(item),
      has_more: Type.Boolean(),
      next_cursor: Type.Union([Type.String(), Type.Null()]),
    },
    { title: `${name}Page` },
  );
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function isoTimeOrNull(ms: number | null): string | null {
  return ms === null ? null : isoTime(ms);
}

/** `created_after`/`created_before` query values as milliseconds. */
export function msOrUndefined(iso: string | undefined): number | undefined {
  return iso === undefined ? undefined : Date.parse(iso);
}
