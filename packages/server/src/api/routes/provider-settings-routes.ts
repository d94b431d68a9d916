import { createPublicKey } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type { FieldError } from '../../domain/field-error.js';
import { SecretKeyMismatchError } from '../../domain/secret-box.js';
import { createProvider } from '../../providers/create-provider.js';
import {
  findProviderSettingsRow,
  openProviderSettings,
  type ProviderSettings,
  type ProviderSettingsInput,
  saveProviderSettings,
} from '../../store/provider-settings-store.js';
import { type App, callerOf } from '../app-context.js';
import { ApiError } from '../problem.js';
import { errorResponses } from '../schemas/common.js';
import {
  EmailProviderSettings,
  EmailProviderSettingsInput,
  EmailProviderVerification,
  presentProviderSettings,
} from '../schemas/provider-settings-schemas.js';

const tags = ['settings'];
type Input = Static<typeof EmailProviderSettingsInput>;

/** Whether text is SendGrid's Event Webhook key: an EC P-256 public key, base64 DER. */
function isVerificationKey(text: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    return false;
  }
}

/** The settings to store: the request, with secrets it leaves out kept from `current`. */
function mergeInput(
  accountId: string,
  body: Input,
  current: ProviderSettings | null,
): ProviderSettingsInput {
  const keep = current?.provider === body.provider ? current : null;
  const smtp = body.smtp
    ? {
        host: body.smtp.host,
        port: body.smtp.port,
        secure: body.smtp.secure ?? body.smtp.port === 465,
        require_tls: body.smtp.require_tls ?? false,
        username: body.smtp.username ?? null,
      }
    : (keep?.smtp ?? null);
  const secrets = {
    ...(body.provider === 'sendgrid' ? { api_key: body.api_key ?? keep?.secrets.api_key } : {}),
    ...(body.provider === 'smtp'
      ? { smtp_password: body.smtp?.password ?? keep?.secrets.smtp_password }
      : {}),
  };
  return {
    account_id: accountId,
    provider: body.provider,
    from_email: body.from_email?.toLowerCase() ?? keep?.from_email ?? null,
    from_name: body.from_name !== undefined ? body.from_name : (keep?.from_name ?? null),
    reply_to: body.reply_to !== undefined ? body.reply_to : (keep?.reply_to ?? null),
    unsubscribe_mailto:
      body.unsubscribe_mailto !== undefined
        ? body.unsubscribe_mailto
        : (keep?.unsubscribe_mailto ?? null),
    smtp: body.provider === 'smtp' ? smtp : null,
    secrets,
    webhook_verification_key:
      body.webhook_verification_key !== undefined
        ? body.webhook_verification_key
        : (current?.webhook_verification_key ?? null),
  };
}

function validate(settings: ProviderSettingsInput): FieldError[] {
  const errors: FieldError[] = [];
  if (settings.provider !== 'outbox' && !settings.from_email) {
    errors.push({ field: 'from_email', message: `is required to send with ${settings.provider}` });
  }
  if (settings.provider === 'sendgrid' && !settings.secrets.api_key) {
    errors.push({ field: 'api_key', message: 'is required to send with SendGrid' });
  }
  if (settings.provider === 'smtp' && !settings.smtp) {
    errors.push({ field: 'smtp', message: 'host and port are required to send with SMTP' });
  }
  const key = settings.webhook_verification_key;
  if (key && !isVerificationKey(key)) {
    errors.push({
      field: 'webhook_verification_key',
      message: "must be SendGrid's verification key: an EC P-256 public key in base64",
    });
  }
  return errors;
}

export async function providerSettingsRoutes(app: App): Promise<void> {
  const { db } = app.services.database;
  const { masterKey, config } = app.services;

  /** The stored settings with secrets opened, or null; a wrong server key is a clear 500. */
  async function current(accountId: string): Promise<ProviderSettings | null> {
    const row = await findProviderSettingsRow(db, accountId);
    if (!row) return null;
    try {
      return openProviderSettings(masterKey, row);
    } catch (error) {
      if (error instanceof SecretKeyMismatchError)
        throw new ApiError('secret_key_mismatch', error.message);
      throw error;
    }
  }

  async function present(accountId: string) {
    const row = await findProviderSettingsRow(db, accountId);
    const settings = await current(accountId);
    const secretsSet = {
      apiKey: !!settings?.secrets.api_key,
      smtpPassword: !!settings?.secrets.smtp_password,
    };
    return presentProviderSettings(row, accountId, secretsSet, config.publicUrl);
  }

  app.get(
    '/settings/email-provider',
    {
      schema: {
        operationId: 'getEmailProvider',
        tags,
        summary: 'Get the email provider settings (secrets are never returned)',
        response: { 200: EmailProviderSettings, ...errorResponses },
      },
    },
    async (request) => present(callerOf(request).accountId),
  );

  app.put(
    '/settings/email-provider',
    {
      schema: {
        operationId: 'updateEmailProvider',
        tags,
        summary: 'Set the email provider: sendgrid, smtp, or outbox',
        body: EmailProviderSettingsInput,
        response: { 200: EmailProviderSettings, ...errorResponses },
      },
    },
    async (request) => {
      const { accountId } = callerOf(request);
      const settings = mergeInput(accountId, request.body, await current(accountId));
      const errors = validate(settings);
      if (errors.length > 0) throw ApiError.validation(errors);

      await saveProviderSettings(db, masterKey, settings, app.services.now());
      request.log.info({ accountId, provider: settings.provider }, 'email provider settings saved');
      return present(accountId);
    },
  );

  app.post(
    '/settings/email-provider/verify',
    {
      schema: {
        operationId: 'verifyEmailProvider',
        tags,
        summary: 'Check the stored credentials with the provider, without sending mail',
        response: { 200: EmailProviderVerification, ...errorResponses },
      },
    },
    async (request) => {
      const { accountId } = callerOf(request);
      const settings = await current(accountId);
      if (!settings || settings.provider === 'outbox') {
        throw new ApiError(
          'provider_not_configured',
          'Set up SendGrid or SMTP first: the outbox has nothing to verify',
        );
      }
      const provider = createProvider(settings, config);
      try {
        const result = await provider.verify();
        if (result.ok && settings.status === 'needs_attention') {
          await db
            .updateTable('provider_settings')
            .set({ status: 'active', status_detail: null })
            .where('account_id', '=', accountId)
            .where('updated_at', '=', settings.updated_at)
            .execute();
        }
        return {
          object: 'email_provider_verification' as const,
          provider: settings.provider,
          ...result,
        };
      } finally {
        await provider.close();
      }
    },
  );
}
