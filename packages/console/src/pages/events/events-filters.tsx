import { Button, Group, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';

export interface EventFilterValues {
  event_type: string;
  entity_id: string;
  created_after: string;
  created_before: string;
}

interface EventsFiltersProps {
  value: EventFilterValues;
  onChange: (value: EventFilterValues) => void;
}

/** Narrows the event log by type, entity and time; applied on submit. */
export function EventsFilters({ value, onChange }: EventsFiltersProps) {
  const form = useForm({ initialValues: value });
  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the URL when it changes
  useEffect(() => form.setValues(value), [JSON.stringify(value)]);

  return (
    <form onSubmit={form.onSubmit(onChange)}>
      <Group align="flex-end" gap="sm">
        <TextInput
          label="Event type"
          placeholder="invoice.overdue"
          {...form.getInputProps('event_type')}
        />
        <TextInput label="Entity id" placeholder="acct_123" {...form.getInputProps('entity_id')} />
        <TextInput label="After" type="datetime-local" {...form.getInputProps('created_after')} />
        <TextInput label="Before" type="datetime-local" {...form.getInputProps('created_before')} />
        <Button type="submit" variant="light">
          Filter
        </Button>
        <Button
          variant="subtle"
          color="gray"
          onClick={() =>
            onChange({ event_type: '', entity_id: '', created_after: '', created_before: '' })
          }
        >
          Clear
        </Button>
      </Group>
    </form>
  );
}
