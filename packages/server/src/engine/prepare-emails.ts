import type { Kysely } from 'kysely';
import {
  buildTemplateVariables,
  type RenderedMail,
  renderTemplate,
} from '../domain/render-template.js';
import {
  type RecipientContact,
  resolveRecipients,
  type SkippedRecipient,
} from '../domain/resolve-recipients.js';
import type { Database } from '../store/database.js';
import type { EntityRow } from '../store/entities-store.js';
import type { EventRow } from '../store/events-store.js';
import type { TemplateRow } from '../store/templates-store.js';
import { readsOneByOne, type StepReads } from './step-reads.js';

/** A step that cannot be executed, ever: the run fails with this reason. */
export class StepFailedError extends Error {
  override name = 'StepFailedError';
}

export interface PreparedEmail {
  contact: RecipientContact;
  rendered: RenderedMail;
}

/**
 * Who a `send_email` step mails right now and what each gets: the entity's current
 * contacts for the roles, suppressed addresses skipped, the template rendered per person.
 * Shared by the worker and by `?dry_run=true`, so a dry run shows exactly what would go out.
 * `reads` may answer from rows read ahead for several runs (step-reads.ts).
 */
export async function prepareEmails(
  db: Kysely<Database>,
  input: { event: EventRow; entity: EntityRow; template: TemplateRow; roles: string[] | null },
  reads: StepReads = readsOneByOne(db),
): Promise<{ emails: PreparedEmail[]; skipped: SkippedRecipient[] }> {
  const { event, entity, template } = input;
  const contacts = (await reads.contacts(entity.account_id, entity.external_id)).map((c) => ({
    contact_id: c.id,
    role: c.role,
    email: c.email,
    name: c.name,
    attributes: JSON.parse(c.attributes) as Record<string, unknown>,
  }));
  const suppressed = await reads.suppressed(
    entity.account_id,
    contacts.map((c) => c.email),
  );
  const { recipients, skipped } = resolveRecipients(contacts, input.roles, suppressed);

  const eventView = {
    event_id: event.id,
    event_type: event.event_type,
    entity_id: event.entity_id,
    data: JSON.parse(event.data) as Record<string, unknown>,
    created_at: new Date(event.created_at).toISOString(),
  };
  const entityView = {
    entity_id: entity.external_id,
    entity_type: entity.entity_type,
    name: entity.name,
    attributes: JSON.parse(entity.attributes) as Record<string, unknown>,
  };
  const source = { ...template, template_id: template.id, version: String(template.updated_at) };

  const emails: PreparedEmail[] = [];
  for (const contact of recipients) {
    const variables = buildTemplateVariables({ event: eventView, entity: entityView, contact });
    try {
      emails.push({ contact, rendered: await renderTemplate(source, variables) });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new StepFailedError(`template ${template.id} failed to render: ${reason}`);
    }
  }
  return { emails, skipped };
}
