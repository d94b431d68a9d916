import { Type } from '@sinclair/typebox';
import { derivedKey } from '../../domain/secret-box.js';
import { verifyUnsubscribeToken } from '../../domain/unsubscribe-token.js';
import { findAccount } from '../../store/accounts-store.js';
import { addSuppression } from '../../store/suppressions-store.js';
import type { App } from '../app-context.js';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font-size:1rem;padding:.6rem 1.2rem;cursor:pointer}</style></head><body>${body}</body></html>`;
}

/**
 * One-click unsubscribe (RFC 8058), without login: the signed token in the link names the
 * account and the address. GET shows a confirmation page (mail scanners follow GET links, so
 * GET changes nothing); POST, from the page or from the mail client, suppresses at once.
 */
export async function unsubscribeRoutes(app: App): Promise<void> {
  const { db } = app.services.database;
  const key = derivedKey(app.services.masterKey, 'unsubscribe');
  // Mail clients post `List-Unsubscribe=One-Click` as a form of either kind; the token alone decides.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  const params = Type.Object({ token: Type.String({ maxLength: 3000 }) });
  const schema = { hide: true, params };

  app.get('/unsubscribe/:token', { schema }, async (request, reply) => {
    const subject = verifyUnsubscribeToken(key, request.params.token);
    reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store');
    if (!subject)
      return reply
        .code(400)
        .send(
          page(
            'Link not valid',
            '<h1>This unsubscribe link is not valid</h1><p>It may have been changed or cut short. Use the link from the email itself.</p>',
          ),
        );

    const account = await findAccount(db, subject.accountId);
    const sender = escapeHtml(account?.name ?? 'this sender');
    return reply.send(
      page(
        'Unsubscribe',
        `<h1>Unsubscribe?</h1><p>Stop emails from <strong>${sender}</strong> to <strong>${escapeHtml(subject.email)}</strong>.</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
      ),
    );
  });

  app.post('/unsubscribe/:token', { schema }, async (request, reply) => {
    const subject = verifyUnsubscribeToken(key, request.params.token);
    reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store');
    if (!subject)
      return reply
        .code(400)
        .send(page('Link not valid', '<h1>This unsubscribe link is not valid</h1>'));

    await addSuppression(
      db,
      {
        account_id: subject.accountId,
        email: subject.email,
        reason: 'unsubscribe',
        detail: 'one-click unsubscribe link',
      },
      app.services.now(),
    );
    request.log.info({ accountId: subject.accountId }, 'address unsubscribed through its link');
    return reply.send(
      page(
        'Unsubscribed',
        `<h1>You are unsubscribed</h1><p>${escapeHtml(subject.email)} will get no more of these emails.</p>`,
      ),
    );
  });
}
