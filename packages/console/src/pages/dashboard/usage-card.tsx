import { Group, Paper, Progress, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/api';
import { QueryBoundary } from '../../components/query-boundary';
import { formatDateTime } from '../../format/format-date-time';

const number = new Intl.NumberFormat();

/** This month's live events against the plan's limit. */
export function UsageCard() {
  const usage = useQuery({ queryKey: ['usage'], queryFn: api.usage.get });
  return (
    <Paper withBorder radius="md" p="md" h="100%">
      <Title order={3} size="h5" mb="sm">
        Usage this month
      </Title>
      <QueryBoundary query={usage}>
        {(data) => {
          const share = data.limit ? Math.min(100, (data.events / data.limit) * 100) : 0;
          return (
            <>
              <Group justify="space-between" align="baseline">
                <Text size="xl" fw={700}>
                  {number.format(data.events)}
                </Text>
                <Text size="sm" c="dimmed">
                  {data.limit === null ? 'no limit' : `of ${number.format(data.limit)} events`}
                </Text>
              </Group>
              {data.limit !== null && (
                <Progress
                  value={share}
                  color={share >= 90 ? 'red' : share >= 70 ? 'yellow' : 'indigo'}
                  mt="xs"
                  aria-label={`${Math.round(share)}% of the monthly event limit used`}
                />
              )}
              <Text size="xs" c="dimmed" mt="xs">
                Live events count; test events do not. Resets {formatDateTime(data.period_end)}.
              </Text>
            </>
          );
        }}
      </QueryBoundary>
    </Paper>
  );
}
