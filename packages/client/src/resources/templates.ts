import type { PagedList } from '../paged-list.js';
import { type PostOptions, pagedData, Resource } from '../resource.js';
import type {
  Page,
  Template,
  TemplateCreateParams,
  TemplateListParams,
  TemplatePreview,
  TemplatePreviewParams,
  TemplateUpdateParams,
} from '../types.js';

/** Email subjects and bodies in Liquid (`{{contact_name}}`). */
export class Templates extends Resource {
  /** Creates a template; one that does not parse is a ValidationError naming line and column. */
  create(body: TemplateCreateParams, options: PostOptions = {}): Promise<Template> {
    return this.call('post', '/api/v1/templates', { body, idempotencyKey: options.idempotencyKey });
  }

  get(templateId: string): Promise<Template> {
    const path = { template_id: templateId };
    return this.call('get', '/api/v1/templates/{template_id}', { path });
  }

  /** Templates, newest first; filter: `q` (name, subject). */
  list(params: TemplateListParams = {}): PagedList<Page<Template>, Template> {
    return pagedData(
      (cursor) => this.call('get', '/api/v1/templates', { query: { ...params, cursor } }),
      params.cursor,
    );
  }

  update(templateId: string, body: TemplateUpdateParams): Promise<Template> {
    const path = { template_id: templateId };
    return this.call('patch', '/api/v1/templates/{template_id}', { path, body });
  }

  /** Deletes a template; one a policy sends is a ConflictError (`template_in_use`). */
  async delete(templateId: string): Promise<void> {
    const path = { template_id: templateId };
    await this.call('delete', '/api/v1/templates/{template_id}', { path });
  }

  /**
   * Renders the template with sample values and sends nothing. What `body` leaves out takes
   * a sample default (Jane Smith of Acme Corp, entity acct_123).
   */
  preview(templateId: string, body: TemplatePreviewParams = {}): Promise<TemplatePreview> {
    const path = { template_id: templateId };
    // Rendering changes nothing, so the POST is safe to send again.
    return this.call('post', '/api/v1/templates/{template_id}/preview', {
      path,
      body,
      replaySafe: true,
    });
  }
}
