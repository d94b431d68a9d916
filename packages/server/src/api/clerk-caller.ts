import { effectiveEventLimit } from '../store/accounts-store.js';
import { clerkUserAndAccount } from '../store/clerk-users-store.js';
import type { App, Caller } from './app-context.js';
import type { ClerkVerifier } from './clerk-verifier.js';

/**
 * The caller behind a Clerk session token: no CSRF token is needed, since a browser never
 * adds an Authorization header on its own.
 */
export async function clerkCaller(
  app: App,
  verify: ClerkVerifier,
  token: string,
  livemode: boolean,
): Promise<Caller> {
  const now = app.services.now();
  const identity = await verify(token, now);
  const { user, account } = await clerkUserAndAccount(
    app.services.database.db,
    {
      clerkUserId: identity.userId,
      clerkOrgId: identity.orgId,
      orgSlug: identity.orgSlug,
      email: identity.email,
      name: identity.name,
    },
    now,
  );
  return {
    accountId: account.id,
    livemode,
    apiKeyId: null,
    monthlyEventLimit: effectiveEventLimit(account, app.services.config.monthlyEventLimit),
    userId: user.id,
    sessionId: null,
  };
}
