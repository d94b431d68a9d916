import { Anchor, Button, Paper, Stack, Table, Text } from '@mantine/core';
import { IconInbox, IconMail } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/api';
import { useCursorList } from '../../api/use-cursor-list';
import { EmptyHint } from '../../components/empty-hint';
import { LoadMoreButton } from '../../components/load-more-button';
import { MessageStatusBadge } from '../../components/message-status-badge';
import { ModeBadge } from '../../components/mode-badge';
import { PageHeader } from '../../components/page-header';
import { QueryBoundary } from '../../components/query-boundary';
import { TimeAgo } from '../../components/time-ago';
import { useMode } from '../../session/mode-provider';
import { emptyMessageFilters, type MessageFilterValues, MessagesFilters } from './messages-filters';

export function MessagesPage() {
  const { mode } = useMode();
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(
    Object.keys(emptyMessageFilters).map((name) => [name, params.get(name) ?? '']),
  ) as unknown as MessageFilterValues;
  const list = useCursorList(
    ['messages', 'list', mode, filters],
    (cursor) => api.messages.list(mode, { ...filters, cursor, limit: 50 }),
    { refetchInterval: 10_000 },
  );
  const filtered = Object.values(filters).some(Boolean);

  return (
    <>
      <PageHeader
        title="Messages"
        description={
          `Every ${mode} email policies produced, with where it stands. ` +
          "Captured ones are the outbox's: they were not sent."
        }
        actions={
          <Button
            variant={filters.status === 'captured' ? 'filled' : 'light'}
            color="violet"
            leftSection={<IconInbox size={16} />}
            onClick={() => setParams({ status: 'captured' }, { replace: true })}
          >
            Outbox
          </Button>
        }
      />
      <Stack>
        <MessagesFilters
          value={filters}
          onChange={(next) =>
            setParams(Object.fromEntries(Object.entries(next).filter(([, value]) => value)), {
              replace: true,
            })
          }
        />
        <QueryBoundary query={list} errorTitle="Could not load messages">
          {() =>
            list.items.length === 0 ? (
              <EmptyHint
                icon={<IconMail size={28} />}
                title={filtered ? 'No message matches these filters' : `No ${mode} messages yet`}
              >
                {filtered
                  ? 'Clear a filter to see more.'
                  : 'Messages appear when a policy’s send_email step runs for an event. Post ' +
                    'an event that a policy matches, or dry-run a policy to see what it would ' +
                    'send.'}
              </EmptyHint>
            ) : (
              <Paper withBorder radius="md" p="xs">
                <Table.ScrollContainer minWidth={720}>
                  <Table highlightOnHover verticalSpacing="sm">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Subject</Table.Th>
                        <Table.Th>Recipient</Table.Th>
                        <Table.Th>Status</Table.Th>
                        <Table.Th>Created</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {list.items.map((message) => (
                        <Table.Tr key={message.message_id}>
                          <Table.Td>
                            <Anchor
                              component={Link}
                              to={`/messages/${message.message_id}`}
                              size="sm"
                              fw={600}
                            >
                              {message.subject}
                            </Anchor>{' '}
                            <ModeBadge livemode={message.livemode} />
                            <Text size="xs" c="dimmed">
                              {message.entity_id} · via {message.provider}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">{message.to.email}</Text>
                          </Table.Td>
                          <Table.Td>
                            <MessageStatusBadge status={message.status} />
                          </Table.Td>
                          <Table.Td>
                            <TimeAgo iso={message.created_at} size="sm" c="dimmed" />
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
                <LoadMoreButton
                  hasNextPage={list.hasNextPage}
                  isFetchingNextPage={list.isFetchingNextPage}
                  onLoadMore={list.loadMore}
                />
              </Paper>
            )
          }
        </QueryBoundary>
      </Stack>
    </>
  );
}
