import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * A stand-in for SendGrid's v3 API on 127.0.0.1: `POST /v3/mail/send` and `GET /v3/scopes`.
 * It checks the bearer key and validates every mail/send body against SendGrid's own OpenAPI
 * description, answering as SendGrid does when either is wrong, so a test that sees 202 knows
 * the request would have been accepted. Past those checks it answers what the test scripted.
 */
export interface FakeSendgrid {
  /** Base URL, no trailing slash: what `EMIVOY_SENDGRID_API_URL` would hold. */
  readonly url: string;
  /** Every request, in arrival order, including refused and dropped ones. */
  readonly requests: RecordedRequest[];
  /** TCP connections accepted so far, to see keep-alive at work. */
  readonly connectionCount: number;
  /** TCP connections open now, to see a client close its own. */
  readonly openConnectionCount: number;
  /** What `GET /v3/scopes` lists; without `mail.send`, mail/send answers 403 as SendGrid does. */
  scopes: string[];
  /** Answers for the next mail/send requests, one each, then the default again. */
  script(...answers: FakeAnswer[]): void;
  /** Answers for the next `GET /v3/scopes` requests, one each, then the scope list again. */
  scriptScopes(...answers: FakeAnswer[]): void;
  /** The mail/send answer once the script is used up; initially `sendgridAnswers.accepted()`. */
  setDefault(answer: FakeAnswer): void;
  close(): Promise<void>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** As Node received them (lower-case names), `authorization` included. */
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it is not JSON; undefined when empty. */
  body: unknown;
  /** Why SendGrid would refuse this body; empty when it is valid or not a mail/send. */
  invalid: string[];
  /** What the fake did: a status, `dropped`, or `abandoned` (the client left first). */
  outcome?: number | 'dropped' | 'abandoned';
}

export interface SendgridError {
  message: string;
  field?: string | null;
}

/** One scripted answer: a response, or a dropped connection. Either may come after a delay. */
export type FakeAnswer =
  | {
      status: number;
      headers?: Record<string, string>;
      /** Sent as SendGrid's error body `{"errors": [{message, field, help}]}`. */
      errors?: SendgridError[];
      /** Any other JSON body. */
      body?: unknown;
      delayMs?: number;
    }
  | { drop: true; delayMs?: number };

const unauthorizedMessage = 'The provided authorization grant is invalid, expired, or revoked';

/** The answers SendGrid gives, in its own shape. */
export const sendgridAnswers = {
  /** 202 with an `X-Message-Id`: a fresh one unless given. */
  accepted: (messageId?: string): FakeAnswer => ({
    status: 202,
    headers: messageId ? { 'x-message-id': messageId } : {},
  }),
  badRequest: (message: string, field: string | null = null): FakeAnswer => ({
    status: 400,
    errors: [{ message, field }],
  }),
  unauthorized: (): FakeAnswer => ({ status: 401, errors: [{ message: unauthorizedMessage }] }),
  forbidden: (message = 'access forbidden'): FakeAnswer => ({
    status: 403,
    errors: [{ message }],
  }),
  payloadTooLarge: (): FakeAnswer => ({
    status: 413,
    errors: [{ message: 'The JSON payload cannot be larger than 30 megabytes.' }],
  }),
  /** 429 with `Retry-After` (seconds or an HTTP date) and/or `X-RateLimit-Reset` (epoch s). */
  rateLimited: (wait: { retryAfter?: string; rateLimitReset?: number } = {}): FakeAnswer => ({
    status: 429,
    headers: {
      ...(wait.retryAfter === undefined ? {} : { 'retry-after': wait.retryAfter }),
      ...(wait.rateLimitReset === undefined
        ? {}
        : { 'x-ratelimit-reset': String(wait.rateLimitReset) }),
    },
    errors: [{ message: 'too many requests' }],
  }),
  unavailable: (status = 503): FakeAnswer => ({
    status,
    errors: [{ message: 'Service Unavailable' }],
  }),
  /** `then`, after `delayMs`: long enough, a client's timeout fires first. */
  slow: (delayMs: number, then: FakeAnswer = sendgridAnswers.accepted()): FakeAnswer => ({
    ...then,
    delayMs,
  }),
  /** The connection is destroyed after the request arrived, with no answer at all. */
  dropped: (): FakeAnswer => ({ drop: true }),
};

export async function startFakeSendgrid(options: {
  apiKey: string;
  scopes?: string[];
  /** A fixed port, to bring a stopped fake back at the same URL; default a free one. */
  port?: number;
}): Promise<FakeSendgrid> {
  const state = new FakeState(options.apiKey, options.scopes ?? ['mail.send']);
  const server = createServer((req, res) => {
    state.handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    state.connectionCount += 1;
    state.openConnectionCount += 1;
    socket.on('close', () => {
      state.openConnectionCount -= 1;
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests: state.requests,
    get connectionCount() {
      return state.connectionCount;
    },
    get openConnectionCount() {
      return state.openConnectionCount;
    },
    get scopes() {
      return state.scopes;
    },
    set scopes(scopes) {
      state.scopes = scopes;
    },
    script: (...answers) => state.sendScript.push(...answers),
    scriptScopes: (...answers) => state.scopesScript.push(...answers),
    setDefault: (answer) => {
      state.sendDefault = answer;
    },
    close: async () => {
      // Delayed answers would otherwise hold their sockets, and close(), open until they end.
      state.closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

class FakeState {
  readonly requests: RecordedRequest[] = [];
  readonly sendScript: FakeAnswer[] = [];
  readonly scopesScript: FakeAnswer[] = [];
  readonly closing = new AbortController();
  sendDefault = sendgridAnswers.accepted();
  connectionCount = 0;
  openConnectionCount = 0;

  constructor(
    private readonly apiKey: string,
    public scopes: string[],
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record = await recordOf(req);
    this.requests.push(record);
    const route = `${req.method} ${record.path}`;
    if (route !== 'POST /v3/mail/send' && route !== 'GET /v3/scopes') {
      return respond(res, record, { status: 404, errors: [{ message: 'Not Found' }] });
    }

    const scripted = route === 'GET /v3/scopes' ? this.nextScopesAnswer() : this.nextSendAnswer();
    // A delay or a drop stands for the network or an overloaded SendGrid: before any check.
    if (scripted.delayMs) await sleep(scripted.delayMs, undefined, { signal: this.closing.signal });
    if ('drop' in scripted) {
      record.outcome = 'dropped';
      req.socket.destroy();
      return;
    }

    const refusal =
      this.authRefusal(req) ??
      (route === 'GET /v3/scopes' ? undefined : this.sendRefusal(req, record));
    respond(res, record, refusal ?? scripted);
  }

  private nextSendAnswer(): FakeAnswer {
    return this.sendScript.shift() ?? this.sendDefault;
  }

  private nextScopesAnswer(): FakeAnswer {
    return this.scopesScript.shift() ?? { status: 200, body: { scopes: this.scopes } };
  }

  private authRefusal(req: IncomingMessage): FakeAnswer | undefined {
    if (req.headers.authorization === `Bearer ${this.apiKey}`) return undefined;
    return sendgridAnswers.unauthorized();
  }

  /** SendGrid's order: the key's permission, then the content type, then the body itself. */
  private sendRefusal(req: IncomingMessage, record: RecordedRequest): FakeAnswer | undefined {
    if (!this.scopes.includes('mail.send')) return sendgridAnswers.forbidden();
    // The provider must say it sends JSON; the live API refuses a body it cannot read as such.
    if (!req.headers['content-type']?.startsWith('application/json')) {
      return { status: 415, errors: [{ message: 'Content-Type should be application/json.' }] };
    }
    const problems = mailSendProblems(record.body);
    record.invalid = problems.map(({ message, field }) =>
      field ? `${field}: ${message}` : message,
    );
    return problems.length === 0 ? undefined : { status: 400, errors: problems };
  }
}

async function recordOf(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return {
    method: req.method ?? '',
    path: new URL(req.url ?? '/', 'http://fake').pathname,
    headers: req.headers,
    body: text === '' ? undefined : parseJson(text),
    invalid: [],
  };
}

function respond(res: ServerResponse, record: RecordedRequest, answer: FakeAnswer): void {
  if ('drop' in answer) return;
  if (res.socket === null || res.socket.destroyed) {
    record.outcome = 'abandoned';
    return;
  }

  record.outcome = answer.status;
  const headers = { ...answer.headers };
  if (answer.status === 202 && !headers['x-message-id']) headers['x-message-id'] = messageId();
  const body = answer.errors
    ? { errors: answer.errors.map((error) => ({ field: null, help: null, ...error })) }
    : answer.body;
  // With a length, as SendGrid sends it, rather than Node's chunked default: a client then
  // knows the answer is complete with its last byte, and can reuse the connection at once.
  const payload = body === undefined ? '' : JSON.stringify(body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(answer.status, headers).end(payload);
}

/** SendGrid's ids look like this: 22 URL-safe base64 characters. */
function messageId(): string {
  return randomBytes(16).toString('base64url');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Everything SendGrid would refuse in a mail/send body, as its `errors` entries. */
export function mailSendProblems(body: unknown): SendgridError[] {
  if (typeof body !== 'object' || body === null) {
    return [{ message: 'Bad Request: the body is not a JSON object.', field: null }];
  }
  const validate = mailSendValidator();
  const schemaProblems = validate(body) ? [] : (validate.errors ?? []).map(problemOf);
  return [...schemaProblems, ...liveApiProblems(body as Record<string, unknown>)];
}

/**
 * Rules the live API enforces that the OpenAPI description does not state: content is
 * required without a template, and text/plain, then text/html, come before any other type.
 */
function liveApiProblems(body: Record<string, unknown>): SendgridError[] {
  const content = Array.isArray(body.content) ? (body.content as { type?: unknown }[]) : [];
  if (content.length === 0 && body.template_id === undefined) {
    return [
      {
        message: 'Unless a valid template_id is provided, the content parameter is required.',
        field: 'content',
      },
    ];
  }
  const types = content.map((part) => part.type);
  const expected = ['text/plain', 'text/html'].filter((type) => types.includes(type));
  if (expected.every((type, index) => types[index] === type)) return [];
  return [
    {
      message:
        'If present, text/plain and text/html may only be provided in that order, and must ' +
        'precede any other content types.',
      field: 'content',
    },
  ];
}

function problemOf(error: ErrorObject): SendgridError {
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const pointer = missing ? `${error.instancePath}/${missing}` : error.instancePath;
  const field = pointer.split('/').slice(1).join('.');
  return { message: error.message ?? error.keyword, field: field === '' ? null : field };
}

let cachedValidator: ValidateFunction | undefined;

/**
 * The `PostMailSend` request body schema from SendGrid's OpenAPI 3.1 description (JSON Schema
 * 2020-12). Its `$ref`s point at `#/components/...`, so the components ride along under the
 * schema's root, where Ajv resolves them; Ajv ignores the unknown `components` keyword itself.
 */
function mailSendValidator(): ValidateFunction {
  if (cachedValidator) return cachedValidator;
  const spec = JSON.parse(readFileSync(referenceSpecPath(), 'utf8'));
  const schema = spec.components.requestBodies.PostMailSend.content['application/json'].schema;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  cachedValidator = ajv.compile({ ...schema, components: spec.components });
  return cachedValidator;
}

/** `shared/` lies beside the clone, here and in CI. */
function referenceSpecPath(): string {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
  return path.resolve(repoRoot, '../shared/reference/sendgrid-mail-v3.openapi.json');
}
