import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/api';
import { ProblemAlert } from '../components/problem-alert';
import { applyProblem, onlyFields } from '../forms/apply-problem';

interface CreateAccountModalProps {
  opened: boolean;
  onClose: () => void;
  /** Called with the new account's id, to switch to it. */
  onCreated: (accountId: string) => void | Promise<void>;
}

/** The id in whatever shape the answer has: an account, or `{account: …}`. */
function accountIdOf(answer: unknown): string | null {
  if (!answer || typeof answer !== 'object') return null;
  const record = answer as { account_id?: unknown; account?: { account_id?: unknown } };
  const id = record.account_id ?? record.account?.account_id;
  return typeof id === 'string' ? id : null;
}

export function CreateAccountModal({ opened, onClose, onCreated }: CreateAccountModalProps) {
  const [problem, setProblem] = useState<unknown>(null);
  const form = useForm({
    initialValues: { name: '' },
    validate: { name: (value) => (value.trim() ? null : 'Give the account a name') },
  });
  const create = useMutation({
    mutationFn: (name: string) => api.auth.createAccount(name),
    onSuccess: async (answer) => {
      const id = accountIdOf(answer);
      form.reset();
      onClose();
      if (id) await onCreated(id);
    },
    onError: (error) => setProblem(applyProblem(form, error, onlyFields('name'))),
  });

  return (
    <Modal opened={opened} onClose={onClose} title="New account" centered>
      <form
        onSubmit={form.onSubmit((values) => {
          setProblem(null);
          create.mutate(values.name.trim());
        })}
      >
        <Stack>
          <TextInput
            label="Account name"
            description="A separate world: its own entities, policies, keys and provider."
            placeholder="Acme Corp"
            data-autofocus
            {...form.getInputProps('name')}
          />
          {problem ? <ProblemAlert error={problem} title="Could not create the account" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create account
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
