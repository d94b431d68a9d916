import { type Static, Type } from '@sinclair/typebox';
import {
  buildTemplateVariables,
  type RenderedMail,
  renderTemplate,
  TemplateRenderError,
  type TemplateVariableSources,
} from '../../domain/render-template.js';
import { findTemplate, type TemplateRow } from '../../store/templates-store.js';
import { type App, callerOf } from '../app-context.js';
import { ApiError } from '../problem.js';
import { Attributes, errorResponses, isoTime } from '../schemas/common.js';
import { externalIdPattern } from '../schemas/entity-schemas.js';
import { TemplateParams } from '../schemas/template-schemas.js';

const Name = Type.Union([Type.String({ maxLength: 500 }), Type.Null()]);

const PreviewContact = Type.Object(
  {
    name: Type.Optional(Name),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    role: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    attributes: Type.Optional(Attributes),
  },
  { additionalProperties: false, description: 'Defaults to Jane Smith, jane@example.com' },
);

const PreviewEntity = Type.Object(
  {
    entity_id: Type.Optional(Type.String({ pattern: externalIdPattern })),
    entity_type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    name: Type.Optional(Name),
    attributes: Type.Optional(Attributes),
  },
  { additionalProperties: false, description: 'Defaults to acct_123, an account, Acme Corp' },
);

const TemplatePreviewRequest = Type.Object(
  {
    data: Type.Optional(Attributes),
    contact: Type.Optional(PreviewContact),
    entity: Type.Optional(PreviewEntity),
    event_type: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  {
    additionalProperties: false,
    description: 'Sample values to render with; whatever is left out takes a sample default',
  },
);

const TemplatePreview = Type.Object(
  {
    object: Type.Literal('template_preview'),
    template_id: Type.String(),
    subject: Type.String(),
    text_body: Type.Union([Type.String(), Type.Null()]),
    html_body: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'TemplatePreview' },
);

/** The documentation's example contact and entity, so a bare preview already reads naturally. */
const sample = {
  contact: {
    name: 'Jane Smith' as string | null,
    email: 'jane@example.com',
    role: 'billing_contact',
    attributes: {},
  },
  entity: {
    entity_id: 'acct_123',
    entity_type: 'account',
    name: 'Acme Corp' as string | null,
    attributes: {},
  },
  eventType: 'preview',
};

/** The sample's fields overlaid by what the request gives; an explicit null name stays null. */
function previewSources(
  body: Static<typeof TemplatePreviewRequest>,
  now: number,
): TemplateVariableSources {
  const entity = { ...sample.entity, ...body.entity };
  return {
    event: {
      event_id: 'evt_preview',
      event_type: body.event_type ?? sample.eventType,
      entity_id: entity.entity_id,
      data: body.data ?? {},
      created_at: isoTime(now),
    },
    entity,
    contact: { ...sample.contact, ...body.contact },
  };
}

async function renderOrRefuse(
  row: TemplateRow,
  sources: TemplateVariableSources,
): Promise<RenderedMail> {
  // updated_at is the version: an edit parses the template again, a repeat preview does not.
  const template = { ...row, template_id: row.id, version: String(row.updated_at) };
  try {
    return await renderTemplate(template, buildTemplateVariables(sources));
  } catch (error) {
    if (!(error instanceof TemplateRenderError)) throw error;
    const errors = [{ field: error.part, message: error.reason }];
    throw new ApiError('template_render_failed', error.message, errors);
  }
}

export async function templatePreviewRoutes(app: App): Promise<void> {
  const { db } = app.services.database;

  app.post(
    '/templates/:template_id/preview',
    {
      schema: {
        tags: ['templates'],
        operationId: 'previewTemplate',
        summary: 'Render a template with sample data, sending nothing',
        params: TemplateParams,
        body: TemplatePreviewRequest,
        response: { 200: TemplatePreview, ...errorResponses },
      },
      // Every field is optional, so a bare POST with no body at all previews the sample.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const { template_id: templateId } = request.params;
      const row = await findTemplate(db, callerOf(request).accountId, templateId);
      if (!row) {
        throw new ApiError('template_not_found', `No template with template_id "${templateId}"`);
      }

      const sources = previewSources(request.body, app.services.now());
      const rendered = await renderOrRefuse(row, sources);
      return { object: 'template_preview' as const, template_id: row.id, ...rendered };
    },
  );
}
