import { Type } from '@sinclair/typebox';
import {
  deleteEntity,
  findEntity,
  insertEntity,
  listEntities,
  patchEntity,
  upsertEntity,
} from '../../store/entities-store.js';
import { isUniqueViolation } from '../../store/unique-violation.js';
import { type App, callerOf } from '../app-context.js';
import { ApiError } from '../problem.js';
import { errorResponses, msOrUndefined } from '../schemas/common.js';
import {
  Entity,
  EntityCreate,
  EntityListQuery,
  EntityPage,
  EntityParams,
  EntityPatch,
  EntityReplace,
  externalIdPattern,
  presentEntity,
} from '../schemas/entity-schemas.js';

const tags = ['entities'];

function notFound(entityId: string): ApiError {
  return new ApiError('entity_not_found', `No entity with entity_id "${entityId}"`);
}

export async function entitiesRoutes(app: App): Promise<void> {
  const { db } = app.services.database;

  app.post(
    '/entities',
    {
      schema: {
        tags,
        operationId: 'createEntity',
        summary: 'Create an entity',
        body: EntityCreate,
        response: { 201: Type.Ref(Entity), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { accountId } = callerOf(request);
      try {
        const row = await insertEntity(db, accountId, request.body, app.services.now());
        return reply.code(201).send(presentEntity(row));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new ApiError(
          'entity_exists',
          `An entity with external_id "${request.body.external_id}" already exists; use PUT /api/v1/entities/{entity_id} to create or replace`,
          [{ field: 'external_id', message: 'is already used by another entity' }],
        );
      }
    },
  );

  app.get(
    '/entities',
    {
      schema: {
        tags,
        operationId: 'listEntities',
        summary: 'List entities',
        querystring: EntityListQuery,
        response: { 200: EntityPage, ...errorResponses },
      },
    },
    async (request) => {
      const { query } = request;
      const page = await listEntities(db, callerOf(request).accountId, {
        ...query,
        limit: query.limit ?? 20,
        created_after: msOrUndefined(query.created_after),
        created_before: msOrUndefined(query.created_before),
      });
      return { ...page, data: page.data.map(presentEntity) };
    },
  );

  app.get(
    '/entities/:entity_id',
    {
      schema: {
        tags,
        operationId: 'getEntity',
        summary: 'Get an entity',
        params: EntityParams,
        response: { 200: Type.Ref(Entity), ...errorResponses },
      },
    },
    async (request) => {
      const row = await findEntity(db, callerOf(request).accountId, request.params.entity_id);
      if (!row) throw notFound(request.params.entity_id);
      return presentEntity(row);
    },
  );

  app.put(
    '/entities/:entity_id',
    {
      schema: {
        tags,
        operationId: 'replaceEntity',
        summary: 'Create or replace an entity',
        params: EntityParams,
        body: EntityReplace,
        response: { 200: Type.Ref(Entity), 201: Type.Ref(Entity), ...errorResponses },
      },
    },
    async (request, reply) => {
      const externalId = request.params.entity_id;
      if (!new RegExp(externalIdPattern).test(externalId)) {
        throw ApiError.validation([
          { field: 'entity_id', message: 'must be 1 to 200 letters, digits or _.:@/-' },
        ]);
      }
      const { row, created } = await upsertEntity(
        db,
        callerOf(request).accountId,
        { ...request.body, external_id: externalId },
        app.services.now(),
      );
      return reply.code(created ? 201 : 200).send(presentEntity(row));
    },
  );

  app.patch(
    '/entities/:entity_id',
    {
      schema: {
        tags,
        operationId: 'updateEntity',
        summary: 'Update some fields of an entity',
        params: EntityParams,
        body: EntityPatch,
        response: { 200: Type.Ref(Entity), ...errorResponses },
      },
    },
    async (request) => {
      const { entity_id: entityId } = request.params;
      const row = await patchEntity(
        db,
        callerOf(request).accountId,
        entityId,
        request.body,
        app.services.now(),
      );
      if (!row) throw notFound(entityId);
      return presentEntity(row);
    },
  );

  app.delete(
    '/entities/:entity_id',
    {
      schema: {
        tags,
        operationId: 'deleteEntity',
        summary: 'Delete an entity and its contacts',
        params: EntityParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const deleted = await deleteEntity(db, callerOf(request).accountId, request.params.entity_id);
      if (!deleted) throw notFound(request.params.entity_id);
      return reply.code(204).send(null);
    },
  );
}
