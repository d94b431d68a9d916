import { Type } from '@sinclair/typebox';
import type { ContactRow } from '../../store/contacts-store.js';
import {
  Attributes,
  CreatedRange,
  isoTime,
  ListQuery,
  PageOf,
  SearchQuery,
  Timestamp,
} from './common.js';
import { externalIdPattern } from './entity-schemas.js';

const EntityId = Type.String({
  pattern: externalIdPattern,
  description: 'The external_id of an entity of your account, such as "acct_123"',
});
const Role = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$',
  description: 'What the person is to the entity, such as "billing_contact"',
});
// 254 characters is the longest address that fits SMTP's forward path.
const Email = Type.String({
  format: 'email',
  maxLength: 254,
  description: 'Stored and returned lowercased',
});
const Name = Type.Union([Type.String({ maxLength: 500 }), Type.Null()]);

export const Contact = Type.Object(
  {
    object: Type.Literal('contact'),
    contact_id: Type.String({ description: 'con_…' }),
    entity_id: Type.String({ description: "The entity's external_id" }),
    role: Type.String(),
    email: Type.String(),
    name: Name,
    attributes: Attributes,
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Contact', title: 'Contact' },
);

export const ContactCreate = Type.Object(
  {
    entity_id: EntityId,
    role: Role,
    email: Email,
    name: Type.Optional(Name),
    attributes: Type.Optional(Attributes),
  },
  { additionalProperties: false },
);

/** A contact stays on its entity; moving it to another is a delete and a create. */
export const ContactPatch = Type.Object(
  {
    role: Type.Optional(Role),
    email: Type.Optional(Email),
    name: Type.Optional(Name),
    attributes: Type.Optional(Attributes),
  },
  { additionalProperties: false },
);

export const ContactParams = Type.Object({ contact_id: Type.String({ maxLength: 100 }) });

export const ContactListQuery = Type.Object(
  {
    ...ListQuery,
    ...SearchQuery,
    ...CreatedRange,
    entity_id: Type.Optional(Type.String({ maxLength: 200 })),
    role: Type.Optional(Type.String({ maxLength: 100 })),
    email: Type.Optional(Type.String({ maxLength: 254, description: 'exact, ignoring case' })),
  },
  { additionalProperties: false },
);

export const ContactPage = PageOf(Type.Ref(Contact), 'Contact');

export function presentContact(row: ContactRow) {
  return {
    object: 'contact' as const,
    contact_id: row.id,
    entity_id: row.entity_id,
    role: row.role,
    email: row.email,
    name: row.name,
    attributes: JSON.parse(row.attributes) as Record<string, unknown>,
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
  };
}
