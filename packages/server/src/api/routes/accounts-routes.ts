import { createAccount } from '../../store/accounts-store.js';
import { addMembership } from '../../store/memberships-store.js';
import { type App, callerOf } from '../app-context.js';
import { ApiError } from '../problem.js';
import { errorResponses, isoTime } from '../schemas/common.js';
import { AccountCreate, CreatedAccount } from '../schemas/member-schemas.js';

export async function accountsRoutes(app: App): Promise<void> {
  const { db } = app.services.database;

  app.post(
    '/accounts',
    {
      schema: {
        tags: ['accounts'],
        operationId: 'createAccount',
        summary: 'Create another account, owned by the signed-in user (console session only)',
        security: [{ sessionCookie: [] }],
        body: AccountCreate,
        response: { 201: CreatedAccount, ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      // An API key acts for one account; people own accounts, so only they make new ones.
      if (!caller.sessionId || !caller.userId) {
        throw new ApiError('forbidden', 'Creating an account needs a console session');
      }
      const userId = caller.userId;
      const now = app.services.now();
      const account = await db.transaction().execute(async (trx) => {
        const created = await createAccount(trx, request.body.name, now);
        await addMembership(trx, { userId, accountId: created.id, role: 'owner' }, now);
        return created;
      });
      return reply.code(201).send({
        object: 'account' as const,
        account_id: account.id,
        name: account.name,
        role: 'owner' as const,
        created_at: isoTime(account.created_at),
      });
    },
  );
}
