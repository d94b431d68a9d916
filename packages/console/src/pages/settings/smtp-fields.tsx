import { Group, NumberInput, PasswordInput, Stack, Switch, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { ProviderFormValues } from './provider-form-values';

export function SmtpFields({
  form,
  passwordSet,
}: {
  form: UseFormReturnType<ProviderFormValues>;
  passwordSet: boolean;
}) {
  return (
    <Stack>
      <Group grow align="flex-start">
        <TextInput
          label="SMTP host"
          placeholder="smtp.example.com"
          required
          {...form.getInputProps('smtp.host')}
        />
        <NumberInput
          label="Port"
          min={1}
          max={65535}
          required
          maw={140}
          {...form.getInputProps('smtp.port')}
        />
      </Group>
      <Group grow align="flex-start">
        <TextInput label="Username" autoComplete="off" {...form.getInputProps('smtp.username')} />
        <PasswordInput
          label="Password"
          autoComplete="new-password"
          placeholder={passwordSet ? '•••••••• (set; leave blank to keep)' : undefined}
          {...form.getInputProps('smtp.password')}
        />
      </Group>
      <Group>
        <Switch
          label="TLS from the start (port 465)"
          {...form.getInputProps('smtp.secure', { type: 'checkbox' })}
        />
        <Switch
          label="Require STARTTLS"
          {...form.getInputProps('smtp.require_tls', { type: 'checkbox' })}
        />
      </Group>
    </Stack>
  );
}
