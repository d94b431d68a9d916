import { randomBytes } from 'node:crypto';

/**
 * A SendGrid mail/send body of the shape and size Emivoy sends for the bench's template
 * (providers/sendgrid-provider.ts): one personalization with the message's custom_args,
 * text and HTML parts, and the one-click unsubscribe headers. The floors send this.
 */
export function mailSendBody(n: number): Record<string, unknown> {
  const messageId = `msg_${randomBytes(13).toString('hex')}`;
  const token = randomBytes(110).toString('base64url');
  return {
    personalizations: [
      {
        to: [{ email: `billing-${n % 1000}@customer.example`, name: `Jane Smith ${n % 1000}` }],
        custom_args: { emivoy_message_id: messageId, emivoy_account_id: 'acc_bench' },
      },
    ],
    from: { email: 'billing@bench.example', name: 'Bench Co billing' },
    subject: `Invoice INV-${n} is 7 days overdue (#${n})`,
    content: [
      {
        type: 'text/plain',
        value:
          `Hi Jane Smith ${n % 1000}, invoice #INV-${n} for $1200 is 7 days overdue. ` +
          'Please pay it at your earliest convenience.\n\nCustomer billing',
      },
      {
        type: 'text/html',
        value:
          `<p>Hi Jane Smith ${n % 1000},</p><p>invoice <b>#INV-${n}</b> for $1200 is 7 days ` +
          'overdue.</p><p>Customer billing</p>',
      },
    ],
    headers: {
      'List-Unsubscribe': `<http://localhost:8080/unsubscribe/${token}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}
