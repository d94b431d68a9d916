import { Type } from '@sinclair/typebox';
import type { ProviderSettingsRow, SmtpSettings } from '../../store/provider-settings-store.js';
import { isoTime, Timestamp } from './common.js';

const Provider = Type.Union([
  Type.Literal('outbox'),
  Type.Literal('sendgrid'),
  Type.Literal('smtp'),
]);
const NullableText = Type.Union([Type.String(), Type.Null()]);
const Email = Type.String({ format: 'email', maxLength: 320 });

const SmtpSettingsSchema = Type.Object({
  host: Type.String(),
  port: Type.Integer(),
  secure: Type.Boolean({ description: 'Implicit TLS (port 465); otherwise STARTTLS when offered' }),
  require_tls: Type.Boolean({ description: 'Refuse to send unless STARTTLS succeeds' }),
  username: NullableText,
});

export const EmailProviderSettings = Type.Object(
  {
    object: Type.Literal('email_provider_settings'),
    provider: Provider,
    from_email: NullableText,
    from_name: NullableText,
    reply_to: NullableText,
    unsubscribe_mailto: Type.Union([Type.String(), Type.Null()], {
      description: 'Also offered in List-Unsubscribe as a mailto: link',
    }),
    smtp: Type.Union([SmtpSettingsSchema, Type.Null()]),
    api_key_set: Type.Boolean({
      description: 'Secrets are write-only: only whether one is stored',
    }),
    smtp_password_set: Type.Boolean(),
    webhook_verification_key: NullableText,
    webhook_url: Type.String({ description: "Paste into SendGrid's Event Webhook settings" }),
    status: Type.Union([Type.Literal('active'), Type.Literal('needs_attention')]),
    status_detail: NullableText,
    updated_at: Type.Union([Timestamp, Type.Null()]),
  },
  { title: 'EmailProviderSettings' },
);

export const EmailProviderSettingsInput = Type.Object(
  {
    provider: Provider,
    from_email: Type.Optional(Email),
    from_name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    reply_to: Type.Optional(Type.Union([Email, Type.Null()])),
    unsubscribe_mailto: Type.Optional(Type.Union([Email, Type.Null()])),
    api_key: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 500,
        description: 'SendGrid API key; omit to keep the stored one',
      }),
    ),
    smtp: Type.Optional(
      Type.Object(
        {
          host: Type.String({ minLength: 1, maxLength: 255 }),
          port: Type.Integer({ minimum: 1, maximum: 65535 }),
          secure: Type.Optional(Type.Boolean()),
          require_tls: Type.Optional(Type.Boolean()),
          username: Type.Optional(Type.Union([Type.String({ maxLength: 320 }), Type.Null()])),
          password: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 500,
              description: 'Omit to keep the stored one',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    webhook_verification_key: Type.Optional(
      Type.Union([Type.String({ maxLength: 2000 }), Type.Null()], {
        description: "SendGrid's Event Webhook verification key (base64), as SendGrid shows it",
      }),
    ),
  },
  { additionalProperties: false },
);

export const EmailProviderVerification = Type.Object(
  {
    object: Type.Literal('email_provider_verification'),
    provider: Provider,
    ok: Type.Boolean(),
    detail: Type.String(),
  },
  { title: 'EmailProviderVerification' },
);

export function presentProviderSettings(
  row: ProviderSettingsRow | undefined,
  accountId: string,
  secretsSet: { apiKey: boolean; smtpPassword: boolean },
  publicUrl: string,
) {
  return {
    object: 'email_provider_settings' as const,
    provider: row?.provider ?? ('outbox' as const),
    from_email: row?.from_email ?? null,
    from_name: row?.from_name ?? null,
    reply_to: row?.reply_to ?? null,
    unsubscribe_mailto: row?.unsubscribe_mailto ?? null,
    smtp: row?.smtp ? (JSON.parse(row.smtp) as SmtpSettings) : null,
    api_key_set: secretsSet.apiKey,
    smtp_password_set: secretsSet.smtpPassword,
    webhook_verification_key: row?.webhook_verification_key ?? null,
    webhook_url: `${publicUrl}/webhooks/sendgrid/${accountId}`,
    status: row?.status ?? ('active' as const),
    status_detail: row?.status_detail ?? null,
    updated_at: row ? isoTime(row.updated_at) : null,
  };
}
