import { useQuery } from '@tanstack/react-query';
import { api } from '../api/api';
import { isApiProblem } from '../api/api-problem';
import { setCsrfToken } from '../api/api-request';
import type { Session } from '../api/types';

export const sessionKey = ['session'] as const;

/** The signed-in user and their accounts, or null when nobody is signed in. */
export async function fetchSession(): Promise<Session | null> {
  try {
    const session = await api.auth.session();
    setCsrfToken(session.csrf_token);
    return session;
  } catch (error) {
    if (isApiProblem(error) && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export function useSession() {
  return useQuery({ queryKey: sessionKey, queryFn: fetchSession, staleTime: 5 * 60_000 });
}
