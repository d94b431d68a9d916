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
}

export interface AccountsTable {
  id: string;
  name: string;
  /** Null: the server's default plan. -1: unlimited (set by an operator). */
  monthly_event_limit: number | null;
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
