import { ActionIcon, Button, Group, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { newCancelRule, type PolicyFormValues } from './policy-form-values';

/** Events that cancel this policy's active runs for the same entity, such as invoice.paid. */
export function CancelRulesEditor({ form }: { form: UseFormReturnType<PolicyFormValues> }) {
  const rules = form.values.cancel_on;
  return (
    <Stack gap="xs">
      {rules.length === 0 && (
        <Text size="sm" c="dimmed">
          Nothing cancels a run: it goes through every step.
        </Text>
      )}
      {rules.map((rule, index) => (
        <Group key={rule.key} align="flex-start" gap="xs" wrap="nowrap">
          <TextInput
            aria-label={`Cancel rule ${index + 1} event type`}
            placeholder="invoice.paid"
            style={{ flex: 1 }}
            {...form.getInputProps(`cancel_on.${index}.event_type`)}
          />
          <TagsInput
            aria-label={`Cancel rule ${index + 1} matching data keys`}
            placeholder={rule.match.length ? undefined : 'Keys that must match, such as invoice_id'}
            style={{ flex: 1.4 }}
            {...form.getInputProps(`cancel_on.${index}.match`)}
          />
          <ActionIcon
            variant="subtle"
            color="red"
            mt={6}
            aria-label={`Remove cancel rule ${index + 1}`}
            onClick={() => form.removeListItem('cancel_on', index)}
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
          onClick={() => form.insertListItem('cancel_on', newCancelRule())}
        >
          Add cancel rule
        </Button>
      </Group>
    </Stack>
  );
}
