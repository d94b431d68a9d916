import {
  ActionIcon,
  Anchor,
  Badge,
  Group,
  Paper,
  Select,
  TagsInput,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import {
  IconArrowDown,
  IconArrowUp,
  IconClockHour4,
  IconMail,
  IconTrash,
} from '@tabler/icons-react';
import { Link } from 'react-router';
import { describeDuration } from './describe-duration';
import type { PolicyFormValues } from './policy-form-values';

interface StepCardProps {
  form: UseFormReturnType<PolicyFormValues>;
  index: number;
  count: number;
  templates: Array<{ value: string; label: string }>;
}

/** One step of the builder: its fields, and buttons to move it or take it out. */
export function StepCard({ form, index, count, templates }: StepCardProps) {
  const step = form.values.steps[index];
  if (!step) return null;
  const path = `steps.${index}`;
  const isWait = step.type === 'wait';
  const stepError = form.errors[path] ?? form.errors[`${path}.type`];

  return (
    <Paper withBorder radius="md" p="sm" component="li" aria-label={`Step ${index + 1}`}>
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Group gap="xs">
          <Badge
            variant="light"
            color={isWait ? 'yellow' : 'indigo'}
            leftSection={isWait ? <IconClockHour4 size={12} /> : <IconMail size={12} />}
            radius="sm"
          >
            {index + 1}. {isWait ? 'Wait' : 'Send email'}
          </Badge>
          {isWait && step.duration && (
            <Text size="xs" c="dimmed">
              then continue after {describeDuration(step.duration)}
            </Text>
          )}
        </Group>
        <Group gap={2} wrap="nowrap">
          <Tooltip label="Move up">
            <ActionIcon
              variant="subtle"
              color="gray"
              disabled={index === 0}
              aria-label={`Move step ${index + 1} up`}
              onClick={() => form.reorderListItem('steps', { from: index, to: index - 1 })}
            >
              <IconArrowUp size={16} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label="Move down">
            <ActionIcon
              variant="subtle"
              color="gray"
              disabled={index === count - 1}
              aria-label={`Move step ${index + 1} down`}
              onClick={() => form.reorderListItem('steps', { from: index, to: index + 1 })}
            >
              <IconArrowDown size={16} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label="Remove step">
            <ActionIcon
              variant="subtle"
              color="red"
              disabled={count === 1}
              aria-label={`Remove step ${index + 1}`}
              onClick={() => form.removeListItem('steps', index)}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>
      {isWait ? (
        <TextInput
          label="Duration"
          description="90s, 15m, 12h, 3d, 2w, or ISO 8601 such as P3D"
          placeholder="3d"
          required
          maw={280}
          {...form.getInputProps(`${path}.duration`)}
        />
      ) : (
        <Group grow align="flex-start">
          <Select
            label="Template"
            placeholder={templates.length ? 'Choose a template' : 'No templates yet'}
            data={templates}
            searchable
            required
            nothingFoundMessage="No template by that name"
            description={
              templates.length === 0 ? (
                <Anchor component={Link} to="/templates/new" size="xs">
                  Create a template first
                </Anchor>
              ) : undefined
            }
            {...form.getInputProps(`${path}.template_id`)}
          />
          <TagsInput
            label="To roles"
            description="Empty: the policy's recipients"
            placeholder={step.to_roles.length ? undefined : 'Add a role'}
            {...form.getInputProps(`${path}.to_roles`)}
          />
        </Group>
      )}
      {stepError && (
        <Text size="sm" c="red" mt="xs" role="alert">
          {stepError}
        </Text>
      )}
    </Paper>
  );
}
