import { Button, Group, Select, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import { messageStatuses } from '../../api/types';
import { messageStatusLabels } from '../../components/message-status-badge';

export interface MessageFilterValues {
  status: string;
  to: string;
  entity_id: string;
  event_id: string;
}

export const emptyMessageFilters: MessageFilterValues = {
  status: '',
  to: '',
  entity_id: '',
  event_id: '',
};

const statusOptions = messageStatuses.map((status) => ({
  value: status,
  label: messageStatusLabels[status],
}));

export function MessagesFilters({
  value,
  onChange,
}: {
  value: MessageFilterValues;
  onChange: (value: MessageFilterValues) => void;
}) {
  const form = useForm({ initialValues: value });
  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the URL when it changes
  useEffect(() => form.setValues(value), [JSON.stringify(value)]);

  return (
    <form onSubmit={form.onSubmit(onChange)}>
      <Group align="flex-end" gap="sm">
        <Select
          label="Status"
          placeholder="Any status"
          data={statusOptions}
          clearable
          w={200}
          {...form.getInputProps('status')}
          value={form.values.status || null}
          onChange={(status) => {
            form.setFieldValue('status', status ?? '');
            onChange({ ...form.values, status: status ?? '' });
          }}
        />
        <TextInput label="Recipient" placeholder="jane@acme.com" {...form.getInputProps('to')} />
        <TextInput label="Entity id" placeholder="acct_123" {...form.getInputProps('entity_id')} />
        <TextInput label="Event id" placeholder="evt_…" {...form.getInputProps('event_id')} />
        <Button type="submit" variant="light">
          Filter
        </Button>
        <Button variant="subtle" color="gray" onClick={() => onChange(emptyMessageFilters)}>
          Clear
        </Button>
      </Group>
    </form>
  );
}
