import { ApiKeys } from './resources/api-keys.js';
import { Contacts } from './resources/contacts.js';
import { EmailProvider } from './resources/email-provider.js';
import { Entities } from './resources/entities.js';
import { Events } from './resources/events.js';
import { Messages } from './resources/messages.js';
import { Policies } from './resources/policies.js';
import { Runs } from './resources/runs.js';
import { Suppressions } from './resources/suppressions.js';
import { Templates } from './resources/templates.js';
import { Usage } from './resources/usage.js';
import { Transport } from './transport.js';

export interface EmivoyOptions {
  /** An `em_live_…` or `em_test_…` key. */
  apiKey: string;
  /** The server, such as `https://emivoy.example.com` (`/api/v1` is added). */
  baseUrl?: string;
  /** How long one attempt may take, answer included, in milliseconds. */
  timeoutMs?: number;
  /**
   * Retries after the first attempt for failures worth retrying: 429 `rate_limited`, 5xx and
   * broken connections, with exponential back-off and jitter that honours `Retry-After`. A
   * POST is retried after it may have reached the server only if it carries an
   * `Idempotency-Key`; `events.create` always does. `0` turns retries off.
   */
  maxRetries?: number;
  /** The fetch to use: a test double, or a fetch with a proxy agent. */
  fetch?: typeof globalThis.fetch;
}

/**
 * A client for one Emivoy account, authenticated by one API key. Fields are snake_case,
 * exactly as the API sends them: the types are the API's own, generated from its OpenAPI
 * document.
 *
 * @example
 * const emivoy = new Emivoy({ apiKey: process.env.EMIVOY_API_KEY! });
 * await emivoy.events.create({
 *   event_type: 'invoice.overdue',
 *   entity_id: 'acct_123',
 *   data: { invoice_id: 'INV-1042', amount: 1200, days_overdue: 7 },
 * });
 */
export class Emivoy {
  readonly entities: Entities;
  readonly contacts: Contacts;
  readonly templates: Templates;
  readonly policies: Policies;
  readonly events: Events;
  readonly runs: Runs;
  readonly messages: Messages;
  readonly suppressions: Suppressions;
  readonly apiKeys: ApiKeys;
  readonly emailProvider: EmailProvider;
  readonly usage: Usage;
  /** The server's base URL, without `/api/v1`. */
  readonly baseUrl: string;

  constructor(options: EmivoyOptions) {
    const {
      apiKey,
      baseUrl = 'http://localhost:8080',
      timeoutMs = 30_000,
      maxRetries = 2,
      fetch = globalThis.fetch,
    } = options;
    if (!apiKey) throw new TypeError('apiKey is required: an em_live_… or em_test_… key');
    if (!/^https?:\/\//.test(baseUrl)) {
      throw new TypeError(`baseUrl must start with http:// or https://, got "${baseUrl}"`);
    }
    if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new RangeError(`maxRetries must be a whole number ≥ 0, got ${maxRetries}`);
    }
    if (typeof fetch !== 'function') {
      throw new TypeError('No fetch here: pass one as the fetch option (Node 20+ has one)');
    }

    this.baseUrl = baseUrl.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
    const transport = new Transport({
      apiKey,
      baseUrl: this.baseUrl,
      timeoutMs,
      maxRetries,
      fetch,
    });
    this.entities = new Entities(transport);
    this.contacts = new Contacts(transport);
    this.templates = new Templates(transport);
    this.policies = new Policies(transport);
    this.events = new Events(transport);
    this.runs = new Runs(transport);
    this.messages = new Messages(transport);
    this.suppressions = new Suppressions(transport);
    this.apiKeys = new ApiKeys(transport);
    this.emailProvider = new EmailProvider(transport);
    this.usage = new Usage(transport);
  }
}
