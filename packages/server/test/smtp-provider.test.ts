import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EmailProvider, OutgoingEmail } from '../src/providers/email-provider.js';
import { createSmtpProvider, type SmtpProviderOptions } from '../src/providers/smtp-provider.js';

// A real SMTP server (the smtp-server package) on a free local port for every scenario: the
// provider is tested on the wire, through nodemailer's pool, the way it runs in production.

const username = 'ada';
const password = 'correct-horse-battery-staple';

/** What the test server accepted: the raw message and what the session knew about it. */
interface Received {
  raw: string;
  mailFrom: string;
  rcptTo: string[];
  secure: boolean;
  user: unknown;
}

interface TestSmtpServer {
  port: number;
  received: Received[];
  /** SMTP sessions as the server saw them: the provider's pooled connections. */
  sessions: { opened: number; open: number };
  close(): Promise<void>;
}

/** Recipients the test server answers in a set way, so one server covers every reply. */
const deferredAtRcpt = 'deferred@example.test';
const deferredAtData = 'data-deferred@example.test';
const unknownRecipient = 'unknown@example.test';

function replyError(responseCode: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode });
}

async function startSmtpServer(options: SMTPServerOptions = {}): Promise<TestSmtpServer> {
  const received: Received[] = [];
  const sessions = { opened: 0, open: 0 };
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    // Without a certificate of its own, smtp-server would offer STARTTLS with a built-in one.
    disabledCommands: ['STARTTLS'],
    closeTimeout: 100,
    onConnect(_session, callback) {
      sessions.opened += 1;
      sessions.open += 1;
      callback();
    },
    onClose() {
      sessions.open -= 1;
    },
    onRcptTo(address, _session, callback) {
      if (address.address === deferredAtRcpt) {
        return callback(replyError(451, '4.3.0 Mailbox busy, try again later'));
      }
      if (address.address === unknownRecipient) {
        return callback(replyError(550, '5.1.1 No such user here'));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const rcptTo = session.envelope.rcptTo.map((rcpt) => rcpt.address);
        if (rcptTo.includes(deferredAtData)) {
          return callback(replyError(451, '4.7.1 Greylisted, come back in five minutes'));
        }
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ raw, mailFrom, rcptTo, secure: session.secure, user: session.user });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // A client that hangs up mid-handshake (a refused certificate) is reported as a server
  // 'error'; the test asserts on the client's side of it.
  server.on('error', () => {});
  const port = (server.server.address() as AddressInfo).port;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { port, received, sessions, close };
}

/** A port nothing listens on: taken from the system, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Accepts a login for `ada` with the password above, by any mechanism the server offers. */
const checkLogin: NonNullable<SMTPServerOptions['onAuth']> = (auth, _session, callback) => {
  if (auth.username === username && auth.password === password) {
    return callback(null, { user: { username, method: auth.method } });
  }
  // A careless server repeating the password it was given: the provider must not pass it on.
  callback(replyError(535, `5.7.8 Bad password ${auth.password ?? ''} for ${auth.username}`));
};

let sequence = 0;

function emailTo(address: string, overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  sequence += 1;
  return {
    messageId: `msg_01TEST${sequence}`,
    accountId: 'acc_test',
    from: { email: 'billing@acme.test', name: 'Acme Billing' },
    replyTo: 'support@acme.test',
    to: { email: address, name: null },
    subject: 'Invoice #INV-1042 is overdue',
    textBody: 'Hi, invoice #INV-1042 is overdue.',
    htmlBody: '<p>Hi, invoice <b>#INV-1042</b> is overdue.</p>',
    headers: {},
    ...overrides,
  };
}

const providers: EmailProvider[] = [];

function providerFor(port: number, options: Partial<SmtpProviderOptions> = {}): EmailProvider {
  const provider = createSmtpProvider({ host: '127.0.0.1', port, secure: false, ...options });
  providers.push(provider);
  return provider;
}

afterEach(async () => {
  await Promise.all(providers.splice(0).map((provider) => provider.close()));
});

async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the SMTP provider', () => {
  let server: TestSmtpServer;

  beforeAll(async () => {
    server = await startSmtpServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('sends what SendGrid would: addresses, reply-to, both bodies and the headers', async () => {
    const email = emailTo('zoe@example.test', {
      messageId: 'msg_01JSMTPSHAPE',
      to: { email: 'zoe@example.test', name: 'Zoë Müller' },
      subject: 'Invoice #INV-1042 is overdue — 7 days',
      textBody: 'Hi Zoë,\ninvoice #INV-1042 for $1200 is 7 days overdue.',
      htmlBody: '<p>Hi Zoë,</p>\n<p>invoice <b>#INV-1042</b> is overdue.</p>',
      headers: {
        'List-Unsubscribe':
          '<https://emivoy.test/unsubscribe/eyJhIjoiYWNjX3Rlc3QifQ.c2lnbmF0dXJl>, ' +
          '<mailto:unsubscribe@acme.test?subject=unsubscribe>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });

    const result = await providerFor(server.port).send(email);

    expect(result).toEqual({
      outcome: 'accepted',
      providerMessageId: '<msg_01JSMTPSHAPE@acme.test>',
      status: 'sent',
    });
    const delivered = server.received.find((mail) => mail.rcptTo.includes('zoe@example.test'));
    expect(delivered).toMatchObject({ mailFrom: 'billing@acme.test' });
    const message = parseMessage(delivered?.raw ?? '');
    expect(addressIn(message.headers.get('from'))).toEqual({
      name: 'Acme Billing',
      address: 'billing@acme.test',
    });
    expect(addressIn(message.headers.get('to'))).toEqual({
      name: 'Zoë Müller',
      address: 'zoe@example.test',
    });
    expect(addressIn(message.headers.get('reply-to'))?.address).toBe('support@acme.test');
    expect(message.headers.get('subject')).toBe(email.subject);
    expect(message.headers.get('message-id')).toBe('<msg_01JSMTPSHAPE@acme.test>');
    expect(message.headers.get('x-emivoy-message-id')).toBe('msg_01JSMTPSHAPE');
    expect(message.headers.get('list-unsubscribe')).toBe(email.headers['List-Unsubscribe']);
    expect(message.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(message.headers.get('content-type')).toMatch(/^multipart\/alternative;/);
    expect(message.parts.get('text/plain')).toBe(email.textBody);
    expect(message.parts.get('text/html')).toBe(email.htmlBody);
  });

  it('sends a repeat of a message with the same Message-ID', async () => {
    const provider = providerFor(server.port);
    const email = emailTo('repeat@example.test', { messageId: 'msg_01JREPEAT' });

    await provider.send(email);
    await provider.send(email);

    const copies = server.received.filter((mail) => mail.rcptTo.includes('repeat@example.test'));
    const ids = copies.map((mail) => parseMessage(mail.raw).headers.get('message-id'));
    expect(ids).toEqual(['<msg_01JREPEAT@acme.test>', '<msg_01JREPEAT@acme.test>']);
  });

  it('sends a text-only message without a name or reply-to', async () => {
    const email = emailTo('plain@example.test', {
      from: { email: 'billing@acme.test', name: null },
      replyTo: null,
      htmlBody: null,
    });

    expect(await providerFor(server.port).send(email)).toMatchObject({ outcome: 'accepted' });

    const delivered = server.received.find((mail) => mail.rcptTo.includes('plain@example.test'));
    const message = parseMessage(delivered?.raw ?? '');
    expect(addressIn(message.headers.get('from'))).toEqual({
      name: '',
      address: 'billing@acme.test',
    });
    expect(message.headers.has('reply-to')).toBe(false);
    expect(message.parts.get('text/plain')).toBe(email.textBody);
    expect(message.parts.has('text/html')).toBe(false);
  });

  it.each([
    ['RCPT TO', deferredAtRcpt, '451 4.3.0 Mailbox busy, try again later'],
    ['DATA', deferredAtData, '451 4.7.1 Greylisted, come back in five minutes'],
  ])('retries when the server defers at %s with a 4xx reply', async (step, to, reply) => {
    const result = await providerFor(server.port).send(emailTo(to));

    expect(result).toEqual({
      outcome: 'retry',
      error: `127.0.0.1:${server.port} answered ${step} with: ${reply}`,
    });
  });

  it('fails a message the server refuses with a 5xx reply, in the server’s words', async () => {
    const result = await providerFor(server.port).send(emailTo(unknownRecipient));

    expect(result).toEqual({
      outcome: 'rejected',
      error: `127.0.0.1:${server.port} answered RCPT TO with: 550 5.1.1 No such user here`,
    });
  });

  it('fails a message whose address nodemailer cannot read, without asking again', async () => {
    const result = await providerFor(server.port).send(emailTo('not an address'));

    expect(result).toEqual({
      outcome: 'rejected',
      error: `sending through 127.0.0.1:${server.port} failed: No recipients defined`,
    });
  });

  it('retries while the server is down, and verify() says it could not connect', async () => {
    const port = await closedPort();
    const provider = providerFor(port, { username, password });

    const result = await provider.send(emailTo('nobody-home@example.test'));
    const verified = await provider.verify();

    expect(result.outcome).toBe('retry');
    expect(result).toMatchObject({ error: expect.stringContaining('ECONNREFUSED') });
    expect(verified.ok).toBe(false);
    expect(verified.detail).toMatch(new RegExp(`^Could not connect to 127\\.0\\.0\\.1:${port}: `));
  });

  it('reuses a few pooled connections for many messages and ends them on close()', async () => {
    const pooled = await startSmtpServer();
    try {
      const provider = providerFor(pooled.port);
      for (let i = 0; i < 4; i++) await provider.send(emailTo(`one-by-one-${i}@example.test`));
      expect(pooled.sessions.opened).toBe(1);

      const burst = Array.from({ length: 12 }, (_, i) => emailTo(`burst-${i}@example.test`));
      const results = await Promise.all(burst.map((email) => provider.send(email)));

      expect(results.every((result) => result.outcome === 'accepted')).toBe(true);
      expect(pooled.received).toHaveLength(16);
      expect(pooled.sessions.opened).toBeLessThanOrEqual(3);
      await provider.close();
      await eventually(() => pooled.sessions.open === 0);
    } finally {
      await pooled.close();
    }
  });

  it('verifies a server that needs no login', async () => {
    const verified = await providerFor(server.port).verify();

    expect(verified).toEqual({
      ok: true,
      detail: `Connected to 127.0.0.1:${server.port}; no login is configured.`,
    });
  });
});

describe('the SMTP provider logging in', () => {
  it.each(['PLAIN', 'LOGIN'])('logs in with %s before sending', async (method) => {
    const server = await startSmtpServer({
      authOptional: false,
      allowInsecureAuth: true,
      authMethods: [method],
      onAuth: checkLogin,
    });
    try {
      const provider = providerFor(server.port, { username, password });

      expect(await provider.verify()).toEqual({
        ok: true,
        detail: `Connected to 127.0.0.1:${server.port} and logged in as ada.`,
      });
      expect(await provider.send(emailTo('login@example.test'))).toMatchObject({
        outcome: 'accepted',
      });
      expect(server.received[0]?.user).toEqual({ username, method });
    } finally {
      await server.close();
    }
  });

  describe('with the wrong settings', () => {
    let server: TestSmtpServer;

    beforeAll(async () => {
      server = await startSmtpServer({
        authOptional: false,
        allowInsecureAuth: true,
        onAuth: checkLogin,
      });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('flags a refused password as a credentials problem, without the password', async () => {
      const wrong = 'Tr0ub4dor&3-not-it';
      const refusal = '535 5.7.8 Bad password [password] for ada';
      const provider = providerFor(server.port, { username, password: wrong });

      const result = await provider.send(emailTo('login@example.test'));
      const verified = await provider.verify();

      expect(result).toEqual({
        outcome: 'rejected',
        error: `127.0.0.1:${server.port} refused the login: ${refusal}`,
        credentialsRejected: true,
      });
      expect(verified).toEqual({
        ok: false,
        detail: `The SMTP server refused the login: ${refusal}`,
      });
      expect(JSON.stringify([result, verified])).not.toContain(wrong);
      expect(server.received).toHaveLength(0);
    });

    it('flags a server that wants a login when none is configured (530)', async () => {
      const provider = providerFor(server.port);

      const result = await provider.send(emailTo('login@example.test'));

      expect(result).toMatchObject({ outcome: 'rejected', credentialsRejected: true });
      expect(result).toMatchObject({ error: expect.stringContaining('MAIL FROM with: 530') });
    });

    it('keeps the password out of every failure', async () => {
      const down = providerFor(await closedPort(), { username, password });
      const refused = providerFor(server.port, { username, password: `${password}!` });

      const failures = await Promise.all([
        down.send(emailTo('down@example.test')),
        down.verify(),
        refused.send(emailTo('refused@example.test')),
        refused.verify(),
      ]);

      for (const failure of failures) expect(JSON.stringify(failure)).not.toContain(password);
    });
  });
});

describe('the SMTP provider over TLS', () => {
  let certificate: { key: Buffer; cert: Buffer };
  let tlsServer: TestSmtpServer;
  let plainServer: TestSmtpServer;

  beforeAll(async () => {
    certificate = selfSignedCertificate();
    tlsServer = await startSmtpServer({
      ...certificate,
      disabledCommands: [],
      authOptional: false,
      // No allowInsecureAuth: the server offers AUTH only once STARTTLS has succeeded.
      onAuth: checkLogin,
    });
    plainServer = await startSmtpServer();
  });
  afterAll(async () => {
    await tlsServer?.close();
    await plainServer?.close();
  });

  it('upgrades with STARTTLS before logging in and sending', async () => {
    const provider = providerFor(tlsServer.port, {
      requireTls: true,
      tlsRejectUnauthorized: false,
      username,
      password,
    });

    expect(await provider.send(emailTo('tls@example.test'))).toMatchObject({
      outcome: 'accepted',
    });
    expect(tlsServer.received[0]).toMatchObject({ secure: true, rcptTo: ['tls@example.test'] });
  });

  it('sends nothing in plain text when STARTTLS is required but not offered', async () => {
    const provider = providerFor(plainServer.port, { requireTls: true });

    const result = await provider.send(emailTo('must-be-tls@example.test'));
    const verified = await provider.verify();

    expect(result.outcome).toBe('retry');
    expect(plainServer.received).toHaveLength(0);
    expect(verified.detail).toBe(
      `Connected to 127.0.0.1:${plainServer.port}, but STARTTLS failed: ` +
        '500 Error: command not recognized',
    );
  });

  it('refuses a certificate it cannot trust, unless told otherwise', async () => {
    const provider = providerFor(tlsServer.port, { requireTls: true, username, password });

    const result = await provider.send(emailTo('untrusted@example.test'));
    const verified = await provider.verify();

    expect(result).toMatchObject({ outcome: 'retry', error: expect.stringMatching(/certificate/) });
    expect(verified.ok).toBe(false);
    expect(verified.detail).toBe(
      `Could not connect to 127.0.0.1:${tlsServer.port}: ` +
        'self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)',
    );
  });

  it('speaks implicit TLS from the first byte when secure is set', async () => {
    const implicit = await startSmtpServer({ ...certificate, secure: true });
    try {
      const provider = providerFor(implicit.port, { secure: true, tlsRejectUnauthorized: false });

      expect(await provider.send(emailTo('port465@example.test'))).toMatchObject({
        outcome: 'accepted',
      });
      expect(implicit.received[0]).toMatchObject({ secure: true });
    } finally {
      await implicit.close();
    }
  });
});

/** A throwaway certificate for `localhost`, made with the openssl command line. */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'emivoy-smtp-tls-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    const subject = ['-days', '1', '-subj', '/CN=localhost'];
    const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert];
    execFileSync('openssl', [...args, ...subject], { stdio: 'ignore' });
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// A minimal reader for what nodemailer writes: one level of multipart, headers with RFC 2047
// encoded words, bodies in 7bit, quoted-printable or base64. mailparser is not installed.

interface ParsedMessage {
  headers: Map<string, string>;
  /** Decoded bodies by content type, line breaks as `\n`. */
  parts: Map<string, string>;
}

function parseMessage(raw: string): ParsedMessage {
  const root = parseEntity(raw);
  const contentType = root.headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  const entities = boundary ? partsOf(root.body, boundary).map(parseEntity) : [root];
  const parts = new Map<string, string>();
  for (const entity of entities) {
    const type = (entity.headers.get('content-type') ?? 'text/plain').split(';')[0] ?? '';
    parts.set(
      type.trim(),
      decodeBody(entity.body, entity.headers.get('content-transfer-encoding')),
    );
  }
  return { headers: root.headers, parts };
}

function parseEntity(raw: string): { headers: Map<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, end).replace(/\r\n(?=[ \t])/g, '');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    const value = line.slice(colon + 1).trim();
    headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(value));
  }
  return { headers, body: raw.slice(end + 4) };
}

function partsOf(body: string, boundary: string): string[] {
  const [, ...sections] = body.split(`--${boundary}`);
  return sections
    .filter((section) => !section.startsWith('--'))
    .map((section) => section.replace(/^\r\n/, '').replace(/\r\n$/, ''));
}

function decodeBody(body: string, encoding = '7bit'): string {
  const text = body.replace(/\r\n$/, '');
  if (encoding === 'base64') return lf(Buffer.from(text, 'base64').toString('utf8'));
  if (encoding === 'quoted-printable') return lf(decodeQuotedPrintable(text.replace(/=\r\n/g, '')));
  return lf(text);
}

function decodeWords(value: string): string {
  // Whitespace between two encoded words is folding, not text (RFC 2047, section 6.2).
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_word, kind: string, text: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=') {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(text.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function lf(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

function addressIn(header: string | undefined): { name: string; address: string } | undefined {
  const match = /^(?:"?(.*?)"?\s*)?<([^>]+)>$/.exec(header ?? '');
  if (match) return { name: match[1] ?? '', address: match[2] ?? '' };
  return header ? { name: '', address: header } : undefined;
}
