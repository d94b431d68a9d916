import { Agent, type Dispatcher, request } from 'undici';
import type {
  EmailProvider,
  OutgoingBatch,
  OutgoingEmail,
  SendResult,
  VerifyResult,
} from './email-provider.js';

/** How long a call to SendGrid may take, step by step, before it counts as a network error. */
export interface SendgridTimeouts {
  connectMs: number;
  /** From the request being written to the response's status line and headers. */
  headersMs: number;
  /** Between two chunks of the response body. */
  bodyMs: number;
}

export const defaultSendgridTimeouts: SendgridTimeouts = {
  connectMs: 10_000,
  headersMs: 30_000,
  bodyMs: 30_000,
};

export interface SendgridProviderOptions {
  /** The API's base URL without a trailing slash: `https://api.sendgrid.com`. */
  apiUrl: string;
  apiKey: string;
  /**
   * A dispatcher to use instead of the provider's own keep-alive agent, for example one agent
   * shared by every account's provider. Its owner closes it: `close()` leaves it open.
   */
  dispatcher?: Dispatcher;
  timeouts?: Partial<SendgridTimeouts>;
  /** The clock that `Retry-After` dates and `X-RateLimit-Reset` are measured against. */
  now?: () => number;
}

/**
 * A keep-alive agent for SendGrid. Sockets stay open between messages, so a burst of sends
 * does not pay a TCP and TLS handshake each; `connections` bounds how many one burst opens.
 */
export function createSendgridAgent(timeouts = defaultSendgridTimeouts): Agent {
  return new Agent({
    connect: { timeout: timeouts.connectMs },
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
    connections: 16,
  });
}

/**
 * Delivers through the customer's own SendGrid account (v3 Mail Send). Every failure becomes a
 * `SendResult`; nothing is thrown, and the API key never appears in an error or a detail.
 */
export function createSendgridProvider(options: SendgridProviderOptions): EmailProvider {
  const apiUrl = checkedApiUrl(options.apiUrl);
  const timeouts = { ...defaultSendgridTimeouts, ...options.timeouts };
  const dispatcher = options.dispatcher ?? createSendgridAgent(timeouts);
  let closeOwnAgent = options.dispatcher === undefined;
  const now = options.now ?? Date.now;
  const redact = redactor(options.apiKey);

  const call = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    request(`${apiUrl}${path}`, {
      method,
      dispatcher,
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      // Given per request too, so that they also hold on a dispatcher passed in.
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
    });

  return {
    name: 'sendgrid',

    async send(email) {
      try {
        const response = await call('POST', '/v3/mail/send', mailSendBody(email));
        return redactResult(await sendResultOf(response, now()), redact);
      } catch (error) {
        // POST is not idempotent, so undici never retries it itself: the engine decides.
        const reason = describeNetworkError(error);
        return {
          outcome: 'retry',
          error: redact(`Could not complete the call to SendGrid: ${reason}`),
        };
      }
    },

    maxBatch: 1_000,

    async sendBatch(batch) {
      try {
        const response = await call('POST', '/v3/mail/send', mailSendBatchBody(batch));
        return redactResult(await sendResultOf(response, now()), redact);
      } catch (error) {
        const reason = describeNetworkError(error);
        return {
          outcome: 'retry',
          error: redact(`Could not complete the call to SendGrid: ${reason}`),
        };
      }
    },

    async verify() {
      try {
        const response = await call('GET', '/v3/scopes');
        return redactVerify(await verifyResultOf(response), redact);
      } catch (error) {
        const reason = describeNetworkError(error);
        return {
          ok: false,
          detail: redact(`Emivoy could not reach SendGrid at ${apiUrl}: ${reason}`),
        };
      }
    },

    async close() {
      if (!closeOwnAgent) return;
      closeOwnAgent = false;
      await dispatcher.close();
    },
  };
}

function checkedApiUrl(apiUrl: string): string {
  const parsed = URL.canParse(apiUrl) ? new URL(apiUrl) : null;
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new Error(`The SendGrid API URL "${apiUrl}" is not an http(s) URL.`);
  }
  return apiUrl.replace(/\/+$/, '');
}

/** The Mail Send request for one email, in the shape SendGrid's OpenAPI description gives. */
function mailSendBody(email: OutgoingEmail): Record<string, unknown> {
  return {
    personalizations: [
      {
        to: [address(email.to)],
        // Per personalization, so that webhook events carry them back for this one recipient.
        custom_args: { emivoy_message_id: email.messageId, emivoy_account_id: email.accountId },
      },
    ],
    from: address(email.from),
    ...(email.replyTo ? { reply_to: { email: email.replyTo } } : {}),
    subject: email.subject,
    content: contentOf(email),
    ...(Object.keys(email.headers).length > 0 ? { headers: email.headers } : {}),
  };
}

/**
 * One Mail Send request for a batch: a personalization per recipient with their own subject,
 * headers, message id and the substitutions that make the shared content theirs.
 */
function mailSendBatchBody(batch: OutgoingBatch): Record<string, unknown> {
  return {
    personalizations: batch.recipients.map((recipient) => ({
      to: [address(recipient.to)],
      subject: recipient.subject,
      ...(Object.keys(recipient.headers).length > 0 ? { headers: recipient.headers } : {}),
      ...(Object.keys(recipient.substitutions).length > 0
        ? { substitutions: recipient.substitutions }
        : {}),
      custom_args: {
        emivoy_message_id: recipient.messageId,
        emivoy_account_id: batch.accountId,
      },
    })),
    from: address(batch.from),
    ...(batch.replyTo ? { reply_to: { email: batch.replyTo } } : {}),
    content: contentOf(batch),
  };
}

type SendgridAddress = { email: string; name?: string };

function address(party: OutgoingEmail['to']): SendgridAddress {
  return party.name ? { email: party.email, name: party.name } : { email: party.email };
}

/** SendGrid refuses text/html before text/plain, and empty values: only the parts present. */
function contentOf(
  email: Pick<OutgoingEmail, 'textBody' | 'htmlBody'>,
): { type: string; value: string }[] {
  const parts: { type: string; value: string }[] = [];
  if (email.textBody) parts.push({ type: 'text/plain', value: email.textBody });
  if (email.htmlBody) parts.push({ type: 'text/html', value: email.htmlBody });
  return parts;
}

type SendgridResponse = Dispatcher.ResponseData;

async function sendResultOf(response: SendgridResponse, now: number): Promise<SendResult> {
  const { statusCode: status, headers } = response;
  if (status >= 200 && status < 300) {
    // Read to the end, or the socket cannot be reused for the next message.
    await response.body.dump();
    return {
      outcome: 'accepted',
      providerMessageId: header(headers, 'x-message-id') ?? null,
      status: 'sent',
    };
  }

  const reason = errorText(status, await response.body.text());
  if (status === 429) {
    const error = `SendGrid's rate limit was reached: ${reason}`;
    const waitMs = retryAfterMs(headers, now);
    return waitMs === undefined
      ? { outcome: 'retry', error }
      : { outcome: 'retry', error, retryAfterMs: waitMs };
  }
  if (status >= 500) {
    return { outcome: 'retry', error: `SendGrid answered with a server error: ${reason}` };
  }
  if (status === 401) {
    const error = `SendGrid refused the API key: ${reason}. Update it in the provider settings.`;
    return { outcome: 'rejected', error, credentialsRejected: true };
  }
  return { outcome: 'rejected', error: `SendGrid refused the message: ${reason}` };
}

async function verifyResultOf(response: SendgridResponse): Promise<VerifyResult> {
  const status = response.statusCode;
  const text = await response.body.text();
  if (status === 401 || status === 403) {
    return { ok: false, detail: `SendGrid refused this API key: ${errorText(status, text)}.` };
  }
  if (status !== 200) {
    const reason = errorText(status, text);
    return {
      ok: false,
      detail: `SendGrid could not check this API key (${reason}); try again later.`,
    };
  }
  if (!scopesOf(text).includes('mail.send')) {
    return {
      ok: false,
      detail:
        'SendGrid accepts this API key, but it lacks the mail.send scope: give it "Mail Send" ' +
        'access under Settings → API Keys in SendGrid.',
    };
  }
  return { ok: true, detail: 'SendGrid accepts this API key, and it has the mail.send scope.' };
}

function scopesOf(text: string): string[] {
  const parsed = parseJson(text) as { scopes?: unknown } | undefined;
  const scopes = parsed?.scopes;
  return Array.isArray(scopes) ? scopes.filter((scope) => typeof scope === 'string') : [];
}

/**
 * SendGrid's own words for a refusal: each `errors[].message`, with the field it names, joined.
 * A body that is not SendGrid's JSON (a proxy's page) is cut short rather than quoted whole.
 */
function errorText(status: number, text: string): string {
  const parsed = parseJson(text) as { errors?: unknown } | undefined;
  const errors = Array.isArray(parsed?.errors) ? parsed.errors : [];
  const messages = errors.map(errorLine).filter((line) => line !== '');
  if (messages.length > 0) return `${messages.join('; ')} (HTTP ${status})`;

  const snippet = text.trim().replace(/\s+/g, ' ').slice(0, 200);
  return snippet ? `HTTP ${status}: ${snippet}` : `HTTP ${status}`;
}

function errorLine(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const { message, field } = error as { message?: unknown; field?: unknown };
  if (typeof message !== 'string') return '';
  return typeof field === 'string' && field !== '' ? `${message} (field ${field})` : message;
}

/**
 * How long SendGrid asks us to wait: `Retry-After` (seconds or an HTTP date), else
 * `X-RateLimit-Reset`, the epoch second at which its rate limit window starts again.
 */
function retryAfterMs(headers: SendgridResponse['headers'], now: number): number | undefined {
  const retryAfter = header(headers, 'retry-after')?.trim();
  if (retryAfter && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const date = retryAfter ? Date.parse(retryAfter) : Number.NaN;
  if (!Number.isNaN(date)) return Math.max(0, date - now);

  const reset = header(headers, 'x-ratelimit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
  return undefined;
}

function header(headers: SendgridResponse['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Undici's errors carry a code (`UND_ERR_HEADERS_TIMEOUT`, `ECONNREFUSED`) worth keeping. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  // Node reports a refused dual-stack connect as an AggregateError with an empty message.
  const message = error.message || (typeof code === 'string' ? code : error.name);
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The key must never reach a log or a stored error, even if something echoes it back. */
function redactor(apiKey: string): (text: string) => string {
  return (text) => (apiKey ? text.replaceAll(apiKey, '[redacted API key]') : text);
}

function redactResult(result: SendResult, redact: (text: string) => string): SendResult {
  return result.outcome === 'accepted' ? result : { ...result, error: redact(result.error) };
}

function redactVerify(result: VerifyResult, redact: (text: string) => string): VerifyResult {
  return { ...result, detail: redact(result.detail) };
}
