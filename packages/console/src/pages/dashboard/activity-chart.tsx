import { BarChart } from '@mantine/charts';
import { Paper, Text, Title } from '@mantine/core';
import type { DailyActivity } from './use-recent-activity';

export function ActivityChart({ days }: { days: DailyActivity[] }) {
  const total = days.reduce((sum, day) => sum + day.events + day.messages, 0);
  const ticks = new Map(days.map((day) => [day.label, day.tick]));
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={3} size="h5" mb={4}>
        Events and messages per day
      </Title>
      <Text size="xs" c="dimmed" mb="md">
        The last {days.length} days
      </Text>
      <BarChart
        h={240}
        data={days}
        dataKey="label"
        series={[
          { name: 'events', label: 'Events', color: 'indigo.6' },
          { name: 'messages', label: 'Messages', color: 'teal.6' },
        ]}
        withLegend
        tickLine="none"
        gridAxis="x"
        xAxisProps={{ interval: 0, tickFormatter: (label: string) => ticks.get(label) ?? label }}
        yAxisProps={{ allowDecimals: false }}
        aria-label={`Bar chart: ${total} events and messages over the last ${days.length} days`}
      />
    </Paper>
  );
}
