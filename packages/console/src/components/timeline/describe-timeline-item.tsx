import {
  IconBan,
  IconBolt,
  IconCircleCheck,
  IconClockHour4,
  IconMail,
  IconMailForward,
  IconPlayerPlay,
  IconUserOff,
  IconX,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { TimelineItem } from '../../api/types';
import { formatDateTime, formatRelative } from '../../format/format-date-time';
import { messageStatusColor, messageStatusLabels } from '../message-status-badge';

export interface TimelineItemView {
  icon: ReactNode;
  color: string;
  title: string;
  /** A second line: who, why, until when. */
  body?: string;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const size = 14;

const skipReasons: Record<string, string> = {
  no_contact_for_role: 'no contact for the role',
  suppressed: 'the address is suppressed',
  unsubscribed: 'the recipient unsubscribed',
  entity_deleted: 'the entity was deleted',
};

/** How one timeline entry reads: an icon, a color and a sentence, whatever its kind. */
export function describeTimelineItem(
  item: Pick<TimelineItem, 'kind' | 'detail' | 'step_index'>,
  policyName?: (policyId: string) => string,
): TimelineItemView {
  const { detail } = item;
  const step =
    item.step_index === null || item.step_index === undefined
      ? ''
      : ` (step ${item.step_index + 1})`;

  switch (item.kind) {
    case 'event':
      return {
        icon: <IconBolt size={size} />,
        color: 'indigo',
        title: `Event ${text(detail.event_type)}`,
      };
    case 'run_started':
    case 'started': {
      const policyId = text(detail.policy_id);
      const name = policyName ? policyName(policyId) : policyId;
      return {
        icon: <IconPlayerPlay size={size} />,
        color: 'blue',
        title: `Run started: ${name}`,
        body: `Policy version ${String(detail.policy_version ?? '?')}`,
      };
    }
    case 'email_queued':
      return {
        icon: <IconMailForward size={size} />,
        color: 'cyan',
        title: `Email queued to ${text(detail.to)}${step}`,
      };
    case 'recipient_skipped': {
      const reason = skipReasons[text(detail.reason)] ?? text(detail.reason);
      const who = text(detail.email) || (detail.role ? `role ${text(detail.role)}` : 'a recipient');
      return {
        icon: <IconUserOff size={size} />,
        color: 'orange',
        title: `Skipped ${who}${step}: ${reason}`,
        body: text(detail.message),
      };
    }
    case 'wait_started': {
      const wakeAt = text(detail.wake_at);
      return {
        icon: <IconClockHour4 size={size} />,
        color: 'yellow',
        title: `Waiting ${text(detail.duration)}${step}`,
        body: wakeAt ? `Wakes ${formatRelative(wakeAt)}, at ${formatDateTime(wakeAt)}` : undefined,
      };
    }
    case 'completed':
      return { icon: <IconCircleCheck size={size} />, color: 'teal', title: 'Run completed' };
    case 'cancelled':
      return {
        icon: <IconBan size={size} />,
        color: 'gray',
        title: `Run cancelled${detail.event_type ? ` by ${text(detail.event_type)}` : ''}`,
        body: text(detail.reason),
      };
    case 'failed':
      return {
        icon: <IconX size={size} />,
        color: 'red',
        title: `Run failed${step}`,
        body: text(detail.reason),
      };
    case 'message_status': {
      const status = text(detail.status);
      const label = messageStatusLabels[status as keyof typeof messageStatusLabels] ?? status;
      return {
        icon: <IconMail size={size} />,
        color: messageStatusColor(status),
        title: `${label}: ${text(detail.subject) || 'message'}`,
        body: [text(detail.to) && `to ${text(detail.to)}`, text(detail.note)]
          .filter(Boolean)
          .join(' · '),
      };
    }
    default:
      return {
        icon: <IconBolt size={size} />,
        color: 'gray',
        title: item.kind.replaceAll('_', ' '),
      };
  }
}
