import { Anchor, Grid, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api } from '../../api/api';
import type { EventDetail } from '../../api/types';
import { usePolicyNames } from '../../api/use-policy-names';
import { JsonBlock } from '../../components/json-block';
import { ModeBadge } from '../../components/mode-badge';
import { PageHeader } from '../../components/page-header';
import { QueryBoundary } from '../../components/query-boundary';
import { TimeAgo } from '../../components/time-ago';
import { ActivityTimeline } from '../../components/timeline/activity-timeline';
import { useMode } from '../../session/mode-provider';
import { entityPath } from '../entities/entities-table';
import { EventMessages } from './event-messages';
import { EventRuns } from './event-runs';
import { eventStory } from './event-story';

/** Still moving: a run not finished or a message not yet handed to its provider. */
function inProgress(event: EventDetail | undefined): boolean {
  if (!event) return false;
  return (
    event.runs.some((run) => run.status === 'scheduled') ||
    event.messages.some((message) => message.status === 'queued')
  );
}

export function EventPage() {
  const eventId = useParams().eventId ?? '';
  const { mode } = useMode();
  const policyName = usePolicyNames();
  const event = useQuery({
    queryKey: ['events', 'one', eventId, mode],
    queryFn: () => api.events.get(mode, eventId),
    refetchInterval: (query) => (inProgress(query.state.data) ? 1500 : 15_000),
  });
  const runs = useQueries({
    queries: (event.data?.runs ?? []).map((run) => ({
      queryKey: ['runs', 'one', run.run_id, mode, run.updated_at],
      queryFn: () => api.runs.get(mode, run.run_id),
    })),
  });
  const detailedRuns = runs.flatMap((run) => (run.data ? [run.data] : []));

  return (
    <QueryBoundary query={event} errorTitle="Could not load this event">
      {(data) => (
        <>
          <PageHeader
            above={
              <Anchor component={Link} to="/events" size="sm">
                <Group gap={4}>
                  <IconArrowLeft size={14} /> Events
                </Group>
              </Anchor>
            }
            title={
              <Group gap="sm" component="span">
                {data.event_type} <ModeBadge livemode={data.livemode} />
              </Group>
            }
            description={
              <>
                <code>{data.event_id}</code> about{' '}
                <Anchor component={Link} to={entityPath(data.entity_id)} size="sm">
                  {data.entity_id}
                </Anchor>
                , <TimeAgo iso={data.created_at} span size="sm" />
              </>
            }
          />
          <Grid gap="lg">
            <Grid.Col span={{ base: 12, md: 6 }}>
              <Stack>
                <Paper withBorder radius="md" p="md">
                  <Title order={3} size="h5" mb="sm">
                    Data
                  </Title>
                  <JsonBlock value={data.data} label="Event data" />
                </Paper>
                <EventRuns runs={data.runs} policyName={policyName} />
                <EventMessages messages={data.messages} />
              </Stack>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 6 }}>
              <Paper withBorder radius="md" p="md">
                <Title order={3} size="h5" mb="md">
                  Timeline
                </Title>
                {data.runs.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    The event was stored; no policy ran for it.
                  </Text>
                ) : (
                  <ActivityTimeline
                    items={eventStory(data, detailedRuns)}
                    policyName={policyName}
                  />
                )}
              </Paper>
            </Grid.Col>
          </Grid>
        </>
      )}
    </QueryBoundary>
  );
}
