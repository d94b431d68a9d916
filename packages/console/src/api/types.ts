/** The API's resources, as GET /openapi.json describes them. Times are ISO 8601 strings. */

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

export interface Entity {
  entity_id: string;
  external_id: string;
  entity_type: string;
  name: string | null;
  attributes: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface Contact {
  contact_id: string;
  entity_id: string;
  role: string;
  email: string;
  name: string | null;
  attributes: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface Template {
  template_id: string;
  name: string;
  subject: string;
  text_body: string | null;
  html_body: string | null;
  created_at: string;
  updated_at: string;
}

export interface TemplatePreview {
  template_id: string;
  subject: string;
  text_body: string | null;
  html_body: string | null;
}

export type SendEmailStep = { type: 'send_email'; template_id: string; to_roles?: string[] };
export type WaitStep = { type: 'wait'; duration: string };
export type PolicyStep = SendEmailStep | WaitStep;

export const conditionOps = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'exists',
  'contains',
] as const;
export type ConditionOp = (typeof conditionOps)[number];

export interface PolicyCondition {
  field: string;
  op: ConditionOp;
  value?: unknown;
}

export interface CancelRule {
  event_type: string;
  match?: string[];
}

export interface PolicyInput {
  name: string;
  event_type: string;
  enabled: boolean;
  steps: PolicyStep[];
  conditions: PolicyCondition[];
  recipients: { roles: string[] } | null;
  cancel_on: CancelRule[];
}

export interface Policy extends PolicyInput {
  policy_id: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ApiEvent {
  event_id: string;
  event_type: string;
  entity_id: string;
  data: Record<string, unknown>;
  livemode: boolean;
  created_at: string;
}

export type RunStatus = 'scheduled' | 'waiting' | 'completed' | 'cancelled' | 'failed';

export interface RunLogEntry {
  kind: string;
  step_index: number | null;
  at: string;
  detail: Record<string, unknown>;
}

export interface Run {
  run_id: string;
  policy_id: string;
  policy_version: number;
  event_id: string;
  entity_id: string;
  livemode: boolean;
  status: RunStatus;
  step_index: number;
  wake_at: string | null;
  attempts: number;
  last_error: string | null;
  cancelled_by_event_id: string | null;
  created_at: string;
  updated_at: string;
  ended_at: string | null;
  log?: RunLogEntry[];
}

export const messageStatuses = [
  'queued',
  'captured',
  'sent',
  'delivered',
  'failed',
  'bounced',
  'opened',
  'clicked',
  'spam_reported',
  'unsubscribed',
] as const;
export type MessageStatus = (typeof messageStatuses)[number];

export interface Message {
  message_id: string;
  run_id: string;
  event_id: string;
  entity_id: string;
  contact_id: string | null;
  template_id: string;
  step_index: number;
  livemode: boolean;
  provider: string;
  to: { email: string; name: string | null };
  subject: string;
  status: MessageStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  provider_message_id: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  text_body?: string | null;
  html_body?: string | null;
  status_history?: Array<{ status: string; at: string; detail: string | null }>;
}

export interface EventDetail extends ApiEvent {
  runs: Run[];
  messages: Message[];
}

export interface RunReference {
  run_id: string;
  policy_id: string;
  policy_version: number;
}

export interface AcceptedEvent extends ApiEvent {
  runs_started: RunReference[];
  runs_cancelled: RunReference[];
}

export interface DryRunEmail {
  to: { email: string; name: string | null };
  contact_id: string;
  role: string;
  subject: string;
  text_body: string | null;
  html_body: string | null;
}

export interface DryRunStep {
  step_index: number;
  type: 'send_email' | 'wait';
  at: string;
  duration?: string;
  wakes_at?: string;
  template_id?: string;
  emails?: DryRunEmail[];
  skipped?: Array<{ reason?: string; message?: string; role?: string; email?: string }>;
  error?: string;
}

export interface DryRunResult {
  event_type: string;
  entity_id: string;
  data: Record<string, unknown>;
  livemode: boolean;
  matched_policies: Array<{
    policy_id: string;
    name: string;
    policy_version: number;
    steps: DryRunStep[];
  }>;
  runs_cancelled: RunReference[];
}

export interface TimelineItem {
  at: string;
  kind: string;
  event_id?: string;
  run_id?: string;
  message_id?: string;
  step_index?: number | null;
  detail: Record<string, unknown>;
}

export interface Timeline extends Page<TimelineItem> {
  entity_id: string;
}

export interface Suppression {
  email: string;
  reason: 'bounce' | 'invalid' | 'spam_report' | 'unsubscribe' | 'manual';
  detail: string | null;
  message_id: string | null;
  created_at: string;
}

export type ProviderKind = 'outbox' | 'sendgrid' | 'smtp';

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  require_tls: boolean;
  username: string | null;
}

export interface EmailProviderSettings {
  provider: ProviderKind;
  from_email: string | null;
  from_name: string | null;
  reply_to: string | null;
  unsubscribe_mailto: string | null;
  smtp: SmtpSettings | null;
  api_key_set: boolean;
  smtp_password_set: boolean;
  webhook_verification_key: string | null;
  webhook_url: string;
  status: 'active' | 'needs_attention';
  status_detail: string | null;
  updated_at: string | null;
}

export interface EmailProviderInput {
  provider: ProviderKind;
  from_email?: string;
  from_name?: string | null;
  reply_to?: string | null;
  unsubscribe_mailto?: string | null;
  api_key?: string;
  smtp?: Omit<SmtpSettings, 'username'> & { username: string | null; password?: string };
  webhook_verification_key?: string | null;
}

export interface ProviderVerification {
  provider: ProviderKind;
  ok: boolean;
  detail: string;
}

export interface ApiKey {
  api_key_id: string;
  name: string;
  mode: 'live' | 'test';
  key_hint: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CreatedApiKey extends ApiKey {
  /** The secret: answered once, never again. */
  key: string;
}

export interface Usage {
  period: string;
  period_start: string;
  period_end: string;
  events: number;
  limit: number | null;
  remaining: number | null;
}

export interface SessionUser {
  user_id: string;
  email: string;
  name: string | null;
}

export interface AccountMembership {
  account_id: string;
  name: string;
  role: 'owner' | 'member';
}

export interface Session {
  user: SessionUser;
  accounts: AccountMembership[];
  current_account_id: string;
  csrf_token: string;
  expires_at?: string;
}

export interface Member {
  user_id: string;
  /** Null for a Clerk user whose token carried no address. */
  email: string | null;
  name: string | null;
  role: 'owner' | 'member';
  created_at: string;
}
