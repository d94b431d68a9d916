import { Text, type TextProps, Tooltip } from '@mantine/core';
import { formatDateTime, formatRelative } from '../format/format-date-time';

/** A time shown relative to now, with the exact time on hover and for screen readers. */
export function TimeAgo({ iso, ...props }: { iso: string | null | undefined } & TextProps) {
  if (!iso) return <Text {...props}>—</Text>;
  return (
    <Tooltip label={formatDateTime(iso)} openDelay={300}>
      <Text component="time" dateTime={iso} {...props}>
        {formatRelative(iso)}
      </Text>
    </Tooltip>
  );
}
