import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { day, minute, TestClock } from './harness/test-clock.js';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestResponse, type TestServer } from './harness/test-server.js';

const password = 'correct horse battery';

/** A browser's view of one signed-in console: its cookie and the CSRF token it was given. */
interface Browser {
  cookie: string;
  csrf: string;
  session: any;
}

function setCookieOf(response: TestResponse): string {
  const header = response.headers['set-cookie'];
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string') throw new Error('no Set-Cookie in the answer');
  return value;
}

function browserOf(response: TestResponse): Browser {
  const cookie = setCookieOf(response).split(';')[0] ?? '';
  return { cookie, csrf: response.body.csrf_token, session: response.body };
}

/** A request as the console makes it: the cookie, and the CSRF token on writes. */
function asBrowser(
  server: TestServer,
  browser: Browser,
  method: any,
  url: string,
  options: { body?: unknown; csrf?: string | null; headers?: Record<string, string> } = {},
) {
  const csrf = options.csrf === undefined ? browser.csrf : options.csrf;
  return server.request(method, url, {
    key: null,
    headers: {
      cookie: browser.cookie,
      ...(csrf === null ? {} : { 'x-csrf-token': csrf }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
}

let emails = 0;
const uniqueEmail = (label: string) => `${label}-${++emails}@example.com`;

async function signUp(server: TestServer, email: string, accountName = 'Acme') {
  const response = await server.request('POST', '/api/v1/auth/signup', {
    key: null,
    body: { email, password, name: 'Ada', account_name: accountName },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return browserOf(response);
}

function signIn(server: TestServer, email: string, secret = password) {
  return server.request('POST', '/api/v1/auth/signin', {
    key: null,
    body: { email, password: secret },
  });
}

describe.each(testDialects())('console sign-up, sign-in and sessions on %s', (dialect) => {
  let server: TestServer;
  const clock = new TestClock(Date.now());

  beforeAll(async () => {
    server = await startTestServer(dialect, { now: clock.now });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('signs up with a user, an account they own and an HttpOnly session cookie', async () => {
    const email = uniqueEmail('Founder').toUpperCase();
    const response = await server.request('POST', '/api/v1/auth/signup', {
      key: null,
      body: { email, password, name: 'Ada', account_name: 'Acme' },
    });

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      object: 'session',
      user: { email: email.toLowerCase(), name: 'Ada' },
      account: { name: 'Acme', role: 'owner' },
      accounts: [{ name: 'Acme', role: 'owner' }],
    });
    expect(response.body.user.user_id).toMatch(/^usr_/);
    expect(response.body.current_account_id).toBe(response.body.account.account_id);
    expect(response.body.csrf_token).toMatch(/^[0-9a-f]{64}$/);
    expect(response.headers['cache-control']).toBe('no-store');

    const cookie = setCookieOf(response);
    expect(cookie).toMatch(/^emivoy_session=[0-9a-f]{64};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).toContain(`Max-Age=${30 * 24 * 60 * 60}`);
    // Served over http here: a Secure cookie would never come back.
    expect(cookie).not.toContain('Secure');
  });

  it('refuses a second user with the same email, in any case', async () => {
    const email = uniqueEmail('twice');
    await signUp(server, email);
    const again = await server.request('POST', '/api/v1/auth/signup', {
      key: null,
      body: { email: email.toUpperCase(), password, account_name: 'Other' },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('email_taken');
  });

  it('refuses short passwords and unknown fields', async () => {
    const short = await server.request('POST', '/api/v1/auth/signup', {
      key: null,
      body: { email: uniqueEmail('short'), password: 'tooshort', account_name: 'A' },
    });
    expect(short.status).toBe(400);
    expect(short.body.errors[0].field).toBe('password');
  });

  it('accepts the session cookie on the API like a key, for its own account only', async () => {
    const browser = await signUp(server, uniqueEmail('reader'));
    const list = await asBrowser(server, browser, 'GET', '/api/v1/entities');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);

    const created = await asBrowser(server, browser, 'POST', '/api/v1/entities', {
      body: { external_id: 'acct_console', entity_type: 'account' },
    });
    expect(created.status).toBe(201);
    // Not in the account of the test server's API key.
    const viaKey = await server.request('GET', '/api/v1/entities/acct_console');
    expect(viaKey.status).toBe(404);
  });

  it('refuses a cookie-authenticated write without the right X-CSRF-Token', async () => {
    const browser = await signUp(server, uniqueEmail('csrf'));
    const body = { external_id: 'acct_csrf', entity_type: 'account' };

    const missing = await asBrowser(server, browser, 'POST', '/api/v1/entities', {
      body,
      csrf: null,
    });
    expect(missing.status).toBe(403);
    expect(missing.body.code).toBe('csrf_failed');
    expect(missing.headers['content-type']).toContain('application/problem+json');

    const wrong = await asBrowser(server, browser, 'POST', '/api/v1/entities', {
      body,
      csrf: 'f'.repeat(64),
    });
    expect(wrong.status).toBe(403);
    const other = await signUp(server, uniqueEmail('csrf-other'));
    const anothers = await asBrowser(server, browser, 'POST', '/api/v1/entities', {
      body,
      csrf: other.csrf,
    });
    expect(anothers.status).toBe(403);
    expect((await asBrowser(server, browser, 'GET', '/api/v1/entities')).body.data).toEqual([]);

    const right = await asBrowser(server, browser, 'POST', '/api/v1/entities', { body });
    expect(right.status).toBe(201);
    const deleted = await asBrowser(server, browser, 'DELETE', '/api/v1/entities/acct_csrf', {
      csrf: null,
    });
    expect(deleted.status).toBe(403);
  });

  it('needs no CSRF token with an API key, and prefers the key to a cookie', async () => {
    const browser = await signUp(server, uniqueEmail('both'));
    const response = await server.request('POST', '/api/v1/entities', {
      headers: { cookie: browser.cookie },
      body: { external_id: 'acct_key_wins', entity_type: 'account' },
    });
    expect(response.status).toBe(201);
    expect((await server.request('GET', '/api/v1/entities/acct_key_wins')).status).toBe(200);
    const viaCookie = await asBrowser(server, browser, 'GET', '/api/v1/entities/acct_key_wins');
    expect(viaCookie.status).toBe(404);
  });

  it('lets the console create a live API key that then works', async () => {
    const browser = await signUp(server, uniqueEmail('keys'));
    const created = await asBrowser(server, browser, 'POST', '/api/v1/api-keys', {
      body: { name: 'From the console' },
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^em_live_/);
    const list = await server.request('GET', '/api/v1/entities', { key: created.body.key });
    expect(list.status).toBe(200);
  });

  it('works in test mode with Emivoy-Mode: test, and refuses other modes', async () => {
    const browser = await signUp(server, uniqueEmail('modes'));
    await asBrowser(server, browser, 'POST', '/api/v1/entities', {
      body: { external_id: 'acct_mode', entity_type: 'account' },
    });
    const event = { event_type: 'invoice.overdue', entity_id: 'acct_mode' };
    const test = await asBrowser(server, browser, 'POST', '/api/v1/events', {
      body: event,
      headers: { 'emivoy-mode': 'test' },
    });
    expect(test.status).toBe(202);
    expect(test.body.livemode).toBe(false);
    const live = await asBrowser(server, browser, 'POST', '/api/v1/events', { body: event });
    expect(live.body.livemode).toBe(true);

    const liveList = await asBrowser(server, browser, 'GET', '/api/v1/events');
    expect(liveList.body.data.map((e: any) => e.event_id)).toEqual([live.body.event_id]);
    const odd = await asBrowser(server, browser, 'GET', '/api/v1/events', {
      headers: { 'emivoy-mode': 'sandbox' },
    });
    expect(odd.status).toBe(400);
    expect(odd.body.errors[0].field).toBe('Emivoy-Mode');
  });

  it('describes the session, and answers 401 without one', async () => {
    const email = uniqueEmail('describe');
    const browser = await signUp(server, email);
    const session = await asBrowser(server, browser, 'GET', '/api/v1/auth/session');
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({
      user: { email, name: 'Ada' },
      current_account_id: browser.session.current_account_id,
      csrf_token: browser.csrf,
    });
    expect(session.headers['cache-control']).toBe('no-store');

    const none = await server.request('GET', '/api/v1/auth/session', { key: null });
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('authentication_required');
    const withKey = await server.request('GET', '/api/v1/auth/session');
    expect(withKey.status).toBe(401);
    const forged = await server.request('GET', '/api/v1/auth/session', {
      key: null,
      headers: { cookie: `emivoy_session=${'a'.repeat(64)}` },
    });
    expect(forged.status).toBe(401);
  });

  it('signs in with the right password only, with one answer for every wrong case', async () => {
    const email = uniqueEmail('signin');
    await signUp(server, email);

    const right = await signIn(server, email.toUpperCase());
    expect(right.status).toBe(200);
    expect(right.body.user.email).toBe(email);
    expect(setCookieOf(right)).toContain('HttpOnly');
    const browser = browserOf(right);
    expect((await asBrowser(server, browser, 'GET', '/api/v1/entities')).status).toBe(200);

    const wrong = await signIn(server, email, 'not the password');
    const unknown = await signIn(server, uniqueEmail('nobody'), password);
    for (const refused of [wrong, unknown]) {
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('invalid_credentials');
      expect(refused.headers['set-cookie']).toBeUndefined();
    }
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it('rate-limits failed sign-ins per address and email, then lets them try again', async () => {
    const email = uniqueEmail('guessed');
    await signUp(server, email);
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await signIn(server, email, `guess number ${attempt}`)).status).toBe(401);
    }

    const limited = await signIn(server, email, 'guess number 6');
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('signin_rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    // Even the right password waits: guessing must not be able to tell.
    expect((await signIn(server, email)).status).toBe(429);
    // Another email from the same address is not held back.
    const other = uniqueEmail('other');
    await signUp(server, other);
    expect((await signIn(server, other)).status).toBe(200);

    clock.advance(15 * minute + 1);
    expect((await signIn(server, email)).status).toBe(200);
  });

  it('signs out: the session ends and the cookie is cleared', async () => {
    const browser = await signUp(server, uniqueEmail('leaving'));
    const withoutToken = await asBrowser(server, browser, 'POST', '/api/v1/auth/signout', {
      csrf: null,
    });
    expect(withoutToken.status).toBe(403);

    const out = await asBrowser(server, browser, 'POST', '/api/v1/auth/signout');
    expect(out.status).toBe(204);
    const cleared = setCookieOf(out);
    expect(cleared).toMatch(/^emivoy_session=;/);
    expect(cleared).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);

    for (const url of ['/api/v1/auth/session', '/api/v1/entities']) {
      const after = await asBrowser(server, browser, 'GET', url);
      expect(after.status, url).toBe(401);
    }
  });

  it('ends a session after thirty days', async () => {
    const browser = await signUp(server, uniqueEmail('old'));
    clock.advance(29 * day);
    expect((await asBrowser(server, browser, 'GET', '/api/v1/entities')).status).toBe(200);
    clock.advance(day + minute);
    const expired = await asBrowser(server, browser, 'GET', '/api/v1/entities');
    expect(expired.status).toBe(401);
    expect(expired.body.detail).toContain('sign in again');
  });

  it('switches between two accounts and sees each one’s data only', async () => {
    const browser = await signUp(server, uniqueEmail('two'), 'First');
    const first = browser.session.current_account_id;
    const created = await asBrowser(server, browser, 'POST', '/api/v1/accounts', {
      body: { name: 'Second' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: 'account', name: 'Second', role: 'owner' });
    const second = created.body.account_id;

    await asBrowser(server, browser, 'POST', '/api/v1/entities', {
      body: { external_id: 'in_first', entity_type: 'account' },
    });
    const switched = await asBrowser(server, browser, 'POST', '/api/v1/auth/switch-account', {
      body: { account_id: second },
    });
    expect(switched.status).toBe(200);
    expect(switched.body.current_account_id).toBe(second);
    expect(switched.body.accounts.map((a: any) => a.name)).toEqual(['First', 'Second']);
    await asBrowser(server, browser, 'POST', '/api/v1/entities', {
      body: { external_id: 'in_second', entity_type: 'account' },
    });

    const ids = async () =>
      (await asBrowser(server, browser, 'GET', '/api/v1/entities')).body.data.map(
        (e: any) => e.entity_id,
      );
    expect(await ids()).toEqual(['in_second']);
    await asBrowser(server, browser, 'POST', '/api/v1/auth/switch-account', {
      body: { account_id: first },
    });
    expect(await ids()).toEqual(['in_first']);

    const foreign = await asBrowser(server, browser, 'POST', '/api/v1/auth/switch-account', {
      body: { account_id: server.account.accountId },
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('account_not_found');
    const unforged = await asBrowser(server, browser, 'POST', '/api/v1/auth/switch-account', {
      body: { account_id: second },
      csrf: null,
    });
    expect(unforged.status).toBe(403);
  });

  it('creates accounts for people only, not for API keys', async () => {
    const refused = await server.request('POST', '/api/v1/accounts', { body: { name: 'Mine' } });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('forbidden');
  });

  it('adds and removes members; the last owner stays', async () => {
    const ownerEmail = uniqueEmail('owner');
    const owner = await signUp(server, ownerEmail, 'Team');
    const memberEmail = uniqueEmail('member');
    const member = await signUp(server, memberEmail, 'Solo');
    const team = owner.session.current_account_id;

    const unknown = await asBrowser(server, owner, 'POST', '/api/v1/members', {
      body: { email: uniqueEmail('stranger') },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('user_not_found');

    const added = await asBrowser(server, owner, 'POST', '/api/v1/members', {
      body: { email: memberEmail.toUpperCase() },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ object: 'member', email: memberEmail, role: 'member' });
    const again = await asBrowser(server, owner, 'POST', '/api/v1/members', {
      body: { email: memberEmail },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('member_exists');

    const list = await asBrowser(server, owner, 'GET', '/api/v1/members');
    expect(list.body.data.map((m: any) => [m.email, m.role])).toEqual([
      [ownerEmail, 'owner'],
      [memberEmail, 'member'],
    ]);

    // The member now sees the team among their accounts and may work in it.
    const switched = await asBrowser(server, member, 'POST', '/api/v1/auth/switch-account', {
      body: { account_id: team },
    });
    expect(switched.status).toBe(200);
    // Both memberships began in the same (frozen) millisecond: compare them as a set.
    expect(switched.body.accounts.map((a: any) => [a.name, a.role]).sort()).toEqual([
      ['Solo', 'owner'],
      ['Team', 'member'],
    ]);
    const asOwnerToo = await asBrowser(server, member, 'POST', '/api/v1/members', {
      body: { email: memberEmail, role: 'owner' },
    });
    expect(asOwnerToo.status).toBe(403);
    const memberRemoves = await asBrowser(
      server,
      member,
      'DELETE',
      `/api/v1/members/${owner.session.user.user_id}`,
    );
    expect(memberRemoves.status).toBe(403);

    const lastOwner = await asBrowser(
      server,
      owner,
      'DELETE',
      `/api/v1/members/${owner.session.user.user_id}`,
    );
    expect(lastOwner.status).toBe(409);
    expect(lastOwner.body.code).toBe('last_owner');

    const removed = await asBrowser(
      server,
      owner,
      'DELETE',
      `/api/v1/members/${member.session.user.user_id}`,
    );
    expect(removed.status).toBe(204);
    const gone = await asBrowser(
      server,
      owner,
      'DELETE',
      `/api/v1/members/${member.session.user.user_id}`,
    );
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('member_not_found');

    // The removed member's session falls back to their own account at once.
    const after = await asBrowser(server, member, 'GET', '/api/v1/auth/session');
    expect(after.body.current_account_id).toBe(member.session.current_account_id);
    expect(after.body.accounts.map((a: any) => a.name)).toEqual(['Solo']);
  });

  it('lets API keys read the member list but not change it', async () => {
    const list = await server.request('GET', '/api/v1/members');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
    const email = uniqueEmail('by-key');
    await signUp(server, email);
    const add = await server.request('POST', '/api/v1/members', { body: { email } });
    expect(add.status).toBe(403);
  });

  it('stores passwords only as salted scrypt hashes and sessions only as SHA-256', async () => {
    const email = uniqueEmail('stored');
    const browser = await signUp(server, email);
    const { db } = server.database.handle;
    const user = await db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(user.password_hash).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(user.password_hash).not.toContain(password);

    const sameSecret = await signUp(server, uniqueEmail('stored-too'));
    const other = await db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', sameSecret.session.user.user_id)
      .executeTakeFirstOrThrow();
    // The same password, another salt: another hash.
    expect(other.password_hash).not.toBe(user.password_hash);

    const secret = browser.cookie.split('=')[1] ?? '';
    const sessions = await db.selectFrom('sessions').select('id').execute();
    const ids = sessions.map((s) => s.id);
    expect(ids).not.toContain(secret);
    expect(ids).toContain(createHash('sha256').update(secret).digest('hex'));
  });
});

describe('console sessions behind https', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite', {
      env: { EMIVOY_PUBLIC_URL: 'https://emivoy.example.com' },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('marks the session cookie Secure', async () => {
    const response = await server.request('POST', '/api/v1/auth/signup', {
      key: null,
      body: { email: 'secure@example.com', password, account_name: 'Secure' },
    });
    expect(response.status).toBe(201);
    expect(setCookieOf(response)).toContain('Secure');
  });
});

describe('the request rate of console sessions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite', { env: { EMIVOY_RATE_LIMIT: '3' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('is counted per session', async () => {
    const first = await signUp(server, 'rate-one@example.com');
    const second = await signUp(server, 'rate-two@example.com');
    const answers = [];
    for (let i = 0; i < 12; i++) {
      answers.push((await asBrowser(server, first, 'GET', '/api/v1/entities')).status);
    }
    expect(answers).toContain(429);
    expect((await asBrowser(server, second, 'GET', '/api/v1/entities')).status).toBe(200);
  });
});
