import { BarsList } from '@mantine/charts';
import { Paper, Text, Title } from '@mantine/core';
import type { MessageStatus } from '../../api/types';
import { messageStatusColor, messageStatusLabels } from '../../components/message-status-badge';

export function MessageStatusCard({ counts }: { counts: Record<string, number> }) {
  const data = Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([status, value]) => ({
      name: messageStatusLabels[status as MessageStatus] ?? status,
      value,
      color: `${messageStatusColor(status)}.6`,
    }));

  return (
    <Paper withBorder radius="md" p="md" h="100%">
      <Title order={3} size="h5" mb={4}>
        Messages by status
      </Title>
      <Text size="xs" c="dimmed" mb="md">
        Messages created in the same days
      </Text>
      {data.length === 0 ? (
        <Text size="sm" c="dimmed">
          No messages yet. A policy's send_email step creates one per recipient.
        </Text>
      ) : (
        <BarsList data={data} barsLabel="Status" valueLabel="Messages" autoContrast />
      )}
    </Paper>
  );
}
