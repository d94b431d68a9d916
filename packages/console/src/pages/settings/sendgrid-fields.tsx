import { PasswordInput, Stack, Text, Textarea } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { CopyValue } from '../../components/copy-value';
import type { ProviderFormValues } from './provider-form-values';

interface SendgridFieldsProps {
  form: UseFormReturnType<ProviderFormValues>;
  apiKeySet: boolean;
  webhookUrl: string;
}

export function SendgridFields({ form, apiKeySet, webhookUrl }: SendgridFieldsProps) {
  return (
    <Stack>
      <PasswordInput
        label="SendGrid API key"
        description={
          apiKeySet
            ? 'A key is set. It is never shown again; type a new one only to replace it.'
            : 'Create one in SendGrid under Settings → API Keys, with the Mail Send permission.'
        }
        placeholder={apiKeySet ? '•••••••• (set; leave blank to keep)' : 'SG.…'}
        autoComplete="off"
        required={!apiKeySet}
        {...form.getInputProps('api_key')}
      />
      <div>
        <Text size="sm" fw={500}>
          Event Webhook URL
        </Text>
        <Text size="xs" c="dimmed" mb={4}>
          Paste it in SendGrid under Settings → Mail Settings → Event Webhook, turn on the signed
          webhook, and paste its verification key below. Deliveries, bounces, opens and clicks then
          update your messages.
        </Text>
        <CopyValue value={webhookUrl} label="Copy the webhook URL" />
      </div>
      <Textarea
        label="Webhook verification key"
        description="SendGrid's public key for the signed Event Webhook (base64)"
        placeholder="MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE…"
        autosize
        minRows={2}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        {...form.getInputProps('webhook_verification_key')}
      />
    </Stack>
  );
}
