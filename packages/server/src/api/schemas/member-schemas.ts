import { Type } from '@sinclair/typebox';
import type { MemberRow } from '../../store/memberships-store.js';
import { MemberRole } from './auth-schemas.js';
import { isoTime, ListQuery, PageOf, Timestamp } from './common.js';

export const Member = Type.Object(
  {
    object: Type.Literal('member'),
    user_id: Type.String(),
    email: Type.Union([Type.String(), Type.Null()], {
      description: 'Null for a Clerk user whose token carried no address',
    }),
    name: Type.Union([Type.String(), Type.Null()]),
    role: MemberRole,
    created_at: Timestamp,
  },
  { $id: 'Member', title: 'Member' },
);

export const MemberAdd = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320 }),
    role: Type.Optional(MemberRole),
  },
  { additionalProperties: false },
);

export const MemberParams = Type.Object({ user_id: Type.String({ maxLength: 100 }) });
export const MemberListQuery = Type.Object({ ...ListQuery }, { additionalProperties: false });
export const MemberPage = PageOf(Type.Ref(Member), 'Member');

export const AccountCreate = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const CreatedAccount = Type.Object(
  {
    object: Type.Literal('account'),
    account_id: Type.String(),
    name: Type.String(),
    role: MemberRole,
    created_at: Timestamp,
  },
  { title: 'Account' },
);

export function presentMember(row: MemberRow) {
  return {
    object: 'member' as const,
    user_id: row.user_id,
    email: row.email,
    name: row.name,
    role: row.role,
    created_at: isoTime(row.created_at),
  };
}
