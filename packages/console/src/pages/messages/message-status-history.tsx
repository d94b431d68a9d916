import { Text, Timeline } from '@mantine/core';
import { IconMail } from '@tabler/icons-react';
import type { Message } from '../../api/types';
import { messageStatusColor, messageStatusLabels } from '../../components/message-status-badge';
import { TimeAgo } from '../../components/time-ago';

type History = NonNullable<Message['status_history']>;

export function MessageStatusHistory({ history }: { history: History }) {
  if (history.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No status changes recorded yet.
      </Text>
    );
  }
  return (
    <Timeline bulletSize={22} lineWidth={2} active={history.length}>
      {history.map((change, index) => (
        <Timeline.Item
          // biome-ignore lint/suspicious/noArrayIndexKey: history has no ids and only grows
          key={`${change.at}-${change.status}-${index}`}
          color={messageStatusColor(change.status)}
          bullet={<IconMail size={12} />}
          title={
            <Text size="sm" fw={600}>
              {messageStatusLabels[change.status as keyof typeof messageStatusLabels] ??
                change.status}
            </Text>
          }
        >
          {change.detail && (
            <Text size="sm" c="dimmed">
              {change.detail}
            </Text>
          )}
          <TimeAgo iso={change.at} size="xs" c="dimmed" />
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
