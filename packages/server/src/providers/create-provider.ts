import type { Config } from '../config.js';
import type { ProviderSettings } from '../store/provider-settings-store.js';
import type { EmailProvider } from './email-provider.js';
import { outboxProvider } from './outbox-provider.js';
import { createSendgridProvider } from './sendgrid-provider.js';
import { createSmtpProvider } from './smtp-provider.js';

/** The provider an account's settings describe, with its credentials. */
export function createProvider(settings: ProviderSettings, config: Config): EmailProvider {
  if (settings.provider === 'sendgrid') {
    return createSendgridProvider({
      apiUrl: config.sendgridApiUrl,
      apiKey: settings.secrets.api_key ?? '',
    });
  }
  if (settings.provider === 'smtp' && settings.smtp) {
    return createSmtpProvider({
      host: settings.smtp.host,
      port: settings.smtp.port,
      secure: settings.smtp.secure,
      requireTls: settings.smtp.require_tls,
      ...(settings.smtp.username ? { username: settings.smtp.username } : {}),
      ...(settings.secrets.smtp_password ? { password: settings.secrets.smtp_password } : {}),
    });
  }
  return outboxProvider;
}
