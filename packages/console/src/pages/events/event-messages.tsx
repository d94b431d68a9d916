import { Anchor, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { Message } from '../../api/types';
import { MessageStatusBadge } from '../../components/message-status-badge';
import { TimeAgo } from '../../components/time-ago';

export function EventMessages({ messages }: { messages: Message[] }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={3} size="h5" mb="sm">
        Messages
      </Title>
      {messages.length === 0 ? (
        <Text size="sm" c="dimmed">
          No messages (yet). A send_email step creates one per recipient when it runs.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table verticalSpacing="xs">
            <Table.Tbody>
              {messages.map((message) => (
                <Table.Tr key={message.message_id}>
                  <Table.Td>
                    <Stack gap={0}>
                      <Anchor component={Link} to={`/messages/${message.message_id}`} size="sm">
                        {message.subject}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        to {message.to.email} · step {message.step_index + 1}
                      </Text>
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <MessageStatusBadge status={message.status} />
                  </Table.Td>
                  <Table.Td>
                    <TimeAgo iso={message.created_at} size="xs" c="dimmed" />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
