import type { PagedList } from '../paged-list.js';
import { type PostOptions, pagedData, Resource } from '../resource.js';
import type {
  Contact,
  ContactCreateParams,
  ContactListParams,
  ContactUpdateParams,
  Page,
} from '../types.js';

/** People attached to an entity with a role, such as `billing_contact`. */
export class Contacts extends Resource {
  /** Attaches a contact; the same entity, role and email twice is a ConflictError. */
  create(body: ContactCreateParams, options: PostOptions = {}): Promise<Contact> {
    return this.call('post', '/api/v1/contacts', { body, idempotencyKey: options.idempotencyKey });
  }

  get(contactId: string): Promise<Contact> {
    return this.call('get', '/api/v1/contacts/{contact_id}', { path: { contact_id: contactId } });
  }

  /** Contacts, newest first; filters: `entity_id`, `role`, `email`, `q`, created range. */
  list(params: ContactListParams = {}): PagedList<Page<Contact>, Contact> {
    return pagedData(
      (cursor) => this.call('get', '/api/v1/contacts', { query: { ...params, cursor } }),
      params.cursor,
    );
  }

  /** Changes only the fields given; a contact cannot move to another entity. */
  update(contactId: string, body: ContactUpdateParams): Promise<Contact> {
    const path = { contact_id: contactId };
    return this.call('patch', '/api/v1/contacts/{contact_id}', { path, body });
  }

  async delete(contactId: string): Promise<void> {
    const path = { contact_id: contactId };
    await this.call('delete', '/api/v1/contacts/{contact_id}', { path });
  }
}
