/**
 * The tables of both databases. Times are integer milliseconds since the epoch and JSON is
 * stored as text, so that SQLite and PostgreSQL hold the same values in the same columns.
 * Booleans are 0/1 integers for the same reason.
 */
export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  entities: EntitiesTable;
  contacts: ContactsTable;
  templates: TemplatesTable;
  policies: PoliciesTable;
  policy_versions: PolicyVersionsTable;
  events: EventsTable;
  usage_counters: UsageCountersTable;
  idempotency_keys: IdempotencyKeysTable;
  runs: RunsTable;
  run_log: RunLogTable;
  messages: MessagesTable;
  message_status_history: MessageStatusHistoryTable;
  suppressions: SuppressionsTable;
  provider_settings: ProviderSettingsTable;
  webhook_events: WebhookEventsTable;
  emivoy_meta: EmivoyMetaTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
}

export interface AccountsTable {
  id: string;
  name: string;
  /** Null: the server's default plan. -1: unlimited (set by an operator). */
  monthly_event_limit: number | null;
  /** The Clerk organisation this account stands for, if it was made from one. */
  clerk_org_id: string | null;
  created_at: number;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  name: string;
  mode: 'live' | 'test';
  /** Hex SHA-256 of the whole secret; the secret itself is never stored. */
  key_hash: string;
  /** The last four characters, so a person can tell keys apart. */
  key_last4: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface EntitiesTable {
  /** Internal, time-sortable: pages are ordered by it. Never shown. */
  id: string;
  account_id: string;
  external_id: string;
  entity_type: string;
  name: string | null;
  attributes: string;
  created_at: number;
  updated_at: number;
}

export interface ContactsTable {
  id: string;
  account_id: string;
  entity_id: string;
  role: string;
  email: string;
  name: string | null;
  attributes: string;
  created_at: number;
  updated_at: number;
}

export interface TemplatesTable {
  id: string;
  account_id: string;
  name: string;
  subject: string;
  text_body: string | null;
  html_body: string | null;
  created_at: number;
  updated_at: number;
}

export interface PoliciesTable {
  id: string;
  account_id: string;
  name: string;
  event_type: string;
  enabled: number;
  version: number;
  /** JSON of the current PolicyDefinition (steps, conditions, recipients, cancel_on). */
  definition: string;
  created_at: number;
  updated_at: number;
}

/** Every version a policy ever had, so a run can keep the one it started with. */
export interface PolicyVersionsTable {
  policy_id: string;
  version: number;
  account_id: string;
  definition: string;
  created_at: number;
}

export interface EventsTable {
  id: string;
  account_id: string;
  event_type: string;
  entity_id: string;
  data: string;
  livemode: number;
  created_at: number;
}

export interface UsageCountersTable {
  account_id: string;
  /** Calendar month in UTC, `2026-12`. */
  period: string;
  events: number;
}

export interface IdempotencyKeysTable {
  account_id: string;
  key: string;
  /** SHA-256 of method, path and body: the same key with another request is refused. */
  request_hash: string;
  /** Null while the first request is still being answered. */
  response_status: number | null;
  response_body: string | null;
  created_at: number;
}

/**
 * `scheduled` and `waiting` runs are active: due when `wake_at` has passed. `step_index` is
 * the next step to execute. A lease (`lease_owner` until `lease_until`) marks a run a worker
 * is executing; an expired lease means that worker died and another may take the run.
 */
export type RunStatus = 'scheduled' | 'waiting' | 'completed' | 'cancelled' | 'failed';

export interface RunsTable {
  id: string;
  account_id: string;
  policy_id: string;
  policy_version: number;
  event_id: string;
  entity_id: string;
  livemode: number;
  status: RunStatus;
  step_index: number;
  wake_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  attempts: number;
  last_error: string | null;
  cancelled_by_event_id: string | null;
  created_at: number;
  updated_at: number;
  ended_at: number | null;
}

/** What happened to a run, step by step: the answer to "why was nothing sent?". */
export interface RunLogTable {
  id: string;
  run_id: string;
  account_id: string;
  step_index: number | null;
  kind: string;
  /** JSON: recipients queued or skipped with the reason, the wake-up time, the error. */
  detail: string;
  at: number;
}

/**
 * `queued` messages are due for delivery at `next_attempt_at`. `captured` means the outbox
 * kept it (test mode, or no provider configured): nothing left the server.
 */
export type MessageStatus =
  | 'queued'
  | 'captured'
  | 'sent'
  | 'delivered'
  | 'failed'
  | 'bounced'
  | 'opened'
  | 'clicked'
  | 'spam_reported'
  | 'unsubscribed';

export interface MessagesTable {
  id: string;
  account_id: string;
  run_id: string;
  step_index: number;
  event_id: string;
  entity_id: string;
  contact_id: string | null;
  template_id: string;
  livemode: number;
  provider: string;
  to_email: string;
  to_name: string | null;
  subject: string;
  text_body: string | null;
  html_body: string | null;
  status: MessageStatus;
  attempts: number;
  next_attempt_at: number | null;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  provider_message_id: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

export interface MessageStatusHistoryTable {
  id: string;
  message_id: string;
  status: string;
  detail: string | null;
  at: number;
}

export type SuppressionReason = 'bounce' | 'invalid' | 'spam_report' | 'unsubscribe' | 'manual';

/** An address of an account that must not be mailed again, and why. */
export interface SuppressionsTable {
  account_id: string;
  email: string;
  reason: SuppressionReason;
  detail: string | null;
  /** The message whose bounce, complaint or unsubscribe added it, if any. */
  message_id: string | null;
  created_at: number;
}

export type ProviderName = 'outbox' | 'sendgrid' | 'smtp';

/** An account's email provider. `secrets` is AES-256-GCM ciphertext, never plain text. */
export interface ProviderSettingsTable {
  account_id: string;
  provider: ProviderName;
  from_email: string | null;
  from_name: string | null;
  reply_to: string | null;
  unsubscribe_mailto: string | null;
  /** JSON: host, port, secure, require_tls, username (the password is in `secrets`). */
  smtp: string | null;
  secrets: string | null;
  /** SendGrid's Event Webhook public key, base64 DER, as SendGrid shows it. */
  webhook_verification_key: string | null;
  /** `needs_attention` after the provider refused the credentials themselves. */
  status: 'active' | 'needs_attention';
  status_detail: string | null;
  updated_at: number;
}

/** Provider webhook events already applied: SendGrid retries and may resend a batch. */
export interface WebhookEventsTable {
  account_id: string;
  event_key: string;
  received_at: number;
}

export interface EmivoyMetaTable {
  key: string;
  value: string;
}

/** A person who signs in to the console. */
export interface UsersTable {
  id: string;
  /** Lower-case. Null for a Clerk user whose token carried no address still free here. */
  email: string | null;
  name: string | null;
  /** `scrypt$N$r$p$salt$hash` (base64); null for users who only sign in through Clerk. */
  password_hash: string | null;
  clerk_user_id: string | null;
  created_at: number;
}

export type MemberRole = 'owner' | 'member';

/** Who may act on which account; owners may also remove members. */
export interface MembershipsTable {
  user_id: string;
  account_id: string;
  role: MemberRole;
  created_at: number;
}

/** A console sign-in. The cookie holds a secret; `id` is its SHA-256, never the secret. */
export interface SessionsTable {
  id: string;
  user_id: string;
  current_account_id: string;
  /** Sent back in `X-CSRF-Token` on every cookie-authenticated write. */
  csrf_token: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
}
