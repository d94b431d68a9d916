import { EmptyState, Paper } from '@mantine/core';
import type { ReactNode } from 'react';

interface EmptyHintProps {
  icon: ReactNode;
  title: string;
  /** What to do next, in a sentence. */
  children: ReactNode;
  actions?: ReactNode;
}

/** What an empty list looks like: why it is empty and what to do next. */
export function EmptyHint({ icon, title, children, actions }: EmptyHintProps) {
  return (
    <Paper withBorder radius="md" p="xl">
      <EmptyState
        icon={icon}
        variant="light"
        title={title}
        description={children}
        maw={520}
        mx="auto"
      >
        {actions && <EmptyState.Actions>{actions}</EmptyState.Actions>}
      </EmptyState>
    </Paper>
  );
}
