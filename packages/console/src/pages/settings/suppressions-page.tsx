import { Badge, Button, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { IconMailOff } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../../api/api';
import type { Suppression } from '../../api/types';
import { useCursorList } from '../../api/use-cursor-list';
import { ConfirmModal } from '../../components/confirm-modal';
import { EmptyHint } from '../../components/empty-hint';
import { LoadMoreButton } from '../../components/load-more-button';
import { QueryBoundary } from '../../components/query-boundary';
import { SearchInput } from '../../components/search-input';
import { TimeAgo } from '../../components/time-ago';
import { AddSuppressionForm } from './add-suppression-form';

const reasonColors: Record<Suppression['reason'], string> = {
  bounce: 'red',
  invalid: 'red',
  spam_report: 'orange',
  unsubscribe: 'yellow',
  manual: 'gray',
};

export function SuppressionsPage() {
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const email = params.get('email') ?? '';
  const [removing, setRemoving] = useState<Suppression | null>(null);
  const list = useCursorList(['suppressions', 'list', email], (cursor) =>
    api.suppressions.list({ email: email || undefined, cursor, limit: 50 }),
  );
  const remove = useMutation({
    mutationFn: (suppression: Suppression) => api.suppressions.remove(suppression.email),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['suppressions'] });
      setRemoving(null);
    },
  });

  return (
    <Stack>
      <Text size="sm" c="dimmed" maw={680}>
        Addresses Emivoy will not mail again: bounces, spam reports and unsubscribes are added from
        your provider's webhook. Policies skip them and say so on the run.
      </Text>
      <Group justify="space-between" align="flex-end">
        <SearchInput
          value={email}
          onChange={(value) =>
            setParams(value.trim() ? { email: value.trim() } : {}, { replace: true })
          }
          label="Find an address"
          placeholder="Exact email address"
        />
        <AddSuppressionForm />
      </Group>
      <QueryBoundary query={list} errorTitle="Could not load suppressions">
        {() =>
          list.items.length === 0 ? (
            <EmptyHint
              icon={<IconMailOff size={28} />}
              title={email ? `${email} is not suppressed` : 'No suppressed addresses'}
            >
              {email
                ? 'Policies will mail this address.'
                : 'Good news: nobody bounced, complained or unsubscribed yet. ' +
                  'Add an address by hand to stop mailing it.'}
            </EmptyHint>
          ) : (
            <Paper withBorder radius="md" p="xs">
              <Table.ScrollContainer minWidth={600}>
                <Table verticalSpacing="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Email</Table.Th>
                      <Table.Th>Reason</Table.Th>
                      <Table.Th>Since</Table.Th>
                      <Table.Th />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {list.items.map((suppression) => (
                      <Table.Tr key={suppression.email}>
                        <Table.Td>
                          <Text size="sm">{suppression.email}</Text>
                          {suppression.detail && (
                            <Text size="xs" c="dimmed">
                              {suppression.detail}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Badge variant="light" color={reasonColors[suppression.reason]}>
                            {suppression.reason.replace('_', ' ')}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <TimeAgo iso={suppression.created_at} size="sm" c="dimmed" />
                        </Table.Td>
                        <Table.Td ta="right">
                          <Button
                            size="compact-sm"
                            variant="subtle"
                            color="red"
                            onClick={() => setRemoving(suppression)}
                            aria-label={`Remove ${suppression.email} from the suppression list`}
                          >
                            Remove
                          </Button>
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
      <ConfirmModal
        opened={removing !== null}
        title="Mail this address again?"
        confirmLabel="Remove suppression"
        onConfirm={() => removing && remove.mutate(removing)}
        onClose={() => {
          remove.reset();
          setRemoving(null);
        }}
        loading={remove.isPending}
        error={remove.error}
      >
        Policies will send to {removing?.email} again. Do this only if the address works and its
        owner wants the mail: mailing bounced or complaining addresses hurts your sender reputation.
      </ConfirmModal>
    </Stack>
  );
}
