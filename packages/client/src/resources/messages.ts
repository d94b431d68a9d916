import type { PagedList } from '../paged-list.js';
import { pagedData, Resource } from '../resource.js';
import type { Message, MessageListParams, Page } from '../types.js';

/** One email to one recipient: rendered content, status and attempts. */
export class Messages extends Resource {
  /** Messages of the key's mode (the outbox included), newest first. */
  list(params: MessageListParams = {}): PagedList<Page<Message>, Message> {
    return pagedData(
      (cursor) => this.call('get', '/api/v1/messages', { query: { ...params, cursor } }),
      params.cursor,
    );
  }

  /** The message with its rendered subject and bodies and its status history. */
  get(messageId: string): Promise<Message> {
    return this.call('get', '/api/v1/messages/{message_id}', { path: { message_id: messageId } });
  }
}
