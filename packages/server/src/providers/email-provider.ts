/** One email, ready to hand to a provider. */
export interface OutgoingEmail {
  messageId: string;
  accountId: string;
  to: { email: string; name: string | null };
  subject: string;
  textBody: string | null;
  htmlBody: string | null;
}

/** What a provider said about one email. */
export type SendResult =
  | { outcome: 'accepted'; providerMessageId: string | null; status: 'sent' | 'captured' }
  /** Worth trying again later: rate limits, outages, network errors. */
  | { outcome: 'retry'; error: string; retryAfterMs?: number }
  /** Trying again cannot help: the provider refused this email. */
  | { outcome: 'rejected'; error: string };

/** Where messages go: the outbox, SendGrid or SMTP. */
export interface EmailProvider {
  readonly name: string;
  send(email: OutgoingEmail): Promise<SendResult>;
}
