import { Badge } from '@mantine/core';

/** Marks test-mode data, which never leaves the outbox. */
export function ModeBadge({ livemode }: { livemode: boolean }) {
  if (livemode) return null;
  return (
    <Badge color="orange" variant="outline" size="sm" radius="sm">
      test
    </Badge>
  );
}
