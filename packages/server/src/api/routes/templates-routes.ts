import { Type } from '@sinclair/typebox';
import type { FieldError } from '../../domain/field-error.js';
import {
  deleteTemplate,
  findTemplate,
  insertTemplate,
  listTemplates,
  patchTemplate,
} from '../../store/templates-store.js';
import { type App, callerOf } from '../app-context.js';
import { ApiError } from '../problem.js';
import { errorResponses } from '../schemas/common.js';
import {
  missingBodyErrors,
  presentTemplate,
  Template,
  TemplateCreate,
  TemplateListQuery,
  TemplatePage,
  TemplateParams,
  TemplatePatch,
  templateSyntaxErrors,
} from '../schemas/template-schemas.js';

const tags = ['templates'];

function notFound(templateId: string): ApiError {
  return new ApiError('template_not_found', `No template with template_id "${templateId}"`);
}

function inUse(templateId: string, policyIds: string[]): ApiError {
  const list = policyIds.join(', ');
  return new ApiError(
    'template_in_use',
    `Template "${templateId}" is sent by ${policyIds.length === 1 ? 'policy' : 'policies'} ` +
      `${list}; remove it from their steps or delete them first`,
  );
}

function refuseIfAny(errors: FieldError[]): void {
  if (errors.length > 0) throw ApiError.validation(errors);
}

export async function templatesRoutes(app: App): Promise<void> {
  const { db } = app.services.database;

  app.post(
    '/templates',
    {
      schema: {
        tags,
        operationId: 'createTemplate',
        summary: 'Create an email template',
        body: TemplateCreate,
        response: { 201: Type.Ref(Template), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { body } = request;
      refuseIfAny([...templateSyntaxErrors(body), ...missingBodyErrors(body)]);
      const row = await insertTemplate(db, callerOf(request).accountId, body, app.services.now());
      return reply.code(201).send(presentTemplate(row));
    },
  );

  app.get(
    '/templates',
    {
      schema: {
        tags,
        operationId: 'listTemplates',
        summary: 'List templates',
        querystring: TemplateListQuery,
        response: { 200: TemplatePage, ...errorResponses },
      },
    },
    async (request) => {
      const { query } = request;
      const page = await listTemplates(db, callerOf(request).accountId, {
        ...query,
        limit: query.limit ?? 20,
      });
      return { ...page, data: page.data.map(presentTemplate) };
    },
  );

  app.get(
    '/templates/:template_id',
    {
      schema: {
        tags,
        operationId: 'getTemplate',
        summary: 'Get a template',
        params: TemplateParams,
        response: { 200: Type.Ref(Template), ...errorResponses },
      },
    },
    async (request) => {
      const { template_id: templateId } = request.params;
      const row = await findTemplate(db, callerOf(request).accountId, templateId);
      if (!row) throw notFound(templateId);
      return presentTemplate(row);
    },
  );

  app.patch(
    '/templates/:template_id',
    {
      schema: {
        tags,
        operationId: 'updateTemplate',
        summary: 'Update some fields of a template',
        params: TemplateParams,
        body: TemplatePatch,
        response: { 200: Type.Ref(Template), ...errorResponses },
      },
    },
    async (request) => {
      const { template_id: templateId } = request.params;
      refuseIfAny(templateSyntaxErrors(request.body));
      // A patch may empty one body; whether the other still has content is known only
      // once the patch is applied, so the store checks the result before committing it.
      const row = await patchTemplate(
        db,
        callerOf(request).accountId,
        templateId,
        request.body,
        (next) => refuseIfAny(missingBodyErrors(next)),
        app.services.now(),
      );
      if (!row) throw notFound(templateId);
      return presentTemplate(row);
    },
  );

  app.delete(
    '/templates/:template_id',
    {
      schema: {
        tags,
        operationId: 'deleteTemplate',
        summary: 'Delete a template no policy uses',
        params: TemplateParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { template_id: templateId } = request.params;
      const { deleted, usedBy } = await deleteTemplate(db, callerOf(request).accountId, templateId);
      if (usedBy.length > 0) throw inUse(templateId, usedBy);
      if (!deleted) throw notFound(templateId);
      return reply.code(204).send(null);
    },
  );
}
