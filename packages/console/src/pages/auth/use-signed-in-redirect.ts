import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import { fetchSession, sessionKey } from '../../session/use-session';

/** Where to go once signed in: back to the page that asked, else the dashboard. */
export function useSignedInRedirect(): () => Promise<void> {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next');
  const target = next?.startsWith('/') && !next.startsWith('//') ? next : '/';

  return async () => {
    queryClient.clear();
    await queryClient.fetchQuery({ queryKey: sessionKey, queryFn: fetchSession });
    navigate(target, { replace: true });
  };
}
