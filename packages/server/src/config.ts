import path from 'node:path';

/** Everything the emivoy program reads from its environment, with working defaults. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Unset means SQLite in the data directory. */
  databaseUrl: string | undefined;
  secretKey: string | undefined;
  publicUrl: string;
  sendgridApiUrl: string;
  /** Requests per second per API key; 0 turns the limit off. */
  rateLimit: number;
  /** Events a calendar month on the default plan; null means unlimited. */
  monthlyEventLimit: number | null;
  logLevel: string;
}

/** One row per variable, so that `emivoy --help` and the docs list the same set. */
export const environmentVariables: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'PORT', description: 'HTTP port (default 8080)' },
  { name: 'HOST', description: 'address to listen on (default 127.0.0.1)' },
  { name: 'EMIVOY_DATA_DIR', description: 'SQLite file and generated keys (default ./data)' },
  { name: 'DATABASE_URL', description: 'postgres://… to use PostgreSQL instead of SQLite' },
  {
    name: 'EMIVOY_SECRET_KEY',
    description: 'master key for provider secrets (default: generated)',
  },
  { name: 'EMIVOY_PUBLIC_URL', description: 'public base URL for links in mail' },
  { name: 'EMIVOY_SENDGRID_API_URL', description: 'SendGrid API base (https://api.sendgrid.com)' },
  { name: 'EMIVOY_RATE_LIMIT', description: 'requests per second per API key; 0 = off (100)' },
  {
    name: 'EMIVOY_MONTHLY_EVENT_LIMIT',
    description: 'events a month on the default plan, or "unlimited" (1000)',
  },
  { name: 'CLERK_JWKS_URL', description: 'Clerk JWKS URL, to accept Clerk session tokens' },
  { name: 'CLERK_JWT_KEY', description: 'Clerk PEM public key (instead of the JWKS URL)' },
  { name: 'CLERK_ISSUER', description: 'expected `iss` of Clerk tokens' },
  { name: 'CLERK_AUTHORIZED_PARTIES', description: 'comma-separated allowed `azp` values' },
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = integer(env, 'PORT', 8080);
  const host = env.HOST || '127.0.0.1';

  return {
    port,
    host,
    dataDir: path.resolve(env.EMIVOY_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    secretKey: env.EMIVOY_SECRET_KEY || undefined,
    publicUrl: (env.EMIVOY_PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    sendgridApiUrl: (env.EMIVOY_SENDGRID_API_URL || 'https://api.sendgrid.com').replace(/\/+$/, ''),
    rateLimit: integer(env, 'EMIVOY_RATE_LIMIT', 100),
    monthlyEventLimit: monthlyLimit(env),
    logLevel: env.LOG_LEVEL || 'info',
  };
}
