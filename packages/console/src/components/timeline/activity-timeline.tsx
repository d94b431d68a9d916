import { Anchor, Group, Text, Timeline } from '@mantine/core';
import { Link } from 'react-router';
import type { TimelineItem } from '../../api/types';
import { TimeAgo } from '../time-ago';
import { describeTimelineItem } from './describe-timeline-item';

interface ActivityTimelineProps {
  items: TimelineItem[];
  policyName?: (policyId: string) => string;
}

/** Entries drawn as a vertical timeline, each linking to its message or event when it has one. */
export function ActivityTimeline({ items, policyName }: ActivityTimelineProps) {
  return (
    <Timeline bulletSize={26} lineWidth={2} active={items.length}>
      {items.map((item, index) => {
        const view = describeTimelineItem(item, policyName);
        const link = item.message_id
          ? { to: `/messages/${item.message_id}`, label: 'Open message' }
          : item.kind === 'email_queued' && typeof item.detail.message_id === 'string'
            ? { to: `/messages/${item.detail.message_id}`, label: 'Open message' }
            : null;
        return (
          <Timeline.Item
            // biome-ignore lint/suspicious/noArrayIndexKey: entries have no id; the list only grows
            key={`${item.at}-${item.kind}-${index}`}
            bullet={view.icon}
            color={view.color}
            title={
              <Text size="sm" fw={600}>
                {view.title}
              </Text>
            }
          >
            {view.body && (
              <Text size="sm" c="dimmed">
                {view.body}
              </Text>
            )}
            <Group gap="xs" mt={2}>
              <TimeAgo iso={item.at} size="xs" c="dimmed" />
              {link && (
                <Anchor component={Link} to={link.to} size="xs">
                  {link.label}
                </Anchor>
              )}
            </Group>
          </Timeline.Item>
        );
      })}
    </Timeline>
  );
}
