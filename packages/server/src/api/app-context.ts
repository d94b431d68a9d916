import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../store/open-database.js';

/** The Fastify instance every route module receives, typed by its TypeBox schemas. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Who is calling: resolved from an API key, the console's session or a Clerk token. */
export interface Caller {
  accountId: string;
  /**
   * False for `em_test_` keys: their events and messages are test-mode only. People (console
   * session, Clerk) choose with the `Emivoy-Mode` header.
   */
  livemode: boolean;
  /** Null for people: the console's session and Clerk tokens. */
  apiKeyId: string | null;
  /** Live events allowed this month, null for unlimited: the account's plan, else the default. */
  monthlyEventLimit: number | null;
  /** The person behind a console session or Clerk token; null for API keys. */
  userId: string | null;
  /** The console session's stored id (a hash, never the cookie); null for other callers. */
  sessionId: string | null;
}

/** What route modules need besides the request: set once when the app is built. */
export interface Services {
  config: Config;
  database: DatabaseHandle;
  /** Milliseconds since the epoch; injectable so tests can move time. */
  now: () => number;
  /** Seals provider secrets and signs unsubscribe links; never logged or returned. */
  masterKey: Buffer;
  /**
   * Work was committed (runs started, a wait advanced): wake this process's worker. The ids
   * of runs that are due now are handed over, so the worker advances them at once instead of
   * finding them with a query.
   */
  wakeWorker: (dueRunIds?: string[]) => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
  interface FastifyInstance {
    services: Services;
    /** Every route registered, so tests can prove a property of each one (tenant isolation). */
    routeTable: ReadonlyArray<{ method: string; url: string }>;
  }
}

/** The caller of an authenticated route; the auth hook guarantees it is set. */
export function callerOf(request: { caller: Caller | null }): Caller {
  if (!request.caller) throw new Error('route is missing authentication');
  return request.caller;
}
