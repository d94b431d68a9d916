import { Type } from '@sinclair/typebox';
import {
  deleteContact,
  findContact,
  insertContact,
  listContacts,
  patchContact,
} from '../../store/contacts-store.js';
import { isUniqueViolation } from '../../store/unique-violation.js';
import { type App, callerOf } from '../app-context.js';
import { ApiError } from '../problem.js';
import { errorResponses, msOrUndefined } from '../schemas/common.js';
import {
  Contact,
  ContactCreate,
  ContactListQuery,
  ContactPage,
  ContactParams,
  ContactPatch,
  presentContact,
} from '../schemas/contact-schemas.js';

const tags = ['contacts'];

function notFound(contactId: string): ApiError {
  return new ApiError('contact_not_found', `No contact with contact_id "${contactId}"`);
}

function entityNotFound(entityId: string): ApiError {
  return new ApiError(
    'entity_not_found',
    `No entity with entity_id "${entityId}"; create it with POST /api/v1/entities first`,
    [{ field: 'entity_id', message: 'is not an entity of this account' }],
  );
}

/** Waits for a store write, answering an (entity, role, email) that is taken with 409. */
async function refusingDuplicates<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new ApiError(
      'contact_exists',
      'The entity already has a contact with this role and email; update that one instead',
      [{ field: 'email', message: 'already has this role on this entity' }],
    );
  }
}

export async function contactsRoutes(app: App): Promise<void> {
  const { db } = app.services.database;

  app.post(
    '/contacts',
    {
      schema: {
        tags,
        operationId: 'createContact',
        summary: 'Attach a contact to an entity with a role',
        body: ContactCreate,
        response: { 201: Type.Ref(Contact), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { accountId } = callerOf(request);
      const row = await refusingDuplicates(
        insertContact(db, accountId, request.body, app.services.now()),
      );
      if (!row) throw entityNotFound(request.body.entity_id);
      return reply.code(201).send(presentContact(row));
    },
  );

  app.get(
    '/contacts',
    {
      schema: {
        tags,
        operationId: 'listContacts',
        summary: 'List contacts',
        querystring: ContactListQuery,
        response: { 200: ContactPage, ...errorResponses },
      },
    },
    async (request) => {
      const { query } = request;
      const page = await listContacts(db, callerOf(request).accountId, {
        ...query,
        limit: query.limit ?? 20,
        created_after: msOrUndefined(query.created_after),
        created_before: msOrUndefined(query.created_before),
      });
      return { ...page, data: page.data.map(presentContact) };
    },
  );

  app.get(
    '/contacts/:contact_id',
    {
      schema: {
        tags,
        operationId: 'getContact',
        summary: 'Get a contact',
        params: ContactParams,
        response: { 200: Type.Ref(Contact), ...errorResponses },
      },
    },
    async (request) => {
      const row = await findContact(db, callerOf(request).accountId, request.params.contact_id);
      if (!row) throw notFound(request.params.contact_id);
      return presentContact(row);
    },
  );

  app.patch(
    '/contacts/:contact_id',
    {
      schema: {
        tags,
        operationId: 'updateContact',
        summary: 'Update some fields of a contact',
        params: ContactParams,
        body: ContactPatch,
        response: { 200: Type.Ref(Contact), ...errorResponses },
      },
    },
    async (request) => {
      const { contact_id: contactId } = request.params;
      const { accountId } = callerOf(request);
      const row = await refusingDuplicates(
        patchContact(db, accountId, contactId, request.body, app.services.now()),
      );
      if (!row) throw notFound(contactId);
      return presentContact(row);
    },
  );

  app.delete(
    '/contacts/:contact_id',
    {
      schema: {
        tags,
        operationId: 'deleteContact',
        summary: 'Delete a contact',
        params: ContactParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { contact_id: contactId } = request.params;
      const deleted = await deleteContact(db, callerOf(request).accountId, contactId);
      if (!deleted) throw notFound(contactId);
      return reply.code(204).send(null);
    },
  );
}
