import path from 'node:path';

/** Everything the emivoy program reads from its environment, with working defaults. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Unset means SQLite in the data directory. */
  databaseUrl: string | undefined;
  /** The master key for provider secrets; unset: generated into the data directory. */
  secretKey: string | undefined;
  /** Where the server is reached from outside: unsubscribe links and webhook URLs use it. */
  publicUrl: string;
  sendgridApiUrl: string;
  /** Requests per second per API key; 0 turns the limit off. */
  rateLimit: number;
  /** Events a calendar month on the default plan; null means unlimited. */
  monthlyEventLimit: number | null;
  /** How long a worker's claim on a run or message lasts before another may take it over. */
  workerLeaseMs: number;
  /** Set when Clerk session tokens are accepted besides API keys and console sessions. */
  clerk: ClerkConfig | null;
  logLevel: string;
}

/** How Clerk session tokens are verified: locally, by signature and claims. */
export interface ClerkConfig {
  /** Where Clerk publishes its signing keys (`https://<frontend-api>/.well-known/jwks.json`). */
  jwksUrl: string | undefined;
  /** Or Clerk's PEM public key, so verification needs no network at all. */
  jwtKey: string | undefined;
  /** The `iss` every token must carry: the Clerk Frontend API URL. */
  issuer: string;
  /** Origins allowed in `azp`; empty: any. */
  authorizedParties: string[];
}

/** One row per variable, so that `emivoy --help` and the docs list the same set. */
export const environmentVariables: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'PORT', description: 'HTTP port (default 8080)' },
  { name: 'HOST', description: 'address to listen on (default 127.0.0.1)' },
  { name: 'EMIVOY_DATA_DIR', description: 'where the SQLite database lives (default ./data)' },
  { name: 'DATABASE_URL', description: 'postgres://… to use PostgreSQL instead of SQLite' },
  {
    name: 'EMIVOY_SECRET_KEY',
    description: 'key for provider secrets, 32 bytes base64 or hex (default: generated)',
  },
  { name: 'EMIVOY_PUBLIC_URL', description: 'public base URL, for unsubscribe and webhook links' },
  { name: 'EMIVOY_SENDGRID_API_URL', description: 'SendGrid API base (https://api.sendgrid.com)' },
  { name: 'EMIVOY_RATE_LIMIT', description: 'requests per second per API key; 0 = off (100)' },
  {
    name: 'EMIVOY_MONTHLY_EVENT_LIMIT',
    description: 'events a month on the default plan, or "unlimited" (1000)',
  },
  {
    name: 'EMIVOY_WORKER_LEASE_MS',
    description: "how long a dead worker's claims block their work, in ms (30000)",
  },
  {
    name: 'CLERK_JWKS_URL',
    description: 'accept Clerk session tokens, verified with the keys at this URL',
  },
  {
    name: 'CLERK_JWT_KEY',
    description: "or with Clerk's PEM public key (no network needed)",
  },
  { name: 'CLERK_ISSUER', description: 'the iss Clerk tokens must carry (required with Clerk)' },
  {
    name: 'CLERK_AUTHORIZED_PARTIES',
    description: 'comma-separated origins allowed in azp, e.g. https://app.example.com',
  },
  { name: 'LOG_LEVEL', description: 'pino level: trace, debug, info, warn, error (info)' },
];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;

  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigError(`${name} must be a whole number ≥ 0, got "${raw}"`);
  }
  return value;
}

function monthlyLimit(env: NodeJS.ProcessEnv): number | null {
  const raw = env.EMIVOY_MONTHLY_EVENT_LIMIT;
  if (raw === 'unlimited') return null;
  return integer(env, 'EMIVOY_MONTHLY_EVENT_LIMIT', 1000);
}

/** The shortest lease: a claim must outlast one provider call, or mail goes out twice. */
const minimumLeaseMs = 1_000;

function workerLeaseMs(env: NodeJS.ProcessEnv): number {
  const lease = integer(env, 'EMIVOY_WORKER_LEASE_MS', 30_000);
  if (lease < minimumLeaseMs) {
    throw new ConfigError(
      `EMIVOY_WORKER_LEASE_MS must be at least ${minimumLeaseMs} (milliseconds), got "${lease}"`,
    );
  }
  return lease;
}

function clerk(env: NodeJS.ProcessEnv): ClerkConfig | null {
  const jwksUrl = env.CLERK_JWKS_URL || undefined;
  // Environment files often hold a PEM on one line, with its newlines written as \n.
  const jwtKey = env.CLERK_JWT_KEY?.replaceAll('\\n', '\n') || undefined;
  if (!jwksUrl && !jwtKey) return null;

  if (jwksUrl && !/^https?:\/\//.test(jwksUrl)) {
    throw new ConfigError(`CLERK_JWKS_URL must be an http(s) URL, got "${jwksUrl}"`);
  }
  const issuer = env.CLERK_ISSUER;
  if (!issuer) {
    throw new ConfigError(
      'CLERK_ISSUER is required with CLERK_JWKS_URL or CLERK_JWT_KEY: set it to your Clerk ' +
        'Frontend API URL (https://<your-app>.clerk.accounts.dev), the iss of its tokens',
    );
  }
  const authorizedParties = (env.CLERK_AUTHORIZED_PARTIES ?? '')
    .split(',')
    .map((party) => trimSlash(party.trim()))
    .filter((party) => party !== '');
  return { jwksUrl, jwtKey, issuer, authorizedParties };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = integer(env, 'PORT', 8080);
  const host = env.HOST || '127.0.0.1';

  return {
    port,
    host,
    dataDir: path.resolve(env.EMIVOY_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    secretKey: env.EMIVOY_SECRET_KEY || undefined,
    publicUrl: trimSlash(env.EMIVOY_PUBLIC_URL || `http://localhost:${port}`),
    sendgridApiUrl: trimSlash(env.EMIVOY_SENDGRID_API_URL || 'https://api.sendgrid.com'),
    rateLimit: integer(env, 'EMIVOY_RATE_LIMIT', 100),
    monthlyEventLimit: monthlyLimit(env),
    workerLeaseMs: workerLeaseMs(env),
    clerk: clerk(env),
    logLevel: env.LOG_LEVEL || 'info',
  };
}
