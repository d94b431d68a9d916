import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

const issuer = 'https://clerk.emivoy.test';
const consoleOrigin = 'https://console.emivoy.test';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** A stand-in for Clerk's Frontend API: it only publishes the signing keys. */
async function serveJwks(keys: Array<{ pair: KeyPair; kid: string; alg: string }>) {
  const jwks = {
    keys: await Promise.all(
      keys.map(async ({ pair, kid, alg }) => ({
        ...(await exportJWK(pair.publicKey)),
        kid,
        alg,
        use: 'sig',
      })),
    ),
  };
  const server = http.createServer((request, response) => {
    if (request.url !== '/.well-known/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface TokenOptions {
  claims?: JWTPayload & Record<string, unknown>;
  pair?: KeyPair;
  kid?: string;
  alg?: string;
  /** Seconds from now. */
  expiresIn?: number;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe.each(testDialects())('Clerk session tokens on %s', (dialect) => {
  let server: TestServer;
  let jwks: Awaited<ReturnType<typeof serveJwks>>;
  let rsa: KeyPair;
  let ec: KeyPair;
  let stranger: KeyPair;

  /** A Clerk-shaped session token: version 2 claims, signed like Clerk signs them. */
  const token = async (options: TokenOptions = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const alg = options.alg ?? 'RS256';
    return new SignJWT({
      azp: consoleOrigin,
      sid: 'sess_1',
      v: 2,
      sub: 'user_ada',
      ...options.claims,
    })
      .setProtectedHeader({ alg, kid: options.kid ?? (alg === 'ES256' ? 'ec-key' : 'rsa-key') })
      .setIssuer(issuer)
      .setIssuedAt(now - 10)
      .setNotBefore(now - 10)
      .setExpirationTime(now + (options.expiresIn ?? 60))
      .sign((options.pair ?? (alg === 'ES256' ? ec : rsa)).privateKey);
  };

  const call = (jwt: string, method: any = 'GET', url = '/api/v1/entities', body?: unknown) =>
    server.request(method, url, { key: jwt, ...(body === undefined ? {} : { body }) });

  const expectRefused = async (jwt: string, detail: RegExp) => {
    const response = await call(jwt);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('invalid_token');
    expect(response.body.detail).toMatch(detail);
    expect(response.headers['www-authenticate']).toContain('invalid_token');
  };

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256');
    ec = await generateKeyPair('ES256');
    stranger = await generateKeyPair('RS256');
    jwks = await serveJwks([
      { pair: rsa, kid: 'rsa-key', alg: 'RS256' },
      { pair: ec, kid: 'ec-key', alg: 'ES256' },
    ]);
    server = await startTestServer(dialect, {
      env: {
        CLERK_JWKS_URL: jwks.url,
        CLERK_ISSUER: issuer,
        CLERK_AUTHORIZED_PARTIES: `${consoleOrigin}, http://localhost:5173`,
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await jwks?.close();
  });

  it('accepts a good token as its user, in its organisation’s account', async () => {
    const jwt = await token({ claims: { sub: 'user_good', o: { id: 'org_good', slg: 'good' } } });
    const created = await call(jwt, 'POST', '/api/v1/entities', {
      external_id: 'acct_clerk',
      entity_type: 'account',
    });
    // No CSRF token: a browser never sends an Authorization header on its own.
    expect(created.status).toBe(201);
    expect((await call(jwt, 'GET', '/api/v1/entities/acct_clerk')).status).toBe(200);
    // The test server's own account does not see it.
    expect((await server.request('GET', '/api/v1/entities/acct_clerk')).status).toBe(404);

    const { db } = server.database.handle;
    const user = await db
      .selectFrom('users')
      .selectAll()
      .where('clerk_user_id', '=', 'user_good')
      .executeTakeFirstOrThrow();
    expect(user.password_hash).toBeNull();
    const account = await db
      .selectFrom('accounts')
      .selectAll()
      .where('clerk_org_id', '=', 'org_good')
      .executeTakeFirstOrThrow();
    expect(account.name).toBe('good');
  });

  it('accepts ES256 tokens and a few seconds of clock skew', async () => {
    expect((await call(await token({ alg: 'ES256' }))).status).toBe(200);
    expect((await call(await token({ expiresIn: -3 }))).status).toBe(200);
  });

  it('refuses an expired token', async () => {
    await expectRefused(await token({ expiresIn: -30 }), /expired/);
  });

  it('refuses a token issued for another party, and accepts one without azp', async () => {
    await expectRefused(
      await token({ claims: { azp: 'https://evil.example' } }),
      /not in CLERK_AUTHORIZED_PARTIES/,
    );
    expect((await call(await token({ claims: { azp: 'http://localhost:5173' } }))).status).toBe(
      200,
    );
    expect((await call(await token({ claims: { azp: undefined } }))).status).toBe(200);
  });

  it('refuses a token of another issuer', async () => {
    const jwt = await new SignJWT({ sub: 'user_ada', azp: consoleOrigin })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-key' })
      .setIssuer('https://clerk.someone-else.test')
      .setExpirationTime('1m')
      .sign(rsa.privateKey);
    await expectRefused(jwt, /iss/);
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = { sub: 'user_ada', iss: issuer, azp: consoleOrigin, exp: now + 60, iat: now };
    await expectRefused(
      `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`,
      /RS256 or ES256/,
    );
  });

  it('refuses an HS256 token keyed with the public key', async () => {
    const now = Math.floor(Date.now() / 1000);
    const pem = await exportSPKI(rsa.publicKey);
    const payload = { sub: 'user_ada', iss: issuer, azp: consoleOrigin, exp: now + 60, iat: now };
    const header = { alg: 'HS256', typ: 'JWT', kid: 'rsa-key' };
    const signingInput = `${base64url(header)}.${base64url(payload)}`;
    const signature = createHmac('sha256', pem).update(signingInput).digest('base64url');
    await expectRefused(`${signingInput}.${signature}`, /RS256 or ES256/);
  });

  it('refuses a token signed by a key Clerk did not publish', async () => {
    await expectRefused(await token({ pair: stranger }), /not signed by a key/);
    await expectRefused('not-a-jwt', /well-formed JWT/);
  });

  it('refuses a pending session', async () => {
    await expectRefused(await token({ claims: { sts: 'pending' } }), /pending/);
  });

  it('maps one organisation to one account, whoever holds the token', async () => {
    const first = await token({ claims: { sub: 'user_org_1', o: { id: 'org_shared' } } });
    const second = await token({ claims: { sub: 'user_org_2', o: { id: 'org_shared' } } });
    // A token of the first version names the organisation org_id.
    const older = await token({
      claims: { sub: 'user_org_3', v: undefined, org_id: 'org_shared' },
    });

    await call(first, 'POST', '/api/v1/entities', { external_id: 'shared', entity_type: 'org' });
    expect((await call(second, 'GET', '/api/v1/entities/shared')).status).toBe(200);
    expect((await call(older, 'GET', '/api/v1/entities/shared')).status).toBe(200);

    const members = await call(second, 'GET', '/api/v1/members');
    const { db } = server.database.handle;
    const users = await db
      .selectFrom('users')
      .select(['id', 'clerk_user_id'])
      .where('clerk_user_id', 'in', ['user_org_1', 'user_org_2', 'user_org_3'])
      .execute();
    const clerkIdOf = new Map(users.map((u) => [u.id, u.clerk_user_id]));
    expect(members.body.data.map((m: any) => [clerkIdOf.get(m.user_id), m.role]).sort()).toEqual([
      ['user_org_1', 'owner'],
      ['user_org_2', 'member'],
      ['user_org_3', 'member'],
    ]);
    const accounts = await db
      .selectFrom('accounts')
      .select('id')
      .where('clerk_org_id', '=', 'org_shared')
      .execute();
    expect(accounts).toHaveLength(1);
  });

  it('gives a user without an organisation an account of their own, always the same', async () => {
    const jwt = await token({ claims: { sub: 'user_solo', name: 'Solo Person' } });
    await call(jwt, 'POST', '/api/v1/entities', { external_id: 'solo', entity_type: 'x' });
    expect((await call(jwt, 'GET', '/api/v1/entities/solo')).status).toBe(200);
    const { db } = server.database.handle;
    const account = await db
      .selectFrom('accounts')
      .innerJoin('memberships', 'memberships.account_id', 'accounts.id')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select(['accounts.name', 'memberships.role'])
      .where('users.clerk_user_id', '=', 'user_solo')
      .execute();
    expect(account).toEqual([{ name: 'Solo Person', role: 'owner' }]);
  });

  it('works in test mode with Emivoy-Mode: test', async () => {
    const jwt = await token({ claims: { sub: 'user_modes', o: { id: 'org_modes' } } });
    await call(jwt, 'POST', '/api/v1/entities', { external_id: 'm', entity_type: 'x' });
    const event = await server.request('POST', '/api/v1/events', {
      key: jwt,
      headers: { 'emivoy-mode': 'test' },
      body: { event_type: 'x.y', entity_id: 'm' },
    });
    expect(event.status).toBe(202);
    expect(event.body.livemode).toBe(false);
  });

  it('still takes API keys beside Clerk tokens', async () => {
    expect((await server.request('GET', '/api/v1/entities')).status).toBe(200);
    const bad = await server.request('GET', '/api/v1/entities', { key: 'em_live_nope' });
    expect(bad.body.code).toBe('invalid_api_key');
  });
});

describe('Clerk with a PEM public key (CLERK_JWT_KEY)', () => {
  let server: TestServer;
  let rsa: KeyPair;

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256');
    const pem = await exportSPKI(rsa.publicKey);
    server = await startTestServer('sqlite', {
      // As an environment file holds it: one line, newlines written as \n.
      env: { CLERK_JWT_KEY: pem.replaceAll('\n', '\\n'), CLERK_ISSUER: issuer },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('verifies RS256 tokens without any network, and refuses other algorithms', async () => {
    const good = await new SignJWT({ sub: 'user_pem' })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(issuer)
      .setExpirationTime('1m')
      .sign(rsa.privateKey);
    expect((await server.request('GET', '/api/v1/entities', { key: good })).status).toBe(200);

    const ec = await generateKeyPair('ES256');
    const other = await new SignJWT({ sub: 'user_pem' })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(issuer)
      .setExpirationTime('1m')
      .sign(ec.privateKey);
    const refused = await server.request('GET', '/api/v1/entities', { key: other });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('invalid_token');
  });
});

describe('Clerk whose keys cannot be fetched', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite', {
      env: { CLERK_JWKS_URL: 'http://127.0.0.1:9/jwks.json', CLERK_ISSUER: issuer },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers 503, not 401: the token may be fine', async () => {
    const pair = await generateKeyPair('RS256');
    const jwt = await new SignJWT({ sub: 'user_x' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k' })
      .setIssuer(issuer)
      .setExpirationTime('1m')
      .sign(pair.privateKey);
    const response = await server.request('GET', '/api/v1/entities', { key: jwt });
    expect(response.status).toBe(503);
    expect(response.body.code).toBe('service_unavailable');
    expect(response.headers['retry-after']).toBe('5');
  });
});

describe('Clerk configuration', () => {
  it('is off without keys: a JWT is then just not an API key', async () => {
    const server = await startTestServer('sqlite');
    try {
      const response = await server.request('GET', '/api/v1/entities', { key: 'eyJhbGciOi.x.y' });
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('invalid_api_key');
    } finally {
      await server.close();
    }
  });

  it('needs CLERK_ISSUER with keys, and an http(s) JWKS URL', () => {
    expect(() => loadConfig({ CLERK_JWKS_URL: 'https://clerk.example/jwks.json' })).toThrow(
      ConfigError,
    );
    expect(() =>
      loadConfig({ CLERK_JWKS_URL: 'file:///etc/passwd', CLERK_ISSUER: issuer }),
    ).toThrow(/http\(s\)/);
    const config = loadConfig({
      CLERK_JWT_KEY: 'pem',
      CLERK_ISSUER: issuer,
      CLERK_AUTHORIZED_PARTIES: 'https://a.example/, https://b.example',
    });
    expect(config.clerk?.authorizedParties).toEqual(['https://a.example', 'https://b.example']);
  });
});
