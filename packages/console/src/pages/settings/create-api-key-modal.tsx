import {
  Alert,
  Button,
  Group,
  Modal,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/api';
import { CopyValue } from '../../components/copy-value';
import { ProblemAlert } from '../../components/problem-alert';
import { applyProblem, onlyFields } from '../../forms/apply-problem';

interface CreateApiKeyModalProps {
  opened: boolean;
  onClose: () => void;
}

/** Creates a key and shows its secret, once: closing the modal forgets it. */
export function CreateApiKeyModal({ opened, onClose }: CreateApiKeyModalProps) {
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<unknown>(null);
  const form = useForm({
    initialValues: { name: '', mode: 'live' as 'live' | 'test' },
    validate: { name: (value) => (value.trim() ? null : 'Name the key after where it is used') },
  });
  const create = useMutation({
    mutationFn: (values: typeof form.values) =>
      api.apiKeys.create({ name: values.name.trim(), mode: values.mode }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['api-keys'] }),
    onError: (error) => setProblem(applyProblem(form, error, onlyFields('name', 'mode'))),
  });

  const close = () => {
    create.reset();
    form.reset();
    setProblem(null);
    onClose();
  };
  const created = create.data;

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? 'Your new API key' : 'Create an API key'}
      centered
      size="lg"
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack>
          <Alert
            color="yellow"
            variant="light"
            icon={<IconAlertTriangle size={18} />}
            title="Copy it now"
          >
            This is the only time the secret is shown. Emivoy keeps only a hash of it; if you lose
            it, revoke it and create another.
          </Alert>
          <div data-testid="api-key-secret">
            <CopyValue value={created.key} label="Copy the API key" />
          </div>
          <Text size="sm" c="dimmed">
            Use it as <code>Authorization: Bearer {created.key.slice(0, 8)}…</code> in requests from
            your application.
          </Text>
          <Group justify="flex-end">
            <Button onClick={close}>I have copied it</Button>
          </Group>
        </Stack>
      ) : (
        <form
          noValidate
          onSubmit={form.onSubmit((values) => {
            setProblem(null);
            create.mutate(values);
          })}
        >
          <Stack>
            <TextInput
              label="Name"
              placeholder="Billing service (production)"
              required
              data-autofocus
              {...form.getInputProps('name')}
            />
            <div>
              <Text size="sm" fw={500} id="api-key-mode-label">
                Mode
              </Text>
              <Text size="xs" c="dimmed" mb={4}>
                Test keys run every policy, but their mail only goes to the outbox.
              </Text>
              <SegmentedControl
                aria-labelledby="api-key-mode-label"
                data={[
                  { value: 'live', label: 'Live' },
                  { value: 'test', label: 'Test' },
                ]}
                {...form.getInputProps('mode')}
              />
            </div>
            {problem ? <ProblemAlert error={problem} title="Could not create the key" /> : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
