import { Type } from '@sinclair/typebox';
import {
  addSuppression,
  listSuppressions,
  removeSuppression,
} from '../../store/suppressions-store.js';
import { type App, callerOf } from '../app-context.js';
import { ApiError } from '../problem.js';
import { errorResponses, ListQuery, PageOf } from '../schemas/common.js';
import {
  presentSuppression,
  Suppression,
  SuppressionReason,
} from '../schemas/suppression-schemas.js';

const tags = ['suppressions'];
export async function suppressionsRoutes(app: App): Promise<void> {
  const { db } = app.services.database;

  app.get(
    '/suppressions',
    {
      schema: {
        operationId: 'listSuppressions',
        tags,
        summary: 'List addresses that are not mailed, with why',
        querystring: Type.Object(
          {
            ...ListQuery,
            email: Type.Optional(Type.String({ maxLength: 320 })),
            reason: Type.Optional(SuppressionReason),
          },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(Type.Ref(Suppression), 'Suppression'), ...errorResponses },
      },
    },
    async (request) => {
      const { query } = request;
      const page = await listSuppressions(db, callerOf(request).accountId, {
        ...query,
        limit: query.limit ?? 20,
      });
      return { ...page, data: page.data.map(presentSuppression) };
    },
  );

  app.post(
    '/suppressions',
    {
      schema: {
        operationId: 'createSuppression',
        tags,
        summary: 'Suppress an address by hand: no policy mails it until it is removed',
        body: Type.Object(
          {
            email: Type.String({ format: 'email', maxLength: 320 }),
            detail: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref(Suppression), ...errorResponses },
      },
    },
    async (request, reply) => {
      const row = await addSuppression(
        db,
        {
          account_id: callerOf(request).accountId,
          email: request.body.email,
          reason: 'manual',
          detail: request.body.detail ?? null,
        },
        app.services.now(),
      );
      return reply.code(201).send(presentSuppression(row));
    },
  );

  app.delete(
    '/suppressions/:email',
    {
      schema: {
        operationId: 'deleteSuppression',
        tags,
        summary: 'Remove an address from the suppression list: policies may mail it again',
        params: Type.Object({ email: Type.String({ maxLength: 320 }) }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const removed = await removeSuppression(
        db,
        callerOf(request).accountId,
        request.params.email,
      );
      if (!removed)
        throw new ApiError('suppression_not_found', `${request.params.email} is not suppressed`);
      return reply.code(204).send(null);
    },
  );
}
