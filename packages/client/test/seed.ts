/** The documentation's getting-started example (shared/seed/emivoy-docs.txt), as test data. */
export const seedEntity = {
  external_id: 'acct_123',
  entity_type: 'account',
  name: 'Acme Corp',
};

export const seedContact = {
  entity_id: 'acct_123',
  role: 'billing_contact',
  email: 'billing@acme.com',
  name: 'Jane Smith',
};

export const seedTemplate = {
  name: 'Invoice Overdue',
  subject: 'Invoice #{{invoice_id}} is overdue',
  text_body:
    'Hi {{contact_name}}, invoice #{{invoice_id}} for ${{amount}} is {{days_overdue}} days overdue.',
  html_body: '<p>Hi {{contact_name}},...</p>',
};

export const seedReminderTemplate = {
  name: 'Invoice Overdue Reminder',
  subject: 'Reminder: invoice #{{invoice_id}} is still overdue',
  text_body: 'Hi {{contact_name}}, invoice #{{invoice_id}} for ${{amount}} is still open.',
};

/** The seed policy: email, wait three days, email again. */
export function seedPolicy(templateId: string, reminderId: string) {
  return {
    name: 'Invoice Overdue Notifications',
    event_type: 'invoice.overdue',
    steps: [
      { type: 'send_email', template_id: templateId },
      { type: 'wait', duration: '3d' },
      { type: 'send_email', template_id: reminderId },
    ],
  };
}

export const seedEvent = {
  event_type: 'invoice.overdue',
  entity_id: 'acct_123',
  data: { invoice_id: 'INV-1042', amount: 1200, days_overdue: 7 },
};
