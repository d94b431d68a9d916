import type { NewMessage } from '../../src/store/messages-store.js';

/**
 * `count` messages of one run's first step, to addresses r0@x.test, r1@x.test, …, for tests
 * that work on stored messages without a policy behind them (the messages table has no
 * foreign keys). `bodies` sets their text and HTML parts.
 */
export function newMessages(
  runId: string,
  count: number,
  bodies: { text: string; html: string | null } = { text: 'Hello', html: null },
): NewMessage[] {
  return Array.from({ length: count }, (_, index) => ({
    account_id: 'acc_1',
    run_id: runId,
    step_index: 0,
    event_id: 'evt_1',
    entity_id: 'ent_1',
    contact_id: null,
    template_id: 'tpl_1',
    livemode: 1,
    provider: 'sendgrid',
    to_email: `r${index}@x.test`,
    to_name: null,
    subject: 'Hello',
    text_body: bodies.text,
    html_body: bodies.html,
  }));
}
