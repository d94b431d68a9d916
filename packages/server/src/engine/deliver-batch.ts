import { groupBySharedContent } from '../domain/shared-content.js';
import type { SendResult } from '../providers/email-provider.js';
import type { MessageRow } from '../store/messages-store.js';
import {
  type DeliveryRoute,
  deliverMessage,
  outcomeOf,
  type RecordOutcome,
  type RouteFor,
  recordInBackground,
} from './deliver-message.js';
import type { EngineContext } from './engine-context.js';

/** One message at a time this many at once, when a batch has to be sent message by message. */
const oneByOneConcurrency = 16;

/**
 * Delivers the messages one step queued for one entity's contacts. Where the provider takes
 * batches (SendGrid: up to 1,000 personalizations a request), messages whose bodies differ
 * only by the recipient's address and name go in one call; the rest go one by one.
 *
 * A batch is answered as a whole. A refusal that is not about the credentials (SendGrid 400:
 * perhaps one bad address) sends that batch again message by message, so that only the
 * message at fault fails; a retryable answer schedules every message of it again, each on
 * its own from then on.
 */
export async function deliverBatch(
  ctx: EngineContext,
  messages: MessageRow[],
  routeFor: RouteFor,
  record: RecordOutcome,
): Promise<void> {
  const [first] = messages;
  if (!first) return;
  let route: DeliveryRoute | null = null;
  if (messages.length > 1) {
    try {
      route = await routeFor(first);
    } catch {
      // Each message then meets the same refusal on its own and records it.
    }
  }
  const provider = route?.provider;
  const sendBatch = provider?.sendBatch?.bind(provider);
  if (!route || !provider || !sendBatch) {
    await oneByOne(ctx, messages, routeFor, record);
    return;
  }

  const groups = groupBySharedContent(messages, (message) => ({
    toEmail: message.to_email,
    toName: message.to_name,
    subject: message.subject,
    textBody: message.text_body,
    htmlBody: message.html_body,
  }));
  const fixedRoute = async () => route;
  const maxBatch = provider.maxBatch ?? 1;
  await Promise.all(
    groups.map(async (group) => {
      for (let start = 0; start < group.members.length; start += maxBatch) {
        const chunk = group.members.slice(start, start + maxBatch);
        if (chunk.length === 1) {
          await oneByOne(ctx, [chunk[0]?.item as MessageRow], fixedRoute, record);
          continue;
        }
        let result: SendResult;
        try {
          result = await sendBatch({
            accountId: first.account_id,
            from: route.from,
            replyTo: route.replyTo,
            textBody: group.textBody,
            htmlBody: group.htmlBody,
            recipients: chunk.map(({ item, substitutions }) => ({
              messageId: item.id,
              to: { email: item.to_email, name: item.to_name },
              subject: item.subject,
              headers: route.headersFor(item),
              substitutions,
            })),
          });
        } catch (error) {
          result = {
            outcome: 'retry',
            error: error instanceof Error ? error.message : String(error),
          };
        }
        const items = chunk.map(({ item }) => item);
        if (result.outcome === 'rejected' && !result.credentialsRejected) {
          ctx.logger.info(
            { accountId: first.account_id, messages: items.length, error: result.error },
            'batch refused; sending its messages one by one to find the one at fault',
          );
          await oneByOne(ctx, items, fixedRoute, record);
          continue;
        }
        if (result.outcome === 'rejected') await route.credentialsRejected?.(result.error);
        const now = ctx.now();
        for (const item of items) {
          recordInBackground(ctx, item, outcomeOf(result, item.attempts, now), record);
        }
        ctx.logger.debug(
          { accountId: first.account_id, messages: items.length, outcome: result.outcome },
          'batch delivered to provider',
        );
      }
    }),
  );
}

async function oneByOne(
  ctx: EngineContext,
  messages: MessageRow[],
  routeFor: RouteFor,
  record: RecordOutcome,
): Promise<void> {
  const queue = [...messages];
  const lane = async () => {
    for (let message = queue.shift(); message; message = queue.shift()) {
      await deliverMessage(ctx, message, routeFor, record);
    }
  };
  await Promise.all(Array.from({ length: Math.min(oneByOneConcurrency, queue.length) }, lane));
}
