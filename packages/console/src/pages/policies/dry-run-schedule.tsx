import { Badge, Button, Group, Stack, Text, Timeline } from '@mantine/core';
import { IconClockHour4, IconMail, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import type { DryRunEmail, DryRunStep } from '../../api/types';
import { formatDateTime } from '../../format/format-date-time';
import { describeDuration } from './describe-duration';
import { DryRunEmailModal } from './dry-run-email-modal';
import { formatOffset } from './format-offset';

interface DryRunScheduleProps {
  steps: DryRunStep[];
  templateName: (templateId: string) => string;
}

/** What a run of the policy would do, step by step, and when. */
export function DryRunSchedule({ steps, templateName }: DryRunScheduleProps) {
  const [open, setOpen] = useState<DryRunEmail | null>(null);
  const start = steps[0]?.at ?? new Date().toISOString();

  return (
    <>
      <Timeline bulletSize={26} lineWidth={2} active={steps.length} aria-label="Projected schedule">
        {steps.map((step) => (
          <Timeline.Item
            key={step.step_index}
            color={step.error ? 'red' : step.type === 'wait' ? 'yellow' : 'indigo'}
            bullet={
              step.error ? (
                <IconX size={14} />
              ) : step.type === 'wait' ? (
                <IconClockHour4 size={14} />
              ) : (
                <IconMail size={14} />
              )
            }
            title={
              <Group gap="xs">
                <Text size="sm" fw={600}>
                  {step.type === 'wait'
                    ? `Wait ${describeDuration(step.duration ?? '')}`
                    : `Send ${templateName(step.template_id ?? '')}`}
                </Text>
                {step.type === 'send_email' && (
                  <Badge size="xs" variant="light" color="gray">
                    {formatOffset(start, step.at)}
                  </Badge>
                )}
              </Group>
            }
          >
            <Text size="xs" c="dimmed">
              {step.type === 'wait' && step.wakes_at
                ? `From ${formatDateTime(step.at)} until ${formatDateTime(step.wakes_at)}`
                : formatDateTime(step.at)}
            </Text>
            {step.error && (
              <Text size="sm" c="red">
                {step.error}
              </Text>
            )}
            {step.emails && step.emails.length === 0 && !step.error && (
              <Text size="sm" c="orange">
                Nobody would get this email.
              </Text>
            )}
            <Stack gap={4} mt={4}>
              {step.emails?.map((email) => (
                <Group key={email.contact_id} gap="xs" wrap="nowrap" align="flex-start">
                  <Text size="sm" style={{ minWidth: 0, flex: 1, overflowWrap: 'anywhere' }}>
                    “{email.subject}” to {email.to.email}{' '}
                    <Text span c="dimmed" size="xs">
                      ({email.role})
                    </Text>
                  </Text>
                  <Button
                    size="compact-xs"
                    variant="light"
                    onClick={() => setOpen(email)}
                    aria-label={`View the email to ${email.to.email}`}
                    style={{ flexShrink: 0 }}
                  >
                    View
                  </Button>
                </Group>
              ))}
              {step.skipped?.map((skip, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a dry run's answer never changes
                <Text key={`${skip.reason}-${index}`} size="sm" c="orange">
                  Skipped {skip.email ?? (skip.role ? `role ${skip.role}` : 'a recipient')}:{' '}
                  {skip.message ?? skip.reason}
                </Text>
              ))}
            </Stack>
          </Timeline.Item>
        ))}
      </Timeline>
      <DryRunEmailModal email={open} onClose={() => setOpen(null)} />
    </>
  );
}
