/** One email, ready to hand to a provider. */
export interface OutgoingEmail {
  /** Emivoy's message id: sent along (SendGrid `custom_args`) so a repeat can be recognised. */
  messageId: string;
  accountId: string;
  from: { email: string; name: string | null };
  replyTo: string | null;
  to: { email: string; name: string | null };
  subject: string;
  textBody: string | null;
  htmlBody: string | null;
  /** Extra headers, such as `List-Unsubscribe` and `List-Unsubscribe-Post`. */
  headers: Record<string, string>;
}

/**
 * Many emails with the same content in one provider call: each recipient gets their own
 * subject, headers and message id, and the substitutions that turn the shared bodies into
 * exactly the bodies rendered for them (see domain/shared-content.ts).
 */
export interface OutgoingBatch {
  accountId: string;
  from: OutgoingEmail['from'];
  replyTo: string | null;
  textBody: string | null;
  htmlBody: string | null;
  recipients: Array<{
    messageId: string;
    to: OutgoingEmail['to'];
    subject: string;
    headers: Record<string, string>;
    substitutions: Record<string, string>;
  }>;
}

/** What a provider said about one email. */
export type SendResult =
  | { outcome: 'accepted'; providerMessageId: string | null; status: 'sent' | 'captured' }
  /** Worth trying again later: rate limits, outages, network errors. */
  | { outcome: 'retry'; error: string; retryAfterMs?: number }
  /**
   * Trying again cannot help: the provider refused this email. `credentialsRejected` means
   * every later email will be refused too until someone fixes the settings (SendGrid 401).
   */
  | { outcome: 'rejected'; error: string; credentialsRejected?: boolean };

/** Whether the provider accepts these credentials, in words a person can act on. */
export interface VerifyResult {
  ok: boolean;
  detail: string;
}

/** Where messages go: the outbox, SendGrid or SMTP. */
export interface EmailProvider {
  readonly name: string;
  send(email: OutgoingEmail): Promise<SendResult>;
  /**
   * Sends a batch in one call, when the provider can (SendGrid: up to `maxBatch`
   * personalizations). The answer is for the whole batch.
   */
  sendBatch?(batch: OutgoingBatch): Promise<SendResult>;
  /** The most recipients one `sendBatch` call takes. */
  readonly maxBatch?: number;
  /** Checks the credentials without sending mail. */
  verify(): Promise<VerifyResult>;
  /** Releases connections (keep-alive pools, SMTP sessions). */
  close(): Promise<void>;
}
