import { Button, Group, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/api';
import { describeError, isApiProblem } from '../../api/api-problem';
import { validators } from '../../forms/validators';

/** Adds an address to the suppression list by hand. */
export function AddSuppressionForm() {
  const queryClient = useQueryClient();
  const form = useForm({ initialValues: { email: '' }, validate: { email: validators.email } });
  const add = useMutation({
    mutationFn: (email: string) => api.suppressions.add({ email }),
    onSuccess: (added) => {
      form.reset();
      void queryClient.invalidateQueries({ queryKey: ['suppressions'] });
      notifications.show({ color: 'teal', message: `${added.email} will not be mailed` });
    },
    onError: (error) => {
      const message = isApiProblem(error)
        ? (error.fieldMessage('email') ?? error.detail)
        : describeError(error);
      form.setFieldError('email', message);
    },
  });

  return (
    <form noValidate onSubmit={form.onSubmit((values) => add.mutate(values.email.trim()))}>
      <Group align="flex-start" gap="xs">
        <TextInput
          aria-label="Address to suppress"
          placeholder="someone@example.com"
          w={260}
          {...form.getInputProps('email')}
        />
        <Button type="submit" variant="default" loading={add.isPending}>
          Suppress
        </Button>
      </Group>
    </form>
  );
}
