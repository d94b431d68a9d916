import type { EmailProviderInput, EmailProviderSettings, ProviderKind } from '../../api/types';

export interface ProviderFormValues {
  provider: ProviderKind;
  from_email: string;
  from_name: string;
  reply_to: string;
  unsubscribe_mailto: string;
  /** Write-only: blank keeps the key already stored. */
  api_key: string;
  webhook_verification_key: string;
  smtp: {
    host: string;
    port: number | string;
    secure: boolean;
    require_tls: boolean;
    username: string;
    /** Write-only: blank keeps the password already stored. */
    password: string;
  };
}

export function fromSettings(settings: EmailProviderSettings): ProviderFormValues {
  return {
    provider: settings.provider,
    from_email: settings.from_email ?? '',
    from_name: settings.from_name ?? '',
    reply_to: settings.reply_to ?? '',
    unsubscribe_mailto: settings.unsubscribe_mailto ?? '',
    api_key: '',
    webhook_verification_key: settings.webhook_verification_key ?? '',
    smtp: {
      host: settings.smtp?.host ?? '',
      port: settings.smtp?.port ?? 587,
      secure: settings.smtp?.secure ?? false,
      require_tls: settings.smtp?.require_tls ?? true,
      username: settings.smtp?.username ?? '',
      password: '',
    },
  };
}

const orNull = (text: string) => text.trim() || null;

/** The PUT body: only the chosen provider's fields; blank secrets are left out, so kept. */
export function toProviderInput(values: ProviderFormValues): EmailProviderInput {
  if (values.provider === 'outbox') return { provider: 'outbox' };
  const common = {
    provider: values.provider,
    from_email: values.from_email.trim(),
    from_name: orNull(values.from_name),
    reply_to: orNull(values.reply_to),
    unsubscribe_mailto: orNull(values.unsubscribe_mailto),
  };
  if (values.provider === 'sendgrid') {
    return {
      ...common,
      ...(values.api_key.trim() ? { api_key: values.api_key.trim() } : {}),
      webhook_verification_key: orNull(values.webhook_verification_key),
    };
  }
  const { smtp } = values;
  return {
    ...common,
    smtp: {
      host: smtp.host.trim(),
      port: Number(smtp.port),
      secure: smtp.secure,
      require_tls: smtp.require_tls,
      username: orNull(smtp.username),
      ...(smtp.password ? { password: smtp.password } : {}),
    },
  };
}
