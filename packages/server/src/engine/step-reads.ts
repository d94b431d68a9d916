import type { Kysely } from 'kysely';
import type { ContactRow } from '../store/contacts-store.js';
import type { Database } from '../store/database.js';
import { type EntityRow, findEntity } from '../store/entities-store.js';
import { type EventRow, findEvent } from '../store/events-store.js';
import {
  findProviderSettingsRow,
  findProviderSettingsRows,
  type ProviderSettingsRow,
} from '../store/provider-settings-store.js';
import { contactsOfEntities, entitiesByExternalIds, eventsByIds } from '../store/rows-of-runs.js';
import type { RunRow } from '../store/runs-store.js';
import { suppressedAmong } from '../store/suppressions-store.js';
import { findTemplate, type TemplateRow } from '../store/templates-store.js';

/** The rows a run's steps read, all within the run's account. */
export interface StepReads {
  event(accountId: string, eventId: string): Promise<EventRow | undefined>;
  entity(accountId: string, externalId: string): Promise<EntityRow | undefined>;
  template(accountId: string, templateId: string): Promise<TemplateRow | undefined>;
  /** The entity's contacts, in id order. */
  contacts(accountId: string, externalId: string): Promise<ContactRow[]>;
  /** The suppressed addresses among `emails`, lowercased, each with its reason. */
  suppressed(accountId: string, emails: string[]): Promise<Map<string, string>>;
  /** The account's provider settings, if it has any (live runs only need them). */
  providerSettings(accountId: string): Promise<ProviderSettingsRow | undefined>;
}

/** Reads of one statement each, as they are asked for. */
export function readsOneByOne(db: Kysely<Database>): StepReads {
  return {
    event: (accountId, eventId) => findEvent(db, accountId, eventId),
    entity: (accountId, externalId) => findEntity(db, accountId, externalId),
    template: (accountId, templateId) => findTemplate(db, accountId, templateId),
    contacts: (accountId, externalId) =>
      db
        .selectFrom('contacts')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('entity_id', '=', externalId)
        .orderBy('id')
        .execute(),
    suppressed: (accountId, emails) => suppressedAmong(db, accountId, emails),
    providerSettings: (accountId) => findProviderSettingsRow(db, accountId),
  };
}

/**
 * The reads of several runs advanced in one transaction, done together at its start: their
 * events, entities, the entities' contacts and which of those addresses are suppressed, one
 * statement each per account instead of one each per run; the provider settings of the
 * accounts with live runs, one statement for all; templates are read once per transaction.
 * What a run asks beyond that is read one by one.
 *
 * Reading at the start of the transaction rather than a moment later within it changes
 * nothing a run could tell: the runs commit together, as if all advanced at that start.
 */
export async function readsOfRuns(trx: Kysely<Database>, runs: RunRow[]): Promise<StepReads> {
  const direct = readsOneByOne(trx);
  const events = new Map<string, EventRow>();
  const entities = new Map<string, EntityRow | undefined>();
  const contacts = new Map<string, ContactRow[]>();
  const suppressions = new Map<string, Map<string, string>>();
  const templates = new Map<string, Promise<TemplateRow | undefined>>();

  for (const [accountId, ofAccount] of groupBy(runs, (run) => run.account_id)) {
    const eventIds = unique(ofAccount.map((run) => run.event_id));
    const externalIds = unique(ofAccount.map((run) => run.entity_id));
    for (const event of await eventsByIds(trx, accountId, eventIds)) {
      events.set(key(accountId, event.id), event);
    }
    for (const externalId of externalIds) entities.set(key(accountId, externalId), undefined);
    const found = await entitiesByExternalIds(trx, accountId, externalIds);
    for (const entity of found) {
      entities.set(key(accountId, entity.external_id), entity);
      contacts.set(key(accountId, entity.external_id), []);
    }
    const ofEntities = found.map((entity) => entity.external_id);
    const rows = await contactsOfEntities(trx, accountId, ofEntities);
    for (const contact of rows) contacts.get(key(accountId, contact.entity_id))?.push(contact);
    const emails = unique(rows.map((contact) => contact.email.toLowerCase()));
    const suppressed = await suppressedAmong(trx, accountId, emails);
    // Every address asked about, suppressed or not, so that a miss can be told from "not read".
    const known = new Map(emails.map((email) => [email, suppressed.get(email) ?? '']));
    suppressions.set(accountId, known);
  }

  // Test mode never reads them: only accounts with live runs are asked about.
  const live = unique(runs.filter((run) => run.livemode === 1).map((run) => run.account_id));
  const settings = new Map<string, ProviderSettingsRow | undefined>(
    live.map((accountId) => [accountId, undefined]),
  );
  for (const row of await findProviderSettingsRows(trx, live)) settings.set(row.account_id, row);

  return {
    event: async (accountId, eventId) =>
      events.get(key(accountId, eventId)) ?? direct.event(accountId, eventId),
    entity: async (accountId, externalId) => {
      const entry = key(accountId, externalId);
      return entities.has(entry) ? entities.get(entry) : direct.entity(accountId, externalId);
    },
    template: (accountId, templateId) => {
      const entry = key(accountId, templateId);
      let template = templates.get(entry);
      if (!template) {
        template = direct.template(accountId, templateId);
        templates.set(entry, template);
      }
      return template;
    },
    contacts: async (accountId, externalId) =>
      contacts.get(key(accountId, externalId)) ?? direct.contacts(accountId, externalId),
    suppressed: async (accountId, emails) => {
      const known = suppressions.get(accountId);
      const lowered = emails.map((email) => email.toLowerCase());
      if (!known || !lowered.every((email) => known.has(email))) {
        return direct.suppressed(accountId, emails);
      }
      const reasons = lowered.map((email) => [email, known.get(email) ?? ''] as const);
      return new Map(reasons.filter(([, reason]) => reason !== ''));
    },
    providerSettings: async (accountId) =>
      settings.has(accountId) ? settings.get(accountId) : direct.providerSettings(accountId),
  };
}

function key(accountId: string, id: string): string {
  return `${accountId}\n${id}`;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(keyOf(item));
    if (group) group.push(item);
    else groups.set(keyOf(item), [item]);
  }
  return groups;
}
