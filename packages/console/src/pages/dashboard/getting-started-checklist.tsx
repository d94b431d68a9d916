import {
  Anchor,
  Badge,
  Group,
  Paper,
  Progress,
  Stack,
  Text,
  ThemeIcon,
  Title,
} from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { GettingStartedStep } from './use-getting-started';

const texts: Record<string, { title: string; body: ReactNode; link: string; action: string }> = {
  provider: {
    title: 'Set up your email provider',
    body: 'Add your SendGrid API key (or SMTP server) and a from address, then verify it.',
    link: '/settings/email-provider',
    action: 'Email provider settings',
  },
  api_key: {
    title: 'Create an API key',
    body: 'Your application posts events with it. The secret is shown once.',
    link: '/settings/api-keys',
    action: 'API keys',
  },
  template: {
    title: 'Write a template',
    body: 'A subject and bodies in Liquid, such as "Invoice #{{invoice_id}} is overdue".',
    link: '/templates/new',
    action: 'New template',
  },
  policy: {
    title: 'Define a policy',
    body: 'Map an event type to steps: send an email, wait three days, send a reminder.',
    link: '/policies/new',
    action: 'New policy',
  },
  event: {
    title: 'Send your first event',
    body: (
      <>
        From your application: <code>POST /api/v1/events</code> with your API key, an{' '}
        <code>event_type</code> and the <code>entity_id</code> of an entity you registered.
      </>
    ),
    link: '/entities',
    action: 'Register an entity',
  },
  email: {
    title: 'Your first email goes out',
    body: 'The policy resolves the contacts, renders the template and sends through your provider.',
    link: '/messages',
    action: 'Messages',
  },
};

/** The five steps from sign-up to a first email, shown on the dashboard until they are done. */
export function GettingStartedChecklist({ steps }: { steps: GettingStartedStep[] }) {
  const done = steps.filter((step) => step.done).length;
  return (
    <Paper withBorder radius="md" p="lg" aria-labelledby="getting-started-title">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h4" id="getting-started-title">
          Getting started
        </Title>
        <Badge variant="light">
          {done} of {steps.length} done
        </Badge>
      </Group>
      <Progress value={(done / steps.length) * 100} size="sm" mb="md" aria-hidden />
      <Stack gap="md" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {steps.map((step, index) => {
          const text = texts[step.key];
          if (!text) return null;
          return (
            <Group key={step.key} component="li" align="flex-start" wrap="nowrap" gap="sm">
              <ThemeIcon
                radius="xl"
                size={28}
                variant={step.done ? 'filled' : 'light'}
                color={step.done ? 'teal' : 'gray'}
                aria-label={step.done ? 'Done' : `Step ${index + 1}`}
              >
                {step.done ? <IconCheck size={16} /> : <Text size="sm">{index + 1}</Text>}
              </ThemeIcon>
              <div>
                <Text
                  fw={600}
                  td={step.done ? 'line-through' : undefined}
                  c={step.done ? 'dimmed' : undefined}
                >
                  {text.title}
                </Text>
                {!step.done && (
                  <>
                    <Text size="sm" c="dimmed">
                      {text.body}
                    </Text>
                    <Anchor component={Link} to={text.link} size="sm">
                      {text.action} →
                    </Anchor>
                  </>
                )}
              </div>
            </Group>
          );
        })}
      </Stack>
    </Paper>
  );
}
