import { Type } from '@sinclair/typebox';
import { findMessage, listMessages, statusHistoryOf } from '../../store/messages-store.js';
import { type App, callerOf } from '../app-context.js';
import { ApiError } from '../problem.js';
import { errorResponses, msOrUndefined } from '../schemas/common.js';
import {
  Message,
  MessageListQuery,
  MessagePage,
  MessageParams,
  presentMessage,
} from '../schemas/message-schemas.js';

const tags = ['messages'];

export async function messagesRoutes(app: App): Promise<void> {
  const { db } = app.services.database;

  app.get(
    '/messages',
    {
      schema: {
        operationId: 'listMessages',
        tags,
        summary: 'List messages (the outbox included), newest first',
        querystring: MessageListQuery,
        response: { 200: MessagePage, ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { query } = request;
      const page = await listMessages(db, caller.accountId, {
        ...query,
        limit: query.limit ?? 20,
        livemode: caller.livemode,
        created_after: msOrUndefined(query.created_after),
        created_before: msOrUndefined(query.created_before),
      });
      return { ...page, data: page.data.map((message) => presentMessage(message)) };
    },
  );

  app.get(
    '/messages/:message_id',
    {
      schema: {
        operationId: 'getMessage',
        tags,
        summary: 'Get a message: rendered subject and bodies, status history, attempts, last error',
        params: MessageParams,
        response: { 200: Type.Ref(Message), ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const message = await findMessage(db, caller.accountId, request.params.message_id);
      if (!message || (message.livemode === 1) !== caller.livemode) {
        throw new ApiError('message_not_found', `No message ${request.params.message_id}`);
      }
      return presentMessage(message, await statusHistoryOf(db, [message.id]));
    },
  );
}
