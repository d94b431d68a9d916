import { Anchor, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../../api/api';
import { describeError } from '../../api/api-problem';
import type { Run } from '../../api/types';
import { RunStatusBadge } from '../../components/run-status-badge';
import { TimeAgo } from '../../components/time-ago';
import { useMode } from '../../session/mode-provider';

interface EventRunsProps {
  runs: Run[];
  policyName: (policyId: string) => string;
}

/** The runs an event started: where each stands, and a way to stop one still going. */
export function EventRuns({ runs, policyName }: EventRunsProps) {
  const { mode } = useMode();
  const queryClient = useQueryClient();
  const cancel = useMutation({
    mutationFn: (runId: string) => api.runs.cancel(mode, runId),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['events', 'one'] }),
    onError: (error) =>
      notifications.show({
        color: 'red',
        title: 'Could not cancel',
        message: describeError(error),
      }),
  });

  return (
    <Paper withBorder radius="md" p="md">
      <Title order={3} size="h5" mb="sm">
        Runs
      </Title>
      {runs.length === 0 ? (
        <Text size="sm" c="dimmed">
          No enabled policy matched this event type and its data, so nothing ran.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Policy</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Next</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {runs.map((run) => {
                const active = run.status === 'scheduled' || run.status === 'waiting';
                return (
                  <Table.Tr key={run.run_id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/policies/${run.policy_id}`} size="sm">
                        {policyName(run.policy_id)}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        v{run.policy_version} · step {run.step_index + 1}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={2}>
                        <RunStatusBadge status={run.status} />
                        {run.last_error && (
                          <Text size="xs" c="red">
                            {run.last_error}
                          </Text>
                        )}
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      {run.status === 'waiting' && run.wake_at ? (
                        <Group gap={4}>
                          <Text size="sm">wakes</Text>
                          <TimeAgo iso={run.wake_at} size="sm" />
                        </Group>
                      ) : (
                        <Text size="sm" c="dimmed">
                          —
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {active && (
                        <Button
                          size="compact-xs"
                          variant="subtle"
                          color="red"
                          loading={cancel.isPending && cancel.variables === run.run_id}
                          onClick={() => cancel.mutate(run.run_id)}
                        >
                          Cancel run
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
