import type { Kysely, Selectable } from 'kysely';
import { openSecret, sealSecret } from '../domain/secret-box.js';
import type { Database, ProviderName, ProviderSettingsTable } from './database.js';

export type ProviderSettingsRow = Selectable<ProviderSettingsTable>;

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  require_tls: boolean;
  username: string | null;
}

/** The write-only parts, sealed together in `secrets`. */
export interface ProviderSecrets {
  api_key?: string;
  smtp_password?: string;
}

/** Settings as the engine uses them: secrets opened, SMTP parsed. */
export interface ProviderSettings {
  account_id: string;
  provider: ProviderName;
  from_email: string | null;
  from_name: string | null;
  reply_to: string | null;
  unsubscribe_mailto: string | null;
  smtp: SmtpSettings | null;
  secrets: ProviderSecrets;
  webhook_verification_key: string | null;
  status: 'active' | 'needs_attention';
  status_detail: string | null;
  updated_at: number;
}

export async function findProviderSettingsRow(
  db: Kysely<Database>,
  accountId: string,
): Promise<ProviderSettingsRow | undefined> {
  return db
    .selectFrom('provider_settings')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

/** The settings of several accounts in one query, in no particular order. */
export async function findProviderSettingsRows(
  db: Kysely<Database>,
  accountIds: string[],
): Promise<ProviderSettingsRow[]> {
  if (accountIds.length === 0) return [];
  return db
    .selectFrom('provider_settings')
    .selectAll()
    .where('account_id', 'in', accountIds)
    .execute();
}

/** The account's settings with secrets opened; throws SecretKeyMismatchError on a wrong key. */
export function openProviderSettings(key: Buffer, row: ProviderSettingsRow): ProviderSettings {
  return {
    ...row,
    smtp: row.smtp ? (JSON.parse(row.smtp) as SmtpSettings) : null,
    secrets: row.secrets
      ? (JSON.parse(openSecret(key, row.account_id, row.secrets)) as ProviderSecrets)
      : {},
  };
}

export type ProviderSettingsInput = Omit<
  ProviderSettings,
  'status' | 'status_detail' | 'updated_at'
>;

/** Replaces the account's settings; a PUT clears any "needs attention" flag. */
export async function saveProviderSettings(
  db: Kysely<Database>,
  key: Buffer,
  input: ProviderSettingsInput,
  now: number,
): Promise<ProviderSettingsRow> {
  const hasSecrets = Object.values(input.secrets).some((value) => value !== undefined);
  const row: ProviderSettingsRow = {
    account_id: input.account_id,
    provider: input.provider,
    from_email: input.from_email,
    from_name: input.from_name,
    reply_to: input.reply_to,
    unsubscribe_mailto: input.unsubscribe_mailto,
    smtp: input.smtp ? JSON.stringify(input.smtp) : null,
    secrets: hasSecrets ? sealSecret(key, input.account_id, JSON.stringify(input.secrets)) : null,
    webhook_verification_key: input.webhook_verification_key,
    status: 'active',
    status_detail: null,
    updated_at: now,
  };
  const { account_id: _accountId, ...changes } = row;
  await db
    .insertInto('provider_settings')
    .values(row)
    .onConflict((oc) => oc.column('account_id').doUpdateSet(changes))
    .execute();
  return row;
}

/** The provider refused the credentials: deliveries pause until someone saves new ones. */
export async function markNeedsAttention(
  db: Kysely<Database>,
  accountId: string,
  detail: string,
  settingsVersion: number,
): Promise<void> {
  await db
    .updateTable('provider_settings')
    .set({ status: 'needs_attention', status_detail: detail })
    .where('account_id', '=', accountId)
    // Settings saved since the refused attempt are new credentials: leave them alone.
    .where('updated_at', '=', settingsVersion)
    .execute();
}
