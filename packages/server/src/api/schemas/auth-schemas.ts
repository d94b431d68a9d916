import { Type } from '@sinclair/typebox';
import type { UserAccount } from '../../store/memberships-store.js';
import type { SessionRow } from '../../store/sessions-store.js';
import type { UserRow } from '../../store/users-store.js';
import { isoTime, Timestamp } from './common.js';

export const MemberRole = Type.Union([Type.Literal('owner'), Type.Literal('member')]);

const Email = Type.String({ format: 'email', maxLength: 320 });

/** Long enough to resist guessing; capped so nobody makes the server hash a megabyte. */
const Password = Type.String({ minLength: 10, maxLength: 1000 });

export const AccountMembership = Type.Object(
  {
    account_id: Type.String(),
    name: Type.String(),
    role: MemberRole,
  },
  { $id: 'AccountMembership', title: 'AccountMembership' },
);

export const Session = Type.Object(
  {
    object: Type.Literal('session'),
    user: Type.Object({
      user_id: Type.String(),
      email: Type.String(),
      name: Type.Union([Type.String(), Type.Null()]),
    }),
    accounts: Type.Array(Type.Ref(AccountMembership), {
      description: 'Every account the user belongs to, oldest membership first',
    }),
    current_account_id: Type.String({ description: 'The account the session acts on' }),
    csrf_token: Type.String({
      description: 'Send it in the X-CSRF-Token header of every write made with the cookie',
    }),
    expires_at: Timestamp,
  },
  { $id: 'Session', title: 'Session' },
);

export const SignedUp = Type.Composite(
  [
    Type.Omit(Session, ['object']),
    Type.Object({
      object: Type.Literal('session'),
      account: Type.Ref(AccountMembership),
    }),
  ],
  { title: 'SignedUp' },
);

export const SignUpBody = Type.Object(
  {
    email: Email,
    password: Password,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    account_name: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

export const SignInBody = Type.Object(
  { email: Email, password: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);

export const SwitchAccountBody = Type.Object(
  { account_id: Type.String({ maxLength: 100 }) },
  { additionalProperties: false },
);

export function presentSession(
  user: UserRow,
  accounts: UserAccount[],
  session: SessionRow,
  currentAccountId = session.current_account_id,
) {
  return {
    object: 'session' as const,
    user: { user_id: user.id, email: user.email ?? '', name: user.name },
    accounts,
    current_account_id: currentAccountId,
    csrf_token: session.csrf_token,
    expires_at: isoTime(session.expires_at),
  };
}
