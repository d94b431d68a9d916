import {
  Button,
  Divider,
  Group,
  Paper,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconDeviceFloppy } from '@tabler/icons-react';
import { useState } from 'react';
import type { PolicyInput } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { applyProblem } from '../../forms/apply-problem';
import { validators } from '../../forms/validators';
import { CancelRulesEditor } from './cancel-rules-editor';
import { ConditionsEditor } from './conditions-editor';
import { type PolicyFormValues, policyFormPath, toPolicyInput } from './policy-form-values';
import { StepList } from './step-list';

interface PolicyFormProps {
  initialValues: PolicyFormValues;
  submitLabel: string;
  /** Saves the policy; throws the API's problem when it is refused. */
  onSave: (input: PolicyInput) => Promise<unknown>;
  onDirtyChange?: (dirty: boolean) => void;
}

const indexOf = (path: string) => Number(path.split('.')[1]);

export function PolicyForm({ initialValues, submitLabel, onSave, onDirtyChange }: PolicyFormProps) {
  const [problem, setProblem] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const form = useForm<PolicyFormValues>({
    initialValues,
    onValuesChange: () => onDirtyChange?.(true),
    validate: {
      name: validators.required('A name'),
      event_type: validators.eventType,
      steps: {
        template_id: (value, values, path) =>
          values.steps[indexOf(path)]?.type === 'send_email' && !value
            ? 'Choose the template to send'
            : null,
        duration: (value, values, path) =>
          values.steps[indexOf(path)]?.type === 'wait' ? validators.duration(value) : null,
      },
      conditions: { field: validators.required('The data key') },
      cancel_on: { event_type: validators.eventType },
    },
  });

  const submit = form.onSubmit(async (values) => {
    setProblem(null);
    setSaving(true);
    try {
      await onSave(toPolicyInput(values));
      form.resetDirty();
      onDirtyChange?.(false);
    } catch (error) {
      setProblem(applyProblem(form, error, policyFormPath));
    } finally {
      setSaving(false);
    }
  });

  return (
    <Paper withBorder radius="md" p="md" component="form" onSubmit={submit} noValidate>
      <Stack>
        <Group grow align="flex-start">
          <TextInput
            label="Name"
            placeholder="Invoice Overdue Notifications"
            required
            {...form.getInputProps('name')}
          />
          <TextInput
            label="Event type"
            description="The event that starts a run"
            placeholder="invoice.overdue"
            required
            {...form.getInputProps('event_type')}
          />
        </Group>
        <TagsInput
          label="Recipients"
          description={
            'Roles that email steps send to unless they name their own; ' +
            'empty means every contact of the entity'
          }
          placeholder={form.values.roles.length ? undefined : 'billing_contact'}
          {...form.getInputProps('roles')}
        />
        <Switch
          label="Enabled"
          description="A disabled policy starts no new runs; running ones carry on"
          {...form.getInputProps('enabled', { type: 'checkbox' })}
        />
        <Divider />
        <div>
          <Title order={3} size="h5">
            Steps
          </Title>
          <Text size="xs" c="dimmed" mb="xs">
            Run in order. A wait pauses the run; the next step runs when it wakes.
          </Text>
          <StepList form={form} />
        </div>
        <Divider />
        <div>
          <Title order={3} size="h5" mb="xs">
            Conditions
          </Title>
          <ConditionsEditor form={form} />
        </div>
        <Divider />
        <div>
          <Title order={3} size="h5" mb="xs">
            Cancel on
          </Title>
          <CancelRulesEditor form={form} />
        </div>
        {problem ? <ProblemAlert error={problem} title="Could not save the policy" /> : null}
        <Group justify="flex-end">
          <Button type="submit" loading={saving} leftSection={<IconDeviceFloppy size={16} />}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
