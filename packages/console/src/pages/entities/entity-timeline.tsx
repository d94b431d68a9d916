import { Anchor, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconTimeline } from '@tabler/icons-react';
import { Link } from 'react-router';
import { api } from '../../api/api';
import { useCursorList } from '../../api/use-cursor-list';
import { usePolicyNames } from '../../api/use-policy-names';
import { EmptyHint } from '../../components/empty-hint';
import { JsonBlock } from '../../components/json-block';
import { LoadMoreButton } from '../../components/load-more-button';
import { QueryBoundary } from '../../components/query-boundary';
import { TimeAgo } from '../../components/time-ago';
import { ActivityTimeline } from '../../components/timeline/activity-timeline';
import { useMode } from '../../session/mode-provider';
import { groupTimeline } from './group-timeline';

/** Every event about the entity with what it set off, as a vertical timeline per event. */
export function EntityTimeline({ entityId }: { entityId: string }) {
  const { mode } = useMode();
  const policyName = usePolicyNames();
  const timeline = useCursorList(
    ['timeline', entityId, mode],
    (cursor) => api.entities.timeline(mode, entityId, { cursor, limit: 10 }),
    { refetchInterval: 5000 },
  );

  return (
    <QueryBoundary query={timeline} errorTitle="Could not load the timeline">
      {() => {
        const sections = groupTimeline(timeline.items);
        if (sections.length === 0) {
          return (
            <EmptyHint icon={<IconTimeline size={28} />} title={`No ${mode} events yet`}>
              Post an event with <code>"entity_id": "{entityId}"</code> and its runs, waits and
              messages appear here as they happen.
            </EmptyHint>
          );
        }
        return (
          <Stack gap="md">
            {sections.map(({ event, items }) => (
              <Paper key={event.event_id} withBorder radius="md" p="md" component="section">
                <Group justify="space-between" mb="sm" wrap="nowrap">
                  <div>
                    <Title order={3} size="h5">
                      <Anchor component={Link} to={`/events/${event.event_id}`} inherit>
                        {String(event.detail.event_type)}
                      </Anchor>
                    </Title>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {event.event_id}
                    </Text>
                  </div>
                  <TimeAgo iso={event.at} size="sm" c="dimmed" />
                </Group>
                <JsonBlock value={event.detail.data ?? {}} label="Event data" />
                <Stack mt="md">
                  {items.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      No policy ran for this event, and it cancelled no run.
                    </Text>
                  ) : (
                    <ActivityTimeline items={items} policyName={policyName} />
                  )}
                </Stack>
              </Paper>
            ))}
            <LoadMoreButton
              hasNextPage={timeline.hasNextPage}
              isFetchingNextPage={timeline.isFetchingNextPage}
              onLoadMore={timeline.loadMore}
            />
          </Stack>
        );
      }}
    </QueryBoundary>
  );
}
