import { Type } from '@sinclair/typebox';
import type { EntityRow } from '../../store/entities-store.js';
import {
  Attributes,
  CreatedRange,
  isoTime,
  ListQuery,
  PageOf,
  SearchQuery,
  Timestamp,
} from './common.js';

export const externalIdPattern = '^[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,199}$';
const ExternalId = Type.String({
  pattern: externalIdPattern,
  description: 'Your own id for the object, such as "acct_123"; unique in your account',
});
const EntityType = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' });
const Name = Type.Union([Type.String({ maxLength: 500 }), Type.Null()]);

export const Entity = Type.Object(
  {
    object: Type.Literal('entity'),
    entity_id: Type.String({ description: 'Your external_id' }),
    external_id: Type.String(),
    entity_type: Type.String(),
    name: Name,
    attributes: Attributes,
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Entity', title: 'Entity' },
);

export const EntityCreate = Type.Object(
  {
    external_id: ExternalId,
    entity_type: EntityType,
    name: Type.Optional(Name),
    attributes: Type.Optional(Attributes),
  },
  { additionalProperties: false },
);

export const EntityReplace = Type.Object(
  { entity_type: EntityType, name: Type.Optional(Name), attributes: Type.Optional(Attributes) },
  { additionalProperties: false },
);

export const EntityPatch = Type.Object(
  {
    entity_type: Type.Optional(EntityType),
    name: Type.Optional(Name),
    attributes: Type.Optional(Attributes),
  },
  { additionalProperties: false },
);

export const EntityParams = Type.Object({ entity_id: Type.String({ maxLength: 200 }) });

export const EntityListQuery = Type.Object(
  {
    ...ListQuery,
    ...SearchQuery,
    ...CreatedRange,
    entity_type: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const EntityPage = PageOf(Type.Ref(Entity), 'Entity');

export function presentEntity(row: EntityRow) {
  return {
    object: 'entity' as const,
    entity_id: row.external_id,
    external_id: row.external_id,
    entity_type: row.entity_type,
    name: row.name,
    attributes: JSON.parse(row.attributes) as Record<string, unknown>,
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
  };
}
