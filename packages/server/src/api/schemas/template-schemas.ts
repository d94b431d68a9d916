import { Type } from '@sinclair/typebox';
import { checkTemplateSyntax } from '../../domain/check-template-syntax.js';
import type { FieldError } from '../../domain/field-error.js';
import { templateLimits } from '../../domain/liquid-engine.js';
import type { TemplateInput, TemplateRow } from '../../store/templates-store.js';
import { isoTime, ListQuery, PageOf, SearchQuery, Timestamp } from './common.js';

const Name = Type.String({ minLength: 1, maxLength: 200 });
const Subject = Type.String({ minLength: 1, maxLength: 2000, description: 'Liquid' });
// A body is capped at what the Liquid parser accepts, so that a long body is refused here
// with its length rather than later as a template that "does not parse".
const Body = Type.Union([
  Type.String({ maxLength: templateLimits.parseLimit, description: 'Liquid' }),
  Type.Null(),
]);

export const Template = Type.Object(
  {
    object: Type.Literal('template'),
    template_id: Type.String({ description: 'tpl_…' }),
    name: Type.String(),
    subject: Type.String(),
    text_body: Type.Union([Type.String(), Type.Null()]),
    html_body: Type.Union([Type.String(), Type.Null()]),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Template', title: 'Template' },
);

export const TemplateCreate = Type.Object(
  {
    name: Name,
    subject: Subject,
    text_body: Type.Optional(Body),
    html_body: Type.Optional(Body),
  },
  {
    additionalProperties: false,
    description: 'At least one of text_body and html_body must have content',
  },
);

export const TemplatePatch = Type.Object(
  {
    name: Type.Optional(Name),
    subject: Type.Optional(Subject),
    text_body: Type.Optional(Body),
    html_body: Type.Optional(Body),
  },
  { additionalProperties: false },
);

export const TemplateParams = Type.Object({ template_id: Type.String({ maxLength: 100 }) });

export const TemplateListQuery = Type.Object(
  { ...ListQuery, ...SearchQuery },
  { additionalProperties: false },
);

export const TemplatePage = PageOf(Type.Ref(Template), 'Template');

export function presentTemplate(row: TemplateRow) {
  return {
    object: 'template' as const,
    template_id: row.id,
    name: row.name,
    subject: row.subject,
    text_body: row.text_body,
    html_body: row.html_body,
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
  };
}

const liquidParts = ['subject', 'text_body', 'html_body'] as const;

/** The given parts that are not valid Liquid, each with its line and column. */
export function templateSyntaxErrors(parts: Partial<TemplateInput>): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of liquidParts) {
    const source = parts[field];
    const error = typeof source === 'string' ? checkTemplateSyntax(field, source) : null;
    if (error) errors.push(error);
  }
  return errors;
}

/** A mail needs a body: a template whose text and HTML bodies are both blank is refused. */
export function missingBodyErrors(template: Partial<TemplateInput>): FieldError[] {
  const blank = (body: string | null | undefined) => !body?.trim();
  if (!blank(template.text_body) || !blank(template.html_body)) return [];
  const message = 'is required when html_body is empty: give text_body, html_body or both';
  return [{ field: 'text_body', message }];
}
