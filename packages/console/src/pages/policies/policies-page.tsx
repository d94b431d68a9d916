import { Anchor, Badge, Button, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { IconPlus, IconRoute } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/api';
import type { Policy } from '../../api/types';
import { useCursorList } from '../../api/use-cursor-list';
import { EmptyHint } from '../../components/empty-hint';
import { LoadMoreButton } from '../../components/load-more-button';
import { PageHeader } from '../../components/page-header';
import { QueryBoundary } from '../../components/query-boundary';
import { SearchInput } from '../../components/search-input';
import { PolicyEnabledSwitch } from './policy-enabled-switch';

function stepsSummary(policy: Policy): string {
  return policy.steps
    .map((step) => (step.type === 'wait' ? `wait ${step.duration}` : 'email'))
    .join(' → ');
}

export function PoliciesPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const list = useCursorList(['policies', 'list', q], (cursor) =>
    api.policies.list({ q, cursor, limit: 50 }),
  );
  const newButton = (
    <Button component={Link} to="/policies/new" leftSection={<IconPlus size={16} />}>
      New policy
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Policies"
        description={
          'Which event starts which emails, to whom, with which waits, and what cancels them.'
        }
        actions={newButton}
      />
      <Stack>
        <Group>
          <SearchInput
            value={q}
            onChange={(value) =>
              setParams(value.trim() ? { q: value.trim() } : {}, { replace: true })
            }
            label="Search policies"
            placeholder="Search by name or event type"
          />
        </Group>
        <QueryBoundary query={list} errorTitle="Could not load policies">
          {() =>
            list.items.length === 0 ? (
              <EmptyHint
                icon={<IconRoute size={28} />}
                title={q ? `No policy matches “${q}”` : 'No policies yet'}
                actions={q ? undefined : newButton}
              >
                {q
                  ? 'The search looks at names and event types.'
                  : 'A policy maps an event type such as invoice.overdue to steps: send an ' +
                    'email, wait three days, send a reminder unless invoice.paid came in.'}
              </EmptyHint>
            ) : (
              <Paper withBorder radius="md" p="xs">
                <Table.ScrollContainer minWidth={640}>
                  <Table highlightOnHover verticalSpacing="sm">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Name</Table.Th>
                        <Table.Th>Event type</Table.Th>
                        <Table.Th>Steps</Table.Th>
                        <Table.Th>Enabled</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {list.items.map((policy) => (
                        <Table.Tr key={policy.policy_id}>
                          <Table.Td>
                            <Anchor
                              component={Link}
                              to={`/policies/${policy.policy_id}`}
                              fw={600}
                              size="sm"
                            >
                              {policy.name}
                            </Anchor>
                            <Text size="xs" c="dimmed">
                              version {policy.version}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Badge variant="light" radius="sm" tt="none">
                              {policy.event_type}
                            </Badge>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">{stepsSummary(policy)}</Text>
                          </Table.Td>
                          <Table.Td>
                            <PolicyEnabledSwitch policy={policy} />
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
