import type { Dialect } from '../../packages/server/src/store/open-database.js';
import { runEmivoy } from '../../packages/server/test/harness/spawn-emivoy.js';
import {
  createTestDatabase,
  type TestDatabase,
} from '../../packages/server/test/harness/test-database.js';
import { emivoyEnvironment } from './processes.js';

export type { Dialect };

/** A fresh, migrated database for one suite: a SQLite directory or a PostgreSQL database. */
export async function createBenchDatabase(
  dialect: Dialect,
  postgresUrl: string,
): Promise<TestDatabase> {
  // The harness creates PostgreSQL databases on the server this variable names.
  process.env.EMIVOY_TEST_DATABASE_URL = postgresUrl;
  return createTestDatabase(dialect);
}

export interface BenchAccount {
  accountId: string;
  liveKey: string;
}

/** An account and live key made the documented way: `emivoy accounts create --json`. */
export async function createBenchAccount(database: TestDatabase): Promise<BenchAccount> {
  const result = await runEmivoy(
    ['accounts', 'create', '--name', 'Bench Co', '--json'],
    emivoyEnvironment(database),
  );
  if (result.code !== 0) throw new Error(`accounts create failed:\n${result.stderr}`);
  const created = JSON.parse(result.stdout) as {
    account: { account_id: string };
    api_key: { key: string };
  };
  return { accountId: created.account.account_id, liveKey: created.api_key.key };
}

export const eventType = 'invoice.overdue';
export const role = 'billing_contact';

export function entityId(index: number): string {
  return `acct_${index}`;
}

/** The n-th event of a run of the bench, spread over `entities` entities. */
export function eventBody(sequence: number, entities: number): string {
  return JSON.stringify({
    event_type: eventType,
    entity_id: entityId(sequence % entities),
    data: { invoice_id: `INV-${sequence}`, amount: 1200, days_overdue: 7, n: sequence },
  });
}

export interface ScenarioOptions {
  entities: number;
  /** Policy steps after the template is known. */
  steps: (templateId: string) => unknown[];
}

/**
 * A template, `entities` entities each with one billing contact, and one policy on
 * `invoice.overdue`: what a customer sets up before posting events.
 */
export async function createScenario(
  api: ApiClient,
  options: ScenarioOptions,
): Promise<{ templateId: string; policyId: string }> {
  const template = await api.create('/templates', {
    name: 'Overdue invoice',
    subject: 'Invoice {{invoice_id}} is {{days_overdue}} days overdue (#{{n}})',
    text_body:
      'Hi {{contact_name}}, invoice #{{invoice_id}} for ${{amount}} is {{days_overdue}} days ' +
      'overdue. Please pay it at your earliest convenience.\n\n{{entity_name}} billing',
    html_body:
      '<p>Hi {{contact_name}},</p><p>invoice <b>#{{invoice_id}}</b> for ${{amount}} is ' +
      '{{days_overdue}} days overdue.</p><p>{{entity_name}} billing</p>',
  });
  const indexes = Array.from({ length: options.entities }, (_, index) => index);
  await inParallel(indexes, 8, async (index) => {
    await api.create('/entities', {
      external_id: entityId(index),
      entity_type: 'account',
      name: `Customer ${index}`,
    });
    await api.create('/contacts', {
      entity_id: entityId(index),
      role,
      email: `billing-${index}@customer.example`,
      name: `Jane Smith ${index}`,
    });
  });
  const policy = await api.create('/policies', {
    name: 'Overdue invoice reminder',
    event_type: eventType,
    recipients: { roles: [role] },
    steps: options.steps(template.template_id),
  });
  return { templateId: template.template_id, policyId: policy.policy_id };
}

/** Points the account's live mail at SendGrid; the server's EMIVOY_SENDGRID_API_URL says where. */
export async function useSendgrid(api: ApiClient, apiKey: string): Promise<void> {
  await api.call('PUT', '/settings/email-provider', {
    provider: 'sendgrid',
    api_key: apiKey,
    from_email: 'billing@bench.example',
    from_name: 'Bench Co billing',
  });
}

export interface ApiClient {
  /** A call that must succeed (2xx); returns the parsed body. */
  call(method: string, path: string, body?: unknown): Promise<any>;
  create(path: string, body: unknown): Promise<any>;
}

/** JSON over HTTP to /api/v1 of a running server, with one key. */
export function benchApi(url: string, key: string): ApiClient {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (response.status >= 300) {
      throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    }
    return text ? JSON.parse(text) : null;
  };
  return { call, create: (path, body) => call('POST', path, body) };
}

/** Runs `work` on every item, `concurrency` at a time. */
export async function inParallel<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
