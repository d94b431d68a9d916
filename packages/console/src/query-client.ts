import { QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiProblem } from './api/api-problem';
import { sessionKey } from './session/use-session';

/** Retries only what may succeed on a second try: network failures and 5xx answers. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (isApiProblem(error) && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      // A session that ended (signed out elsewhere, expired) sends the user to sign in.
      onError: (error, query) => {
        if (!isApiProblem(error) || error.status !== 401) return;
        if (query.queryKey[0] === sessionKey[0]) return;
        client.setQueryData(sessionKey, null);
      },
    }),
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 10_000 },
      mutations: { retry: false },
    },
  });
  return client;
}
