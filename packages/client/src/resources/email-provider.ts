import { type PostOptions, Resource } from '../resource.js';
import type {
  EmailProviderSettings,
  EmailProviderUpdateParams,
  EmailProviderVerification,
} from '../types.js';

/** Where the account's mail goes: `sendgrid`, `smtp`, or the built-in `outbox`. */
export class EmailProvider extends Resource {
  /** The settings; secrets are write-only, so only `api_key_set` and `smtp_password_set`. */
  get(): Promise<EmailProviderSettings> {
    return this.call('get', '/api/v1/settings/email-provider');
  }

  /** Sets the provider; a secret left out (`api_key`, `smtp.password`) keeps the stored one. */
  update(body: EmailProviderUpdateParams): Promise<EmailProviderSettings> {
    return this.call('put', '/api/v1/settings/email-provider', { body });
  }

  /**
   * Checks the stored credentials with the provider, sending no mail. With the outbox there
   * is nothing to check: ConflictError `provider_not_configured`.
   */
  verify(options: PostOptions = {}): Promise<EmailProviderVerification> {
    const { idempotencyKey } = options;
    // Checking changes nothing worth guarding, so the POST is safe to send again.
    return this.call('post', '/api/v1/settings/email-provider/verify', {
      idempotencyKey,
      replaySafe: true,
    });
  }
}
