import type { Kysely } from 'kysely';
import { newId } from '../../packages/server/src/ids.js';
import type { Database } from '../../packages/server/src/store/database.js';
import { type NewMessage, queueMessages } from '../../packages/server/src/store/messages-store.js';

/**
 * Queues `count` messages as a send_email step would (the store's own `queueMessages`, with
 * its status history), each its own run and recipient, all due now. For the delivery and
 * worker benchmarks, which measure what happens after a step: claim, provider, outcome.
 */
export async function queueBenchMessages(
  db: Kysely<Database>,
  options: { accountId: string; count: number; livemode: boolean; provider: string },
): Promise<void> {
  const now = Date.now();
  const messages: NewMessage[] = Array.from({ length: options.count }, (_, index) => ({
    account_id: options.accountId,
    run_id: newId('run', now),
    step_index: 0,
    event_id: newId('evt', now),
    entity_id: `acct_${index % 1000}`,
    contact_id: null,
    template_id: 'tpl_bench',
    livemode: options.livemode ? 1 : 0,
    provider: options.provider,
    to_email: `billing-${index}@customer.example`,
    to_name: `Jane Smith ${index}`,
    subject: `Invoice INV-${index} is 7 days overdue (#${index})`,
    text_body:
      `Hi Jane Smith ${index}, invoice #INV-${index} for $1200 is 7 days overdue. ` +
      'Please pay it at your earliest convenience.\n\nCustomer billing',
    html_body:
      `<p>Hi Jane Smith ${index},</p><p>invoice <b>#INV-${index}</b> for $1200 is 7 days ` +
      'overdue.</p><p>Customer billing</p>',
  }));
  // Chunks keep each statement under SQLite's limit on bound parameters.
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < messages.length; start += 500) {
      await queueMessages(trx, messages.slice(start, start + 500), now);
    }
  });
}

/** How many of the account's messages are still queued (not yet delivered or captured). */
export async function queuedCount(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('status', '=', 'queued')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
