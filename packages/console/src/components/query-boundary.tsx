import { Skeleton, Stack } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ProblemAlert } from './problem-alert';

interface QueryBoundaryProps<T> {
  query: Pick<UseQueryResult<T>, 'data' | 'error' | 'isPending' | 'isError' | 'refetch'>;
  children: (data: T) => ReactNode;
  /** What to show while loading; a few grey bars by default. */
  loading?: ReactNode;
  errorTitle?: string;
}

/** Loading, error (with a retry) and data states of one query, in one place. */
export function QueryBoundary<T>({ query, children, loading, errorTitle }: QueryBoundaryProps<T>) {
  if (query.isPending) return loading ?? <LoadingRows />;
  if (query.isError) {
    return (
      <ProblemAlert
        error={query.error}
        title={errorTitle ?? 'Could not load this'}
        onRetry={() => void query.refetch()}
      />
    );
  }
  return <>{children(query.data as T)}</>;
}

export function LoadingRows({ rows = 4 }: { rows?: number }) {
  return (
    <Stack gap="xs" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, index) => `row-${index}`).map((id) => (
        <Skeleton key={id} height={28} radius="sm" />
      ))}
    </Stack>
  );
}
