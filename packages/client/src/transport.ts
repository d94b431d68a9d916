import { ConnectionError, EmivoyError, errorFromResponse, TimeoutError } from './errors.js';
import { parseRetryAfter, retryDelayMs, shouldRetry } from './retry.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What the transport needs of the client's options, all resolved. */
export interface TransportConfig {
  apiKey: string;
  /** The server's origin and base path, without the trailing `/api/v1`. */
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
  fetch: typeof globalThis.fetch;
}

/** One call: identical on every attempt, the `Idempotency-Key` included. */
export interface HttpRequest {
  method: HttpMethod;
  /** The path under the server's base URL, parameters already filled in and escaped. */
  path: string;
  query?: Record<string, unknown> | undefined;
  body?: unknown;
  idempotencyKey?: string | undefined;
  /**
   * Whether sending the request twice cannot do the work twice. By default: anything but a
   * POST, or a POST with an `Idempotency-Key`.
   */
  replaySafe?: boolean | undefined;
}

/**
 * Errors whose request certainly never reached the server: nothing was connected, so a
 * retry cannot repeat any work. Any other failure may have happened after the server read
 * the request. Node's fetch reports these as `cause.code`; browsers say nothing, so there
 * every broken connection counts as possibly sent.
 */
const notSentCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Sends requests with the key, a timeout per attempt, and retries per retry.ts. */
export class Transport {
  constructor(private readonly config: TransportConfig) {}

  /** The parsed JSON of the first successful answer (undefined for 204), or the last error. */
  async send(request: HttpRequest): Promise<unknown> {
    const replaySafe =
      request.replaySafe ?? (request.method !== 'POST' || request.idempotencyKey !== undefined);
    const url = this.urlOf(request);
    const init = this.initOf(request);

    for (let retry = 0; ; retry++) {
      try {
        return await this.attempt(url, init);
      } catch (error) {
        if (!(error instanceof EmivoyError)) throw error;
        if (retry >= this.config.maxRetries || !shouldRetry(error, replaySafe)) throw error;
        await sleep(retryDelayMs(retry, error.retryAfter));
      }
    }
  }

  private urlOf(request: HttpRequest): string {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined && value !== null) query.append(name, String(value));
    }
    const search = query.toString() === '' ? '' : `?${query}`;
    return `${this.config.baseUrl}${request.path}${search}`;
  }

  private initOf(request: HttpRequest): RequestInit {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.config.apiKey}`,
      Accept: 'application/json',
    };
    if (request.idempotencyKey !== undefined) headers['Idempotency-Key'] = request.idempotencyKey;
    if (request.body === undefined) return { method: request.method, headers };

    headers['Content-Type'] = 'application/json';
    return { method: request.method, headers, body: JSON.stringify(request.body) };
  }

  /** One exchange: the timeout covers the answer's body too, not only its headers. */
  private async attempt(url: string, init: RequestInit): Promise<unknown> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.config.timeoutMs);

    // Called unbound: a browser's fetch throws "Illegal invocation" as a method of another object.
    const { fetch } = this.config;
    try {
      const response = await fetch(url, { ...init, signal: controller.signal });
      const text = await response.text();
      if (!response.ok) {
        const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
        throw errorFromResponse(response.status, text, response.headers, retryAfter);
      }
      return parseJson(text, response);
    } catch (error) {
      if (error instanceof EmivoyError) throw error;
      throw connectionError(error, timedOut, this.config.timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }
}

function connectionError(error: unknown, timedOut: boolean, timeoutMs: number): ConnectionError {
  if (timedOut) {
    return new TimeoutError(`No answer within ${timeoutMs} ms`, { sent: true, cause: error });
  }
  const code = errorCodeIn(error);
  const sent = code === undefined || !notSentCodes.has(code);
  const reason = code ?? innermostMessage(error);
  const stage = sent ? 'after the request may have been sent' : 'before the request was sent';
  return new ConnectionError(`Connection failed ${stage}: ${reason}`, { sent, cause: error });
}

/** The system error code (`ECONNREFUSED`) somewhere in an error's chain of causes. */
function errorCodeIn(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || !error || typeof error !== 'object') return undefined;

  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  // Node tries each address of a host in turn and reports an AggregateError of them all.
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const innerCode = errorCodeIn(inner, depth + 1);
      if (innerCode !== undefined) return innerCode;
    }
  }
  return errorCodeIn(cause, depth + 1);
}

/** The message of the deepest cause: Node's fetch says only "fetch failed" on top. */
function innermostMessage(error: unknown): string {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause; depth++) {
    current = current.cause;
  }
  return current instanceof Error ? current.message : String(current);
}

function parseJson(text: string, response: Response): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EmivoyError('The server answered with something that is not JSON', {
      status: response.status,
      requestId: response.headers.get('Request-Id') ?? undefined,
      cause: error,
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
