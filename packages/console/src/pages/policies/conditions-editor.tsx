import { ActionIcon, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { conditionOps } from '../../api/types';
import { newCondition, type PolicyFormValues } from './policy-form-values';

const opLabels: Record<string, string> = {
  eq: 'equals',
  neq: 'does not equal',
  gt: 'greater than',
  gte: 'at least',
  lt: 'less than',
  lte: 'at most',
  in: 'is one of',
  nin: 'is none of',
  exists: 'exists',
  contains: 'contains',
};

const ops = conditionOps.map((op) => ({ value: op, label: opLabels[op] ?? op }));

/** Conditions on the event's data that must all hold for the policy to run. */
export function ConditionsEditor({ form }: { form: UseFormReturnType<PolicyFormValues> }) {
  const { conditions } = form.values;
  return (
    <Stack gap="xs">
      {conditions.length === 0 && (
        <Text size="sm" c="dimmed">
          No conditions: every event of this type starts the policy.
        </Text>
      )}
      {conditions.map((condition, index) => (
        <Group key={condition.key} align="flex-start" gap="xs" wrap="nowrap">
          <TextInput
            aria-label={`Condition ${index + 1} field`}
            placeholder="amount or customer.tier"
            style={{ flex: 2 }}
            {...form.getInputProps(`conditions.${index}.field`)}
          />
          <Select
            aria-label={`Condition ${index + 1} operator`}
            data={ops}
            allowDeselect={false}
            style={{ flex: 1.4 }}
            {...form.getInputProps(`conditions.${index}.op`)}
          />
          <TextInput
            aria-label={`Condition ${index + 1} value`}
            placeholder={condition.op === 'in' || condition.op === 'nin' ? '["a", "b"]' : '100'}
            disabled={condition.op === 'exists'}
            style={{ flex: 2 }}
            {...form.getInputProps(`conditions.${index}.value`)}
          />
          <ActionIcon
            variant="subtle"
            color="red"
            mt={6}
            aria-label={`Remove condition ${index + 1}`}
            onClick={() => form.removeListItem('conditions', index)}
          >
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button
          variant="subtle"
          size="xs"
          leftSection={<IconPlus size={14} />}
          onClick={() => form.insertListItem('conditions', newCondition())}
        >
          Add condition
        </Button>
      </Group>
    </Stack>
  );
}
