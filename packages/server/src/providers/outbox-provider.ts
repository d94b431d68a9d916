import type { EmailProvider, SendResult } from './email-provider.js';

/**
 * The built-in outbox: it sends nothing. The message row already holds the rendered mail, so
 * capturing it is only a status; `GET /messages` and the console show it. Test-mode messages
 * and accounts without a provider always end here.
 */
export const outboxProvider: EmailProvider = {
  name: 'outbox',
  send: async (): Promise<SendResult> => ({
    outcome: 'accepted',
    providerMessageId: null,
    status: 'captured',
  }),
  verify: async () => ({
    ok: true,
    detail: 'The outbox needs no credentials: it keeps every message and sends none.',
  }),
  close: async () => {},
};
