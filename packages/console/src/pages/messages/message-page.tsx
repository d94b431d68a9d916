import { Alert, Anchor, Grid, Group, Paper, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconArrowLeft, IconInbox } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api } from '../../api/api';
import { EmailFrame } from '../../components/email-frame';
import { MessageStatusBadge } from '../../components/message-status-badge';
import { ModeBadge } from '../../components/mode-badge';
import { PageHeader } from '../../components/page-header';
import { QueryBoundary } from '../../components/query-boundary';
import { useMode } from '../../session/mode-provider';
import { MessageFacts } from './message-facts';
import { MessageStatusHistory } from './message-status-history';

export function MessagePage() {
  const messageId = useParams().messageId ?? '';
  const { mode } = useMode();
  const message = useQuery({
    queryKey: ['messages', 'one', messageId, mode],
    queryFn: () => api.messages.get(mode, messageId),
    refetchInterval: (query) => (query.state.data?.status === 'queued' ? 1500 : 15_000),
  });

  return (
    <QueryBoundary query={message} errorTitle="Could not load this message">
      {(data) => (
        <>
          <PageHeader
            above={
              <Anchor component={Link} to="/messages" size="sm">
                <Group gap={4}>
                  <IconArrowLeft size={14} /> Messages
                </Group>
              </Anchor>
            }
            title={data.subject}
            description={
              <Group gap="xs" component="span">
                <MessageStatusBadge status={data.status} />
                <ModeBadge livemode={data.livemode} />
                <code>{data.message_id}</code>
              </Group>
            }
          />
          <Stack>
            {data.status === 'captured' && (
              <Alert
                color="violet"
                variant="light"
                icon={<IconInbox size={18} />}
                title="Captured by the outbox, not sent"
              >
                {data.livemode
                  ? 'No email provider was set up when this message was due, so the outbox ' +
                    'kept it. Nobody received it. Set up SendGrid or SMTP in Settings to send ' +
                    'live mail.'
                  : 'Test-mode messages only ever go to the outbox. Nobody received it.'}
              </Alert>
            )}
            {data.last_error && (
              <Alert
                color="red"
                variant="light"
                icon={<IconAlertTriangle size={18} />}
                title="Last error"
              >
                {data.last_error}
              </Alert>
            )}
            <Grid gap="lg">
              <Grid.Col span={{ base: 12, md: 8 }}>
                <Paper withBorder radius="md" p="md">
                  <Title order={3} size="h5" mb="sm">
                    As the recipient sees it
                  </Title>
                  <Tabs defaultValue={data.html_body ? 'html' : 'text'}>
                    <Tabs.List>
                      <Tabs.Tab value="html" disabled={!data.html_body}>
                        HTML
                      </Tabs.Tab>
                      <Tabs.Tab value="text" disabled={!data.text_body}>
                        Text
                      </Tabs.Tab>
                    </Tabs.List>
                    <Tabs.Panel value="html" pt="sm">
                      <EmailFrame
                        html={data.html_body ?? ''}
                        title={`Email: ${data.subject}`}
                        height={480}
                      />
                    </Tabs.Panel>
                    <Tabs.Panel value="text" pt="sm">
                      <Text component="pre" size="sm" style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
                        {data.text_body}
                      </Text>
                    </Tabs.Panel>
                  </Tabs>
                </Paper>
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 4 }}>
                <Stack>
                  <Paper withBorder radius="md" p="md">
                    <Title order={3} size="h5" mb="sm">
                      Status history
                    </Title>
                    <MessageStatusHistory history={data.status_history ?? []} />
                  </Paper>
                  <Paper withBorder radius="md" p="md">
                    <Title order={3} size="h5" mb="sm">
                      Details
                    </Title>
                    <MessageFacts message={data} />
                  </Paper>
                </Stack>
              </Grid.Col>
            </Grid>
          </Stack>
        </>
      )}
    </QueryBoundary>
  );
}
