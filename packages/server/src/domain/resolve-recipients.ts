/** A contact as the engine sees it when choosing who gets a message. */
export interface RecipientContact {
  contact_id: string;
  role: string;
  email: string;
  name: string | null;
  attributes: Record<string, unknown>;
}

export type SkipReason = 'no_contact_for_role' | 'suppressed';

export interface SkippedRecipient {
  reason: SkipReason;
  role?: string;
  email?: string;
  contact_id?: string;
  /** A sentence for the timeline: why this person got nothing. */
  message: string;
}

export interface Recipients {
  recipients: RecipientContact[];
  skipped: SkippedRecipient[];
}

/**
 * Who a `send_email` step mails: the entity's contacts with the wanted roles (null: every
 * contact), one message per distinct address, suppressed addresses skipped. Every skip says
 * why, so "why was nothing sent?" always has an answer.
 */
export function resolveRecipients(
  contacts: RecipientContact[],
  roles: string[] | null,
  suppressed: ReadonlyMap<string, string>,
): Recipients {
  const skipped: SkippedRecipient[] = [];
  const wanted = roles ? contacts.filter((c) => roles.includes(c.role)) : contacts;
  for (const role of roles ?? []) {
    if (!contacts.some((c) => c.role === role)) {
      skipped.push({
        reason: 'no_contact_for_role',
        role,
        message: `the entity has no contact with role "${role}"`,
      });
    }
  }

  const recipients: RecipientContact[] = [];
  const seen = new Set<string>();
  for (const contact of wanted) {
    const email = contact.email.toLowerCase();
    const suppression = suppressed.get(email);
    if (suppression !== undefined) {
      skipped.push({
        reason: 'suppressed',
        role: contact.role,
        email,
        contact_id: contact.contact_id,
        message: `${email} is on the suppression list (${suppression})`,
      });
      continue;
    }
    // One address with two roles gets one email: the first contact found speaks for it.
    if (seen.has(email)) continue;
    seen.add(email);
    recipients.push(contact);
  }
  if (roles === null && contacts.length === 0) {
    skipped.push({ reason: 'no_contact_for_role', message: 'the entity has no contacts' });
  }
  return { recipients, skipped };
}
