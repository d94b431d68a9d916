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
  /** Checks the credentials without sending mail. */
  verify(): Promise<VerifyResult>;
  /** Releases connections (keep-alive pools, SMTP sessions). */
  close(): Promise<void>;
}
