import type { EmailProvider, OutgoingEmail, SendResult } from '../providers/email-provider.js';
import type { DeliveryOutcome, MessageRow } from '../store/messages-store.js';
import { deliveryBackoffMs, maxDeliveryAttempts } from './delivery-backoff.js';
import type { EngineContext } from './engine-context.js';

/** How one message leaves: the provider, and the sender and headers the account set. */
export interface DeliveryRoute {
  provider: EmailProvider;
  from: OutgoingEmail['from'];
  replyTo: string | null;
  /** Headers for one recipient, such as their own one-click unsubscribe link. */
  headersFor(message: MessageRow): Record<string, string>;
  /** The provider refused the credentials themselves: flag the settings for a person. */
  credentialsRejected?(error: string): Promise<void>;
}

/** Chooses the route of a message; the outbox for test mode and unconfigured accounts. */
export type RouteFor = (message: MessageRow) => Promise<DeliveryRoute>;

/**
 * One delivery attempt of a claimed message. The provider call happens outside any
 * transaction; the outcome is handed to `record`, which stores it only while this worker
 * still holds the lease. The attempt ends when the provider has answered: the outcome
 * commits in the background (with the others of its turn), so a slow commit does not
 * hold a delivery slot. Whoever needs outcomes stored waits for the recorder.
 *
 * NOTE: this is the at-least-once window. If the process dies after the provider accepted the
 * message and before the outcome is recorded, the lease expires and the message is sent
 * again. The provider gets the message id (SendGrid `custom_args`) to recognise the repeat.
 */
export async function deliverMessage(
  ctx: EngineContext,
  message: MessageRow,
  routeFor: RouteFor,
  record: RecordOutcome,
): Promise<DeliveryOutcome> {
  let result: SendResult;
  try {
    const route = await routeFor(message);
    result = await route.provider.send({
      messageId: message.id,
      accountId: message.account_id,
      from: route.from,
      replyTo: route.replyTo,
      to: { email: message.to_email, name: message.to_name },
      subject: message.subject,
      textBody: message.text_body,
      htmlBody: message.html_body,
      headers: route.headersFor(message),
    });
    if (result.outcome === 'rejected' && result.credentialsRejected) {
      await route.credentialsRejected?.(result.error);
    }
  } catch (error) {
    // A provider that throws is treated like a network error: worth another try.
    result = { outcome: 'retry', error: error instanceof Error ? error.message : String(error) };
  }

  const outcome = outcomeOf(result, message.attempts, ctx.now());
  recordInBackground(ctx, message, outcome, record);
  return outcome;
}

/** Stores what came of an attempt, or how a batch went; logs what is worth saying. */
export type RecordOutcome = (message: MessageRow, outcome: DeliveryOutcome) => Promise<boolean>;

/** Hands an outcome to the recorder and logs, once it is stored, what is worth saying. */
export function recordInBackground(
  ctx: EngineContext,
  message: MessageRow,
  outcome: DeliveryOutcome,
  record: RecordOutcome,
): void {
  record(message, outcome).then(
    (recorded) => {
      // A child logger per message costs more than the rest of a delivery: most deliveries
      // succeed and log nothing at the usual level, so it is made only when there is more
      // to say.
      const quiet = recorded && outcome.status !== 'failed' && outcome.status !== 'queued';
      if (quiet && !ctx.logger.isLevelEnabled('debug')) return;
      const log = ctx.logger.child({
        messageId: message.id,
        runId: message.run_id,
        attempt: message.attempts,
      });
      if (!recorded) log.warn('delivery outcome dropped: the lease was taken over meanwhile');
      else if (outcome.status === 'failed') log.warn({ error: outcome.error }, 'message failed');
      else if (outcome.status === 'queued')
        log.info({ error: outcome.error }, 'delivery will be retried');
      else log.debug({ status: outcome.status }, 'message delivered to provider');
    },
    (error: unknown) => {
      // The lease expires and the message is delivered again, inside the documented
      // at-least-once window.
      ctx.logger.error({ err: error, messageId: message.id }, 'delivery outcome not recorded');
    },
  );
}

export function outcomeOf(result: SendResult, attempts: number, now: number): DeliveryOutcome {
  if (result.outcome === 'accepted') {
    return { status: result.status, providerMessageId: result.providerMessageId };
  }
  if (result.outcome === 'rejected') return { status: 'failed', error: result.error };
  if (attempts >= maxDeliveryAttempts) {
    return { status: 'failed', error: `gave up after ${attempts} attempts: ${result.error}` };
  }
  return {
    status: 'queued',
    nextAttemptAt: now + deliveryBackoffMs(attempts, result.retryAfterMs),
    error: result.error,
  };
}
