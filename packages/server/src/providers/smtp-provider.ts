import { createTransport, type NodemailerError, type SendMailOptions } from 'nodemailer';
import type { EmailProvider, OutgoingEmail, SendResult } from './email-provider.js';

/** Where an account's mail server is and how to log in to it. */
export interface SmtpProviderOptions {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (usually port 465); otherwise STARTTLS when offered. */
  secure: boolean;
  /** Refuse to send unless STARTTLS succeeds, instead of falling back to plain text. */
  requireTls?: boolean;
  username?: string;
  password?: string;
  /** Default true. Only tests turn it off, for a self-signed certificate. */
  tlsRejectUnauthorized?: boolean;
}

/** One account's worker batch shares these; a mail server limits connections per client. */
const maxConnections = 3;

/**
 * A whole send, queueing in the pool included, ends within this. It stays below the worker's
 * 30 s lease: a send still running when the lease expires would be sent again by another worker.
 */
const sendTimeoutMs = 20_000;

/** RFC 4954 replies that say the login itself is wrong: required, too weak, invalid, needs TLS. */
const loginRefusals = new Set([530, 534, 535, 538]);

/** Failures that carry no verdict on the message: the connection never got that far. */
const connectionFailures = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ETLS']);

/** Nodemailer's own refusals of a message, before any server saw it: no recipient, too big. */
const localRefusals = new Set(['EENVELOPE', 'EMESSAGE']);

/**
 * Sends through the account's own SMTP server, over one pool of connections per provider:
 * `close()` ends them. The message has the shape of the SendGrid one, and a Message-ID built
 * from Emivoy's message id so that a repeat (at-least-once delivery) carries the same id.
 */
export function createSmtpProvider(options: SmtpProviderOptions): EmailProvider {
  const server = `${options.host}:${options.port}`;
  const transport = createTransport({
    pool: true,
    maxConnections,
    host: options.host,
    port: options.port,
    secure: options.secure,
    requireTLS: options.requireTls ?? false,
    tls: { rejectUnauthorized: options.tlsRejectUnauthorized ?? true },
    // Without it nodemailer skips the login when the server does not offer AUTH, and the
    // mail would go out unauthenticated although the account configured credentials.
    forceAuth: options.username !== undefined,
    ...(options.username !== undefined
      ? { auth: { user: options.username, pass: options.password ?? '' } }
      : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 15_000,
  });
  // The pool reports failures to each send; an unheard 'error' event would end the process.
  transport.on('error', () => {});
  const redact = redactorOf(options.password);

  return {
    name: 'smtp',
    async send(email) {
      try {
        const mail = { ...mailOf(email), signal: AbortSignal.timeout(sendTimeoutMs) };
        const info = await transport.sendMail(mail);
        return { outcome: 'accepted', providerMessageId: info.messageId, status: 'sent' };
      } catch (error) {
        return sendResultOf(asSmtpError(error), server, redact);
      }
    },
    async verify() {
      try {
        await transport.verify();
        return { ok: true, detail: verifiedDetail(server, options.username) };
      } catch (error) {
        return { ok: false, detail: redact(verifyFailureDetail(asSmtpError(error), server)) };
      }
    },
    async close() {
      // Idle connections close now; one in the middle of a message finishes it first.
      transport.close();
    },
  };
}

function mailOf(email: OutgoingEmail): SendMailOptions {
  return {
    from: addressOf(email.from),
    to: addressOf(email.to),
    replyTo: email.replyTo ?? undefined,
    subject: email.subject,
    text: email.textBody ?? undefined,
    html: email.htmlBody ?? undefined,
    // The mail composer sets Message-ID last, so an extra header cannot replace it.
    messageId: `<${email.messageId}@${domainOf(email.from.email)}>`,
    headers: { ...email.headers, 'X-Emivoy-Message-Id': email.messageId },
  };
}

function addressOf(who: OutgoingEmail['from']): string | { name: string; address: string } {
  return who.name ? { name: who.name, address: who.email } : who.email;
}

/** The right-hand side of a Message-ID names the sender's domain, as mail clients do. */
function domainOf(email: string): string {
  const at = email.lastIndexOf('@');
  return at >= 0 && at < email.length - 1 ? email.slice(at + 1) : 'emivoy.invalid';
}

function sendResultOf(
  error: NodemailerError,
  server: string,
  redact: (text: string) => string,
): SendResult {
  const detail = redact(describeFailure(error, server));
  const verdict = verdictOf(error);
  if (verdict === 'retry') return { outcome: 'retry', error: detail };
  if (verdict === 'login') return { outcome: 'rejected', error: detail, credentialsRejected: true };
  return { outcome: 'rejected', error: detail };
}

/**
 * RFC 5321: a 4xx reply is transient and a 5xx one permanent, except 503 (commands out of
 * sequence), which says the session was in a bad state rather than the message refused.
 */
function verdictOf(error: NodemailerError): 'retry' | 'login' | 'refused' {
  const reply = error.responseCode;
  if (reply !== undefined && reply >= 400 && reply < 500) return 'retry';
  if (error.code === 'EAUTH' || (reply !== undefined && loginRefusals.has(reply))) return 'login';
  // No reply at all: nodemailer refused the message itself (an address it cannot parse),
  // or the connection failed (refused, timed out, aborted) and a minute later it may not.
  if (reply === undefined) return localRefusals.has(error.code ?? '') ? 'refused' : 'retry';
  // A failed TLS upgrade or a dropped connection says nothing about this message.
  if (connectionFailures.has(error.code ?? '') || reply === 503) return 'retry';
  return 'refused';
}

function describeFailure(error: NodemailerError, server: string): string {
  if (error.code === 'EAUTH') return `${server} refused the login: ${replyOrMessage(error)}`;
  if (error.response) return answerOf(error, server);
  if (error.code === 'EABORT') {
    return `${server} did not take the message within ${sendTimeoutMs / 1000} s`;
  }
  return `sending through ${server} failed: ${messageOf(error)}`;
}

/** The server's own words, with the step they answered: `answered RCPT TO with: 550 …`. */
function answerOf(error: NodemailerError, server: string): string {
  // Nodemailer names a reply outside any command (the greeting, a closing reply) `CONN`.
  const step = !error.command || error.command === 'CONN' ? 'the connection' : error.command;
  return `${server} answered ${step} with: ${error.response}`;
}

function verifiedDetail(server: string, username: string | undefined): string {
  if (username === undefined) return `Connected to ${server}; no login is configured.`;
  return `Connected to ${server} and logged in as ${username}.`;
}

function verifyFailureDetail(error: NodemailerError, server: string): string {
  const verdict = verdictOf(error);
  if (verdict === 'login') return `The SMTP server refused the login: ${replyOrMessage(error)}`;
  if (error.code === 'ETLS') {
    return `Connected to ${server}, but STARTTLS failed: ${replyOrMessage(error)}`;
  }
  if (error.response) return answerOf(error, server);
  return `Could not connect to ${server}: ${messageOf(error)}`;
}

/**
 * A socket error keeps Node's own code, which names the cause better than the text does:
 * `self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)`.
 */
function messageOf(error: NodemailerError): string {
  const cause = error.originalCode;
  return cause && !error.message.includes(cause) ? `${error.message} (${cause})` : error.message;
}

function replyOrMessage(error: NodemailerError): string {
  return error.response ?? error.message;
}

function asSmtpError(error: unknown): NodemailerError {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Nodemailer never puts the password in an error, but a server reply is arbitrary text; this
 * keeps the password out of anything stored on a message or shown in the console regardless.
 */
function redactorOf(password: string | undefined): (text: string) => string {
  if (!password) return (text) => text;
  return (text) => text.replaceAll(password, '[password]');
}
