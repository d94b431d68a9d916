import { Type } from '@sinclair/typebox';
import {
  addMembership,
  findMembership,
  listMembers,
  removeMembership,
} from '../../store/memberships-store.js';
import { findUserByEmail } from '../../store/users-store.js';
import { type App, type Caller, callerOf } from '../app-context.js';
import { ApiError } from '../problem.js';
import { errorResponses } from '../schemas/common.js';
import {
  Member,
  MemberAdd,
  MemberListQuery,
  MemberPage,
  MemberParams,
  presentMember,
} from '../schemas/member-schemas.js';

const tags = ['members'];

export async function membersRoutes(app: App): Promise<void> {
  const { db } = app.services.database;

  /** Membership changes are made by people; an API key may only read the list. */
  const personOf = (caller: Caller): string => {
    if (caller.userId) return caller.userId;
    throw new ApiError('forbidden', 'Members are managed by a signed-in user, not an API key');
  };
  const isOwner = async (caller: Caller, userId: string) =>
    (await findMembership(db, userId, caller.accountId))?.role === 'owner';

  app.get(
    '/members',
    {
      schema: {
        tags,
        operationId: 'listMembers',
        summary: "List the people with access to the caller's account",
        querystring: MemberListQuery,
        response: { 200: MemberPage, ...errorResponses },
      },
    },
    async (request) => {
      const page = await listMembers(db, callerOf(request).accountId, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      });
      return { ...page, data: page.data.map(presentMember) };
    },
  );

  app.post(
    '/members',
    {
      schema: {
        tags,
        operationId: 'addMember',
        summary: 'Give an existing user access to this account (owners may add owners)',
        body: MemberAdd,
        response: { 201: Type.Ref(Member), ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const adder = personOf(caller);
      const role = request.body.role ?? 'member';
      if (role === 'owner' && !(await isOwner(caller, adder))) {
        throw new ApiError('forbidden', 'Only an owner can add an owner');
      }
      const user = await findUserByEmail(db, request.body.email);
      if (!user) {
        throw new ApiError('user_not_found', 'No user with this email: they sign up first');
      }

      const now = app.services.now();
      const added = await addMembership(
        db,
        { userId: user.id, accountId: caller.accountId, role },
        now,
      );
      if (!added) throw new ApiError('member_exists');
      request.log.info({ accountId: caller.accountId, userId: user.id, role }, 'member added');
      return reply.code(201).send(
        presentMember({
          user_id: user.id,
          email: user.email,
          name: user.name,
          role,
          created_at: now,
        }),
      );
    },
  );

  app.delete(
    '/members/:user_id',
    {
      schema: {
        tags,
        operationId: 'removeMember',
        summary: "Remove a member's access to this account (owners only)",
        params: MemberParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!(await isOwner(caller, personOf(caller)))) {
        throw new ApiError('forbidden', 'Only an owner of this account can remove members');
      }
      const { user_id: userId } = request.params;
      const result = await removeMembership(db, caller.accountId, userId);
      if (result === 'not_found') {
        throw new ApiError('member_not_found', `${userId} is not a member of this account`);
      }
      if (result === 'last_owner') {
        throw new ApiError('last_owner', 'Add another owner before removing the last one');
      }
      request.log.info({ accountId: caller.accountId, userId }, 'member removed');
      return reply.code(204).send(null);
    },
  );
}
