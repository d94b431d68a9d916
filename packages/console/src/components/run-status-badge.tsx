import { Badge } from '@mantine/core';
import type { RunStatus } from '../api/types';

const colors: Record<RunStatus, string> = {
  scheduled: 'blue',
  waiting: 'yellow',
  completed: 'teal',
  cancelled: 'gray',
  failed: 'red',
};

export function RunStatusBadge({ status }: { status: RunStatus }) {
  return (
    <Badge color={colors[status] ?? 'gray'} variant="light" radius="sm" miw="max-content">
      {status}
    </Badge>
  );
}
