import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from './harness/test-database.js';
import { startTestServer, type TestServer } from './harness/test-server.js';

/** A real SMTP server that wants a login, keeping every message it accepts. */
async function startMailbox(credentials: { username: string; password: string }) {
  const received: Array<{ raw: string; rcptTo: string[]; user: unknown }> = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      const ok = auth.username === credentials.username && auth.password === credentials.password;
      if (!ok)
        return callback(Object.assign(new Error('5.7.8 bad credentials'), { responseCode: 535 }));
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const rcptTo = session.envelope.rcptTo.map((r) => r.address);
        received.push({ raw: Buffer.concat(chunks).toString('utf8'), rcptTo, user: session.user });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(testDialects())('delivery through SMTP settings on %s', (dialect) => {
  const credentials = { username: 'emivoy', password: 'smtp-secret-for-tests' };
  let mailbox: Awaited<ReturnType<typeof startMailbox>>;
  let server: TestServer;

  beforeAll(async () => {
    mailbox = await startMailbox(credentials);
    server = await startTestServer(dialect, {
      env: { EMIVOY_PUBLIC_URL: 'https://mail.example.test' },
    });
    const post = (url: string, body: unknown) => server.request('POST', url, { body });
    await post('/api/v1/entities', {
      external_id: 'acct_123',
      entity_type: 'account',
      name: 'Acme Corp',
    });
    await post('/api/v1/contacts', {
      entity_id: 'acct_123',
      role: 'billing_contact',
      email: 'billing@acme.com',
      name: 'Jane Smith',
    });
    const template = await post('/api/v1/templates', {
      name: 'Hello',
      subject: 'Hello {{contact_name}}',
      text_body: 'Invoice {{invoice_id}}',
    });
    await post('/api/v1/policies', {
      name: 'Hello',
      event_type: 'hello',
      steps: [{ type: 'send_email', template_id: template.body.template_id }],
    });
  });
  afterAll(async () => {
    await server?.close();
    await mailbox?.close();
  });

  it('verifies the login, sends through the SMTP server, and never returns the password', async () => {
    const saved = await server.request('PUT', '/api/v1/settings/email-provider', {
      body: {
        provider: 'smtp',
        from_email: 'billing@yourco.example',
        from_name: 'YourCo',
        smtp: { host: '127.0.0.1', port: mailbox.port, secure: false, ...credentials },
      },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ provider: 'smtp', smtp_password_set: true });
    expect(JSON.stringify(saved.body)).not.toContain(credentials.password);
    const verified = await server.request('POST', '/api/v1/settings/email-provider/verify', {
      body: {},
    });
    expect(verified.body.ok).toBe(true);

    const posted = await server.request('POST', '/api/v1/events', {
      body: { event_type: 'hello', entity_id: 'acct_123', data: { invoice_id: 'INV-9' } },
    });
    await server.worker.drain();
    const messages = await server.request(
      'GET',
      `/api/v1/messages?event_id=${posted.body.event_id}`,
    );
    expect(messages.body.data).toMatchObject([{ status: 'sent', provider: 'smtp' }]);

    expect(mailbox.received).toHaveLength(1);
    const [mail] = mailbox.received;
    // Long headers arrive folded over lines; unfold them to read them (RFC 5322 §2.2.3).
    const raw = mail?.raw.replace(/\r\n[ \t]+/g, ' ');
    expect(mail?.user).toBe(credentials.username);
    expect(mail?.rcptTo).toEqual(['billing@acme.com']);
    expect(raw).toContain('Subject: Hello Jane Smith');
    expect(raw).toMatch(/^From: "?YourCo"? <billing@yourco\.example>/m);
    expect(raw).toMatch(/^List-Unsubscribe: <https:\/\/mail\.example\.test\/unsubscribe\/[^>]+>/m);
    expect(raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    // Header names are case-insensitive; nodemailer writes this one as X-Emivoy-Message-ID.
    const messageId = messages.body.data[0].message_id;
    expect(raw).toMatch(new RegExp(`^X-Emivoy-Message-Id: ${messageId}\\r?$`, 'im'));
  });

  it('turns the settings to needs_attention when the SMTP server refuses the login', async () => {
    await server.request('PUT', '/api/v1/settings/email-provider', {
      body: {
        provider: 'smtp',
        from_email: 'billing@yourco.example',
        smtp: {
          host: '127.0.0.1',
          port: mailbox.port,
          secure: false,
          username: 'emivoy',
          password: 'wrong',
        },
      },
    });
    const verified = await server.request('POST', '/api/v1/settings/email-provider/verify', {
      body: {},
    });
    expect(verified.body).toMatchObject({ ok: false });
    expect(verified.body.detail).not.toContain('wrong');

    const posted = await server.request('POST', '/api/v1/events', {
      body: { event_type: 'hello', entity_id: 'acct_123', data: { invoice_id: 'INV-10' } },
    });
    await server.worker.drain();
    const messages = await server.request(
      'GET',
      `/api/v1/messages?event_id=${posted.body.event_id}`,
    );
    expect(messages.body.data[0]).toMatchObject({ status: 'failed' });
    const settings = await server.request('GET', '/api/v1/settings/email-provider');
    expect(settings.body.status).toBe('needs_attention');
  });
});
