import { Type } from '@sinclair/typebox';
import { verifySendgridSignature } from '../../domain/verify-sendgrid-signature.js';
import { applyWebhookEvents, type SendgridEvent } from '../../engine/apply-webhook-events.js';
import { findProviderSettingsRow } from '../../store/provider-settings-store.js';
import type { App } from '../app-context.js';
import { ApiError } from '../problem.js';
import { errorResponses } from '../schemas/common.js';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

const WebhookOutcome = Type.Object(
  {
    received: Type.Integer(),
    applied: Type.Integer(),
    duplicates: Type.Integer({ description: 'Events seen before (SendGrid retries): ignored' }),
    unmatched: Type.Integer({ description: 'Events about no message of this account' }),
  },
  { title: 'WebhookOutcome' },
);

/**
 * SendGrid's Event Webhook, one URL per account. The signature covers the raw bytes, so
 * this scope keeps them: JSON is parsed here only after it was read whole.
 */
export async function webhookRoutes(app: App): Promise<void> {
  const { db } = app.services.database;
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch {
      done(new ApiError('invalid_json'), undefined);
    }
  });

  app.post(
    '/webhooks/sendgrid/:account_id',
    {
      schema: {
        operationId: 'receiveSendgridEvents',
        tags: ['webhooks'],
        summary:
          "SendGrid's signed Event Webhook: delivery, bounce, open, click, spam and unsubscribe events",
        security: [],
        params: Type.Object({ account_id: Type.String({ maxLength: 100 }) }),
        body: Type.Array(Type.Record(Type.String(), Type.Unknown()), { maxItems: 10_000 }),
        response: { 200: WebhookOutcome, ...errorResponses },
      },
    },
    async (request) => {
      const accountId = request.params.account_id;
      const settings = await findProviderSettingsRow(db, accountId);
      if (!settings?.webhook_verification_key) {
        throw new ApiError(
          'webhook_not_configured',
          'Set webhook_verification_key in the email provider settings',
        );
      }

      const check = verifySendgridSignature({
        publicKey: settings.webhook_verification_key,
        signature: header(request.headers['x-twilio-email-event-webhook-signature']),
        timestamp: header(request.headers['x-twilio-email-event-webhook-timestamp']),
        rawBody: request.rawBody ?? Buffer.alloc(0),
        now: app.services.now(),
      });
      if (check !== 'valid') {
        request.log.warn({ accountId, check }, 'webhook refused');
        throw new ApiError('webhook_signature_invalid', signatureMessages[check]);
      }

      const outcome = await applyWebhookEvents(
        db,
        accountId,
        request.body as SendgridEvent[],
        app.services.now(),
      );
      request.log.info({ accountId, ...outcome }, 'webhook applied');
      return outcome;
    },
  );
}

const signatureMessages = {
  missing: 'The request carries no SendGrid signature and timestamp headers',
  stale: 'The signed timestamp is more than ten minutes away from now: refused as a replay',
  forged: 'The signature does not match the body with this account’s verification key',
} as const;

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
