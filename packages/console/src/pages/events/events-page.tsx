import { Anchor, Code, Paper, Stack, Table, Text } from '@mantine/core';
import { IconBolt } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/api';
import { useCursorList } from '../../api/use-cursor-list';
import { EmptyHint } from '../../components/empty-hint';
import { LoadMoreButton } from '../../components/load-more-button';
import { ModeBadge } from '../../components/mode-badge';
import { PageHeader } from '../../components/page-header';
import { QueryBoundary } from '../../components/query-boundary';
import { TimeAgo } from '../../components/time-ago';
import { useMode } from '../../session/mode-provider';
import { entityPath } from '../entities/entities-table';
import { type EventFilterValues, EventsFilters } from './events-filters';

const filterNames = ['event_type', 'entity_id', 'created_after', 'created_before'] as const;

/** A datetime-local value ("2026-03-01T09:30") as the ISO time the API takes. */
function toIso(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

export function EventsPage() {
  const { mode } = useMode();
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(
    filterNames.map((name) => [name, params.get(name) ?? '']),
  ) as unknown as EventFilterValues;
  const list = useCursorList(
    ['events', 'list', mode, filters],
    (cursor) =>
      api.events.list(mode, {
        cursor,
        limit: 50,
        event_type: filters.event_type,
        entity_id: filters.entity_id,
        created_after: toIso(filters.created_after),
        created_before: toIso(filters.created_before),
      }),
    { refetchInterval: 10_000 },
  );
  const filtered = filterNames.some((name) => filters[name]);

  return (
    <>
      <PageHeader
        title="Events"
        description={`Every ${mode} event your application posted, newest first.`}
      />
      <Stack>
        <EventsFilters
          value={filters}
          onChange={(next) =>
            setParams(Object.fromEntries(Object.entries(next).filter(([, value]) => value)), {
              replace: true,
            })
          }
        />
        <QueryBoundary query={list} errorTitle="Could not load events">
          {() =>
            list.items.length === 0 ? (
              <EmptyHint
                icon={<IconBolt size={28} />}
                title={filtered ? 'No event matches these filters' : `No ${mode} events yet`}
              >
                {filtered ? (
                  'Clear a filter or widen the time range.'
                ) : (
                  <>
                    Your application posts events with an API key (
                    {mode === 'test' ? 'em_test_' : 'em_live_'}
                    …):
                    <Code block mt="xs" ta="left">
                      {`curl -X POST ${window.location.origin}/api/v1/events \\
  -H "Authorization: Bearer $EMIVOY_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"event_type": "invoice.overdue", "entity_id": "acct_123",
       "data": {"invoice_id": "INV-1042", "amount": 1200}}'`}
                    </Code>
                  </>
                )}
              </EmptyHint>
            ) : (
              <Paper withBorder radius="md" p="xs">
                <Table.ScrollContainer minWidth={720}>
                  <Table highlightOnHover verticalSpacing="sm">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Event</Table.Th>
                        <Table.Th>Entity</Table.Th>
                        <Table.Th>Data</Table.Th>
                        <Table.Th>When</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {list.items.map((event) => (
                        <Table.Tr key={event.event_id}>
                          <Table.Td>
                            <Anchor
                              component={Link}
                              to={`/events/${event.event_id}`}
                              fw={600}
                              size="sm"
                            >
                              {event.event_type}
                            </Anchor>{' '}
                            <ModeBadge livemode={event.livemode} />
                            <Text size="xs" c="dimmed" ff="monospace">
                              {event.event_id}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Anchor
                              component={Link}
                              to={entityPath(event.entity_id)}
                              size="sm"
                              ff="monospace"
                            >
                              {event.entity_id}
                            </Anchor>
                          </Table.Td>
                          <Table.Td maw={360}>
                            <Text size="xs" ff="monospace" lineClamp={2} c="dimmed">
                              {JSON.stringify(event.data)}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <TimeAgo iso={event.created_at} size="sm" c="dimmed" />
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
