import { Grid, SimpleGrid, Stack, Text } from '@mantine/core';
import { PageHeader } from '../../components/page-header';
import { QueryBoundary } from '../../components/query-boundary';
import { useMode } from '../../session/mode-provider';
import { ActivityChart } from './activity-chart';
import { GettingStartedChecklist } from './getting-started-checklist';
import { MessageStatusCard } from './message-status-card';
import { StatCard } from './stat-card';
import { UsageCard } from './usage-card';
import { useGettingStarted } from './use-getting-started';
import { activityDays, useRecentActivity } from './use-recent-activity';

export function DashboardPage() {
  const { mode } = useMode();
  const activity = useRecentActivity();
  const gettingStarted = useGettingStarted();
  const showChecklist =
    !gettingStarted.isPending && gettingStarted.steps.some((step) => !step.done);

  return (
    <>
      <PageHeader
        title="Dashboard"
        description={`What happened in ${mode} mode over the last ${activityDays} days.`}
      />
      <Stack gap="lg">
        {showChecklist && <GettingStartedChecklist steps={gettingStarted.steps} />}
        <QueryBoundary query={activity} errorTitle="Could not load recent activity">
          {(data) => (
            <Stack gap="lg">
              <SimpleGrid cols={{ base: 1, sm: 3 }}>
                <StatCard
                  label="Events"
                  value={data.truncated ? `${data.totalEvents}+` : data.totalEvents}
                  hint={`Posted in the last ${activityDays} days`}
                />
                <StatCard
                  label="Messages"
                  value={data.truncated ? `${data.totalMessages}+` : data.totalMessages}
                  hint="Emails created by policies"
                />
                <UsageCard />
              </SimpleGrid>
              <Grid>
                <Grid.Col span={{ base: 12, md: 8 }}>
                  <ActivityChart days={data.days} />
                </Grid.Col>
                <Grid.Col span={{ base: 12, md: 4 }}>
                  <MessageStatusCard counts={data.messagesByStatus} />
                </Grid.Col>
              </Grid>
              {data.truncated && (
                <Text size="xs" c="dimmed">
                  Busy weeks: the counts above cover the newest 1,000 events and messages.
                </Text>
              )}
            </Stack>
          )}
        </QueryBoundary>
      </Stack>
    </>
  );
}
