import { Anchor, SimpleGrid, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Message } from '../../api/types';
import { formatDateTime } from '../../format/format-date-time';
import { entityPath } from '../entities/entities-table';

/** Where a message came from and what its provider did with it, as label/value rows. */
export function MessageFacts({ message }: { message: Message }) {
  const rows: Array<[string, ReactNode]> = [
    ['To', message.to.name ? `${message.to.name} <${message.to.email}>` : message.to.email],
    ['Provider', message.provider],
    ['Provider message id', message.provider_message_id ?? '—'],
    ['Attempts', String(message.attempts)],
    [message.status === 'captured' ? 'Captured' : 'Sent', formatDateTime(message.sent_at)],
    [
      'Event',
      <Anchor key="event" component={Link} to={`/events/${message.event_id}`} size="sm">
        {message.event_id}
      </Anchor>,
    ],
    [
      'Entity',
      <Anchor key="entity" component={Link} to={entityPath(message.entity_id)} size="sm">
        {message.entity_id}
      </Anchor>,
    ],
    [
      'Template',
      <Anchor key="template" component={Link} to={`/templates/${message.template_id}`} size="sm">
        {message.template_id}
      </Anchor>,
    ],
  ];
  if (message.next_attempt_at) rows.push(['Next attempt', formatDateTime(message.next_attempt_at)]);

  return (
    <SimpleGrid cols={1} spacing="xs" component="dl" m={0}>
      {rows.map(([label, value]) => (
        <div key={label}>
          <Text component="dt" size="xs" c="dimmed" fw={600}>
            {label}
          </Text>
          <Text component="dd" size="sm" m={0} style={{ overflowWrap: 'anywhere' }}>
            {value}
          </Text>
        </div>
      ))}
    </SimpleGrid>
  );
}
