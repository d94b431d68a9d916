import {
  Alert,
  Button,
  Divider,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconDeviceFloppy } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/api';
import type { EmailProviderSettings, ProviderKind } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { applyProblem } from '../../forms/apply-problem';
import { validators } from '../../forms/validators';
import { fromSettings, type ProviderFormValues, toProviderInput } from './provider-form-values';
import { ProviderVerify } from './provider-verify';
import { SendgridFields } from './sendgrid-fields';
import { SmtpFields } from './smtp-fields';

const formPaths = new Set([
  'provider',
  'from_email',
  'from_name',
  'reply_to',
  'unsubscribe_mailto',
  'api_key',
  'webhook_verification_key',
  'smtp.host',
  'smtp.port',
  'smtp.username',
  'smtp.password',
]);

export function EmailProviderForm({ settings }: { settings: EmailProviderSettings }) {
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<unknown>(null);
  const form = useForm<ProviderFormValues>({
    initialValues: fromSettings(settings),
    validate: {
      from_email: (value, values) =>
        values.provider === 'outbox' ? null : validators.email(value),
      reply_to: (value, values) =>
        values.provider === 'outbox' ? null : validators.optionalEmail(value),
      unsubscribe_mailto: (value, values) =>
        values.provider === 'outbox' ? null : validators.optionalEmail(value),
      api_key: (value, values) =>
        values.provider === 'sendgrid' && !settings.api_key_set && !value.trim()
          ? 'Paste your SendGrid API key'
          : null,
      smtp: {
        host: (value, values) =>
          values.provider === 'smtp' && !value.trim() ? 'The SMTP server’s host name' : null,
        port: (value, values) =>
          values.provider === 'smtp' && !(Number(value) >= 1 && Number(value) <= 65535)
            ? 'A port from 1 to 65535'
            : null,
      },
    },
  });
  const save = useMutation({
    mutationFn: (values: ProviderFormValues) => api.emailProvider.put(toProviderInput(values)),
    onSuccess: (saved) => {
      queryClient.setQueryData(['email-provider'], saved);
      form.setValues(fromSettings(saved));
      form.resetDirty(fromSettings(saved));
      notifications.show({ color: 'teal', message: 'Email provider settings saved' });
    },
    onError: (error) =>
      setProblem(
        applyProblem(form, error, (field) =>
          formPaths.has(field) ? field : field === 'smtp' ? 'smtp.host' : null,
        ),
      ),
  });
  const { provider } = form.values;

  return (
    <Paper withBorder radius="md" p="md" maw={760}>
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          setProblem(null);
          save.mutate(values);
        })}
      >
        <Stack>
          <Group justify="space-between">
            <Title order={3} size="h5">
              Email provider
            </Title>
            {settings.status === 'needs_attention' && (
              <Text size="sm" c="red">
                Needs attention
              </Text>
            )}
          </Group>
          {settings.status === 'needs_attention' && settings.status_detail && (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />}>
              {settings.status_detail}
            </Alert>
          )}
          <SegmentedControl
            aria-label="Provider"
            value={provider}
            onChange={(value) => form.setFieldValue('provider', value as ProviderKind)}
            data={[
              { value: 'outbox', label: 'Outbox only' },
              { value: 'sendgrid', label: 'SendGrid' },
              { value: 'smtp', label: 'SMTP' },
            ]}
          />
          {provider === 'outbox' ? (
            <Text size="sm" c="dimmed">
              The outbox captures every message without sending it: you see the rendered mail under
              Messages, and nobody receives it. Choose SendGrid or SMTP to send live mail.
            </Text>
          ) : (
            <>
              <Group grow align="flex-start">
                <TextInput
                  label="From email"
                  placeholder="billing@yourcompany.com"
                  required
                  {...form.getInputProps('from_email')}
                />
                <TextInput
                  label="From name"
                  placeholder="Acme Billing"
                  {...form.getInputProps('from_name')}
                />
              </Group>
              <Group grow align="flex-start">
                <TextInput
                  label="Reply-to"
                  placeholder="support@yourcompany.com"
                  {...form.getInputProps('reply_to')}
                />
                <TextInput
                  label="Unsubscribe mailto"
                  description="Optional address for List-Unsubscribe"
                  {...form.getInputProps('unsubscribe_mailto')}
                />
              </Group>
              <Divider />
              {provider === 'sendgrid' ? (
                <SendgridFields
                  form={form}
                  apiKeySet={settings.api_key_set}
                  webhookUrl={settings.webhook_url}
                />
              ) : (
                <SmtpFields form={form} passwordSet={settings.smtp_password_set} />
              )}
            </>
          )}
          {problem ? <ProblemAlert error={problem} title="Could not save the settings" /> : null}
          <Group justify="flex-end">
            <Button
              type="submit"
              loading={save.isPending}
              leftSection={<IconDeviceFloppy size={16} />}
            >
              Save
            </Button>
          </Group>
          {settings.provider !== 'outbox' && (
            <>
              <Divider />
              <ProviderVerify disabled={form.isDirty()} />
            </>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
