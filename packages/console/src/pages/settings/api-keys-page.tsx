import { Badge, Button, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconKey, IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/api';
import type { ApiKey } from '../../api/types';
import { useCursorList } from '../../api/use-cursor-list';
import { ConfirmModal } from '../../components/confirm-modal';
import { EmptyHint } from '../../components/empty-hint';
import { LoadMoreButton } from '../../components/load-more-button';
import { QueryBoundary } from '../../components/query-boundary';
import { TimeAgo } from '../../components/time-ago';
import { CreateApiKeyModal } from './create-api-key-modal';

export function ApiKeysPage() {
  const queryClient = useQueryClient();
  const [creating, { open, close }] = useDisclosure();
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const list = useCursorList(['api-keys', 'list'], (cursor) =>
    api.apiKeys.list({ cursor, limit: 50 }),
  );
  const revoke = useMutation({
    mutationFn: (key: ApiKey) => api.apiKeys.revoke(key.api_key_id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['api-keys'] });
      setRevoking(null);
    },
  });
  const createButton = (
    <Button leftSection={<IconPlus size={16} />} onClick={open}>
      Create API key
    </Button>
  );

  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={560}>
          Your application authenticates with these: <code>Authorization: Bearer em_live_…</code>.
          Secrets are shown once, when created.
        </Text>
        {createButton}
      </Group>
      <QueryBoundary query={list} errorTitle="Could not load API keys">
        {() =>
          list.items.length === 0 ? (
            <EmptyHint icon={<IconKey size={28} />} title="No API keys yet" actions={createButton}>
              Create a key for each application or environment that posts events, so you can revoke
              one without touching the others.
            </EmptyHint>
          ) : (
            <Paper withBorder radius="md" p="xs">
              <Table.ScrollContainer minWidth={680}>
                <Table verticalSpacing="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Key</Table.Th>
                      <Table.Th>Created</Table.Th>
                      <Table.Th>Last used</Table.Th>
                      <Table.Th />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {list.items.map((key) => (
                      <Table.Tr key={key.api_key_id} opacity={key.revoked_at ? 0.6 : 1}>
                        <Table.Td>
                          <Group gap="xs">
                            <Text size="sm" fw={600}>
                              {key.name}
                            </Text>
                            <Badge
                              size="sm"
                              variant="light"
                              color={key.mode === 'live' ? 'indigo' : 'orange'}
                            >
                              {key.mode}
                            </Badge>
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" ff="monospace">
                            {key.key_hint}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <TimeAgo iso={key.created_at} size="sm" c="dimmed" />
                        </Table.Td>
                        <Table.Td>
                          {key.last_used_at ? (
                            <TimeAgo iso={key.last_used_at} size="sm" c="dimmed" />
                          ) : (
                            <Text size="sm" c="dimmed">
                              never
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td ta="right">
                          {key.revoked_at ? (
                            <Badge color="gray" variant="outline">
                              revoked
                            </Badge>
                          ) : (
                            <Button
                              size="compact-sm"
                              variant="subtle"
                              color="red"
                              onClick={() => setRevoking(key)}
                              aria-label={`Revoke ${key.name}`}
                            >
                              Revoke
                            </Button>
                          )}
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
      <CreateApiKeyModal opened={creating} onClose={close} />
      <ConfirmModal
        opened={revoking !== null}
        title="Revoke this API key?"
        confirmLabel="Revoke key"
        onConfirm={() => revoking && revoke.mutate(revoking)}
        onClose={() => {
          revoke.reset();
          setRevoking(null);
        }}
        loading={revoke.isPending}
        error={revoke.error}
      >
        Requests with <code>{revoking?.key_hint}</code> ({revoking?.name}) are refused from now on.
        This cannot be undone.
      </ConfirmModal>
    </Stack>
  );
}
