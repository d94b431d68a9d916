import { ApiProblem, type ProblemDocument } from './api-problem';

/** Live or test data: the console sends `Emivoy-Mode: test` for test-mode views. */
export type Mode = 'live' | 'test';

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Which data the request acts on; omitted for account-wide calls such as settings. */
  mode?: Mode;
  signal?: AbortSignal;
}

let csrfToken: string | null = null;

/** Set from the session; sent as `X-CSRF-Token` on every request that changes something. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function buildPath(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/**
 * Calls the API with the session cookie. Answers the parsed JSON body (undefined for 204);
 * throws an ApiProblem for any other answer, and for a network failure (status 0).
 */
export async function apiRequest<T>(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (options.mode === 'test') headers['Emivoy-Mode'] = 'test';

  let response: Response;
  try {
    response = await fetch(buildPath(path, options.query), {
      method,
      headers,
      credentials: 'include',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiProblem(0, {
      code: 'network_error',
      detail: 'The Emivoy server did not answer. Check that it is running, then try again.',
    });
  }

  if (response.status === 204) return undefined as T;
  const body = await readBody(response);
  if (!response.ok) throw new ApiProblem(response.status, toProblem(body, response));
  return body as T;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toProblem(body: unknown, response: Response): ProblemDocument {
  if (body && typeof body === 'object') return body as ProblemDocument;
  return {
    status: response.status,
    detail: `The server answered ${response.status} ${response.statusText}`.trim(),
    request_id: response.headers.get('Request-Id') ?? undefined,
  };
}
