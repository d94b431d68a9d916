import { Badge } from '@mantine/core';
import type { MessageStatus } from '../api/types';

const colors: Record<MessageStatus, string> = {
  queued: 'gray',
  captured: 'violet',
  sent: 'blue',
  delivered: 'teal',
  opened: 'green',
  clicked: 'green',
  failed: 'red',
  bounced: 'red',
  spam_reported: 'orange',
  unsubscribed: 'yellow',
};

export const messageStatusLabels: Record<MessageStatus, string> = {
  queued: 'Queued',
  captured: 'Captured (outbox)',
  sent: 'Sent',
  delivered: 'Delivered',
  opened: 'Opened',
  clicked: 'Clicked',
  failed: 'Failed',
  bounced: 'Bounced',
  spam_reported: 'Spam report',
  unsubscribed: 'Unsubscribed',
};

export function messageStatusColor(status: string): string {
  return colors[status as MessageStatus] ?? 'gray';
}

export function MessageStatusBadge({ status }: { status: MessageStatus }) {
  return (
    <Badge color={messageStatusColor(status)} variant="light" radius="sm" miw="max-content">
      {messageStatusLabels[status] ?? status}
    </Badge>
  );
}
