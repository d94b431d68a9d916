/**
 * The shapes of the API, named. Every one is taken from src/generated/openapi.ts, which is
 * generated from the server's own route schemas: nothing here restates a field, so a change
 * on the server reaches these types with `npm run generate` (and a test fails until then).
 */
import type { RequestBodyJSON, SuccessResponseJSON } from 'openapi-typescript-helpers';
import type { components, operations } from './generated/openapi.js';

type Schemas = components['schemas'];

/** The JSON body an operation takes, by its operationId. */
export type RequestBody<Id extends keyof operations> = RequestBodyJSON<operations[Id]>;

/** The JSON a successful call of an operation answers, by its operationId. */
export type ResponseBody<Id extends keyof operations> = SuccessResponseJSON<operations[Id]>;

/** The query parameters (filters, `limit`, `cursor`) of an operation, by its operationId. */
export type QueryParams<Id extends keyof operations> = NonNullable<
  operations[Id]['parameters']['query']
>;

/** A page of a list: `data`, `has_more` and the `next_cursor` to pass for the next page. */
export interface Page<Item> {
  data: Item[];
  has_more: boolean;
  next_cursor: string | null;
}

/** An RFC 9457 problem document, as every error answer carries. */
export type Problem = Schemas['Problem'];
/** A stable error code, such as `entity_not_found`; errors.md lists them. */
export type ErrorCode = Problem['code'];
/**
 * An error's `code`: one this client knows, or one added by a newer server (`string & {}`
 * keeps the known ones offered by editors).
 */
export type KnownOrNewErrorCode = ErrorCode | (string & NonNullable<unknown>);
/** One bad field of a refused request. */
export type FieldError = NonNullable<Problem['errors']>[number];

export type Entity = Schemas['Entity'];
export type EntityCreateParams = RequestBody<'createEntity'>;
export type EntityReplaceParams = RequestBody<'replaceEntity'>;
export type EntityUpdateParams = RequestBody<'updateEntity'>;
export type EntityListParams = QueryParams<'listEntities'>;
export type Timeline = ResponseBody<'getEntityTimeline'>;
export type TimelineItem = Timeline['data'][number];
export type TimelineParams = QueryParams<'getEntityTimeline'>;

export type Contact = Schemas['Contact'];
export type ContactCreateParams = RequestBody<'createContact'>;
export type ContactUpdateParams = RequestBody<'updateContact'>;
export type ContactListParams = QueryParams<'listContacts'>;

export type Template = Schemas['Template'];
export type TemplateCreateParams = RequestBody<'createTemplate'>;
export type TemplateUpdateParams = RequestBody<'updateTemplate'>;
export type TemplateListParams = QueryParams<'listTemplates'>;
export type TemplatePreviewParams = RequestBody<'previewTemplate'>;
export type TemplatePreview = ResponseBody<'previewTemplate'>;

export type Policy = Schemas['Policy'];
export type PolicyCreateParams = RequestBody<'createPolicy'>;
export type PolicyUpdateParams = RequestBody<'updatePolicy'>;
export type PolicyListParams = QueryParams<'listPolicies'>;

export type Event = Schemas['Event'];
export type EventCreateParams = RequestBody<'createEvent'>;
/** The 202 answer to a posted event: the event, the runs it started and those it cancelled. */
export type EventAccepted =
  operations['createEvent']['responses'][202]['content']['application/json'];
/** The 200 answer to a dry run: what would happen; nothing was stored. */
export type EventDryRun =
  operations['createEvent']['responses'][200]['content']['application/json'];
/** An event with the runs it started and the messages they sent. */
export type EventDetail = ResponseBody<'getEvent'>;
export type EventListParams = QueryParams<'listEvents'>;

export type Run = Schemas['Run'];
export type RunListParams = QueryParams<'listRuns'>;

export type Message = Schemas['Message'];
export type MessageListParams = QueryParams<'listMessages'>;

export type Suppression = Schemas['Suppression'];
export type SuppressionCreateParams = RequestBody<'createSuppression'>;
export type SuppressionListParams = QueryParams<'listSuppressions'>;

export type ApiKey = Schemas['ApiKey'];
/** A new API key with its secret in `key`: the only answer that ever shows it. */
export type ApiKeyWithSecret = ResponseBody<'createApiKey'>;
export type ApiKeyCreateParams = RequestBody<'createApiKey'>;
export type ApiKeyListParams = QueryParams<'listApiKeys'>;

export type Usage = ResponseBody<'getUsage'>;

export type EmailProviderSettings = ResponseBody<'getEmailProvider'>;
export type EmailProviderUpdateParams = RequestBody<'updateEmailProvider'>;
export type EmailProviderVerification = ResponseBody<'verifyEmailProvider'>;
