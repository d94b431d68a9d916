import { Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ProblemAlert } from '../components/problem-alert';
import { useSession } from '../session/use-session';

/** Renders its children for a signed-in user; sends anyone else to sign in. */
export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();

  if (session.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading your session" />
      </Center>
    );
  }
  if (session.isError) {
    return (
      <Center h="100vh" p="md">
        <ProblemAlert
          error={session.error}
          title="Could not reach Emivoy"
          onRetry={() => void session.refetch()}
        />
      </Center>
    );
  }
  if (!session.data) {
    const next = `${location.pathname}${location.search}`;
    const to = next === '/' ? '/signin' : `/signin?next=${encodeURIComponent(next)}`;
    return <Navigate to={to} replace />;
  }
  return <>{children}</>;
}
