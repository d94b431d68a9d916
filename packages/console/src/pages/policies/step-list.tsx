import { Button, Group, Stack, Text } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconClockPlus, IconMailPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/api';
import { newStep, type PolicyFormValues } from './policy-form-values';
import { StepCard } from './step-card';

/** The policy's steps, in order, with buttons to add an email or a wait at the end. */
export function StepList({ form }: { form: UseFormReturnType<PolicyFormValues> }) {
  const templates = useQuery({
    queryKey: ['templates', 'list', 'options'],
    queryFn: () => api.templates.list({ limit: 100 }),
  });
  const options = templates.data?.data.map((t) => ({ value: t.template_id, label: t.name })) ?? [];
  const { steps } = form.values;

  return (
    <Stack gap="xs">
      <Stack gap="xs" component="ol" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {steps.map((step, index) => (
          <StepCard
            key={step.key}
            form={form}
            index={index}
            count={steps.length}
            templates={options}
          />
        ))}
      </Stack>
      {form.errors.steps && (
        <Text size="sm" c="red" role="alert">
          {form.errors.steps}
        </Text>
      )}
      <Group gap="xs">
        <Button
          variant="light"
          size="xs"
          leftSection={<IconMailPlus size={16} />}
          onClick={() => form.insertListItem('steps', newStep('send_email'))}
        >
          Add email
        </Button>
        <Button
          variant="light"
          color="yellow"
          size="xs"
          leftSection={<IconClockPlus size={16} />}
          onClick={() => form.insertListItem('steps', newStep('wait'))}
        >
          Add wait
        </Button>
      </Group>
    </Stack>
  );
}
