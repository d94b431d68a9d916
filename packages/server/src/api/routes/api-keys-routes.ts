import { Type } from '@sinclair/typebox';
import { createApiKey, listApiKeys, revokeApiKey } from '../../store/api-keys-store.js';
import { type App, callerOf } from '../app-context.js';
import { ApiError } from '../problem.js';
import {
  ApiKey,
  ApiKeyCreate,
  ApiKeyListQuery,
  ApiKeyPage,
  ApiKeyParams,
  ApiKeyWithSecret,
  presentApiKey,
} from '../schemas/api-key-schemas.js';
import { errorResponses } from '../schemas/common.js';

const tags = ['api-keys'];

export async function apiKeysRoutes(app: App): Promise<void> {
  const { db } = app.services.database;

  app.post(
    '/api-keys',
    {
      schema: {
        tags,
        operationId: 'createApiKey',
        summary: 'Create an API key; its secret is returned only once',
        body: ApiKeyCreate,
        response: { 201: ApiKeyWithSecret, ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      // A test-mode key must not mint live keys: that would escape the outbox sandbox.
      const mode = request.body.mode ?? 'live';
      if (mode === 'live' && !caller.livemode) {
        throw new ApiError('forbidden', 'A test-mode key can only create test-mode keys', [
          { field: 'mode', message: 'must be "test" when called with an em_test_ key' },
        ]);
      }
      const name = request.body.name ?? `${mode === 'live' ? 'Live' : 'Test'} key`;
      const { row, secret } = await createApiKey(
        db,
        caller.accountId,
        { name, mode },
        app.services.now(),
      );
      reply.header('Cache-Control', 'no-store');
      return reply.code(201).send({ ...presentApiKey(row), key: secret });
    },
  );

  app.get(
    '/api-keys',
    {
      schema: {
        tags,
        operationId: 'listApiKeys',
        summary: 'List API keys (never their secrets)',
        querystring: ApiKeyListQuery,
        response: { 200: ApiKeyPage, ...errorResponses },
      },
    },
    async (request) => {
      const page = await listApiKeys(db, callerOf(request).accountId, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      });
      return { ...page, data: page.data.map(presentApiKey) };
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      schema: {
        tags,
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key, at once',
        params: ApiKeyParams,
        response: { 200: Type.Ref(ApiKey), ...errorResponses },
      },
    },
    async (request) => {
      const row = await revokeApiKey(
        db,
        callerOf(request).accountId,
        request.params.id,
        app.services.now(),
      );
      if (!row) throw new ApiError('api_key_not_found', `No API key ${request.params.id}`);
      return presentApiKey(row);
    },
  );
}
