import { apiRequest, type Mode, type QueryValue } from './api-request';
import type {
  AcceptedEvent,
  ApiEvent,
  ApiKey,
  Contact,
  CreatedApiKey,
  DryRunResult,
  EmailProviderInput,
  EmailProviderSettings,
  Entity,
  EventDetail,
  Member,
  Message,
  Page,
  Policy,
  PolicyInput,
  ProviderVerification,
  Run,
  Session,
  Suppression,
  Template,
  TemplatePreview,
  Timeline,
  Usage,
} from './types';

const v1 = '/api/v1';
type Query = Record<string, QueryValue>;
const id = encodeURIComponent;

const get = <T>(path: string, mode?: Mode, query?: Query) =>
  apiRequest<T>('GET', `${v1}${path}`, { mode, query });
const send = <T>(method: string, path: string, body?: unknown, mode?: Mode, query?: Query) =>
  apiRequest<T>(method, `${v1}${path}`, { body, mode, query });

export interface SignUpInput {
  email: string;
  password: string;
  name?: string;
  account_name: string;
}

export interface EventInput {
  event_type: string;
  entity_id: string;
  data?: Record<string, unknown>;
}

/** Every API call the console makes, one typed function each. */
export const api = {
  auth: {
    session: () => get<Session>('/auth/session'),
    signUp: (input: SignUpInput) => send<Session>('POST', '/auth/signup', input),
    signIn: (input: { email: string; password: string }) =>
      send<Session>('POST', '/auth/signin', input),
    signOut: () => send<void>('POST', '/auth/signout'),
    switchAccount: (accountId: string) =>
      send<Session>('POST', '/auth/switch-account', { account_id: accountId }),
    createAccount: (name: string) => send<unknown>('POST', '/accounts', { name }),
  },
  members: {
    list: (query: Query) => get<Page<Member>>('/members', undefined, query),
    add: (input: { email: string; role?: string }) => send<Member>('POST', '/members', input),
    remove: (userId: string) => send<void>('DELETE', `/members/${id(userId)}`),
  },
  entities: {
    list: (query: Query) => get<Page<Entity>>('/entities', undefined, query),
    get: (entityId: string) => get<Entity>(`/entities/${id(entityId)}`),
    create: (input: Partial<Entity>) => send<Entity>('POST', '/entities', input),
    update: (entityId: string, input: Partial<Entity>) =>
      send<Entity>('PATCH', `/entities/${id(entityId)}`, input),
    remove: (entityId: string) => send<void>('DELETE', `/entities/${id(entityId)}`),
    timeline: (mode: Mode, entityId: string, query: Query) =>
      get<Timeline>(`/entities/${id(entityId)}/timeline`, mode, query),
  },
  contacts: {
    list: (query: Query) => get<Page<Contact>>('/contacts', undefined, query),
    create: (input: Partial<Contact>) => send<Contact>('POST', '/contacts', input),
    update: (contactId: string, input: Partial<Contact>) =>
      send<Contact>('PATCH', `/contacts/${id(contactId)}`, input),
    remove: (contactId: string) => send<void>('DELETE', `/contacts/${id(contactId)}`),
  },
  templates: {
    list: (query: Query) => get<Page<Template>>('/templates', undefined, query),
    get: (templateId: string) => get<Template>(`/templates/${id(templateId)}`),
    create: (input: Partial<Template>) => send<Template>('POST', '/templates', input),
    update: (templateId: string, input: Partial<Template>) =>
      send<Template>('PATCH', `/templates/${id(templateId)}`, input),
    remove: (templateId: string) => send<void>('DELETE', `/templates/${id(templateId)}`),
    preview: (templateId: string, sample: Record<string, unknown>) =>
      send<TemplatePreview>('POST', `/templates/${id(templateId)}/preview`, sample),
  },
  policies: {
    list: (query: Query) => get<Page<Policy>>('/policies', undefined, query),
    get: (policyId: string) => get<Policy>(`/policies/${id(policyId)}`),
    create: (input: PolicyInput) => send<Policy>('POST', '/policies', input),
    update: (policyId: string, input: Partial<PolicyInput>) =>
      send<Policy>('PATCH', `/policies/${id(policyId)}`, input),
    remove: (policyId: string) => send<void>('DELETE', `/policies/${id(policyId)}`),
  },
  events: {
    list: (mode: Mode, query: Query) => get<Page<ApiEvent>>('/events', mode, query),
    get: (mode: Mode, eventId: string) => get<EventDetail>(`/events/${id(eventId)}`, mode),
    create: (mode: Mode, input: EventInput) => send<AcceptedEvent>('POST', '/events', input, mode),
    dryRun: (mode: Mode, input: EventInput) =>
      send<DryRunResult>('POST', '/events', input, mode, { dry_run: true }),
  },
  runs: {
    get: (mode: Mode, runId: string) => get<Run>(`/runs/${id(runId)}`, mode),
    cancel: (mode: Mode, runId: string) =>
      send<Run>('POST', `/runs/${id(runId)}/cancel`, undefined, mode),
  },
  messages: {
    list: (mode: Mode, query: Query) => get<Page<Message>>('/messages', mode, query),
    get: (mode: Mode, messageId: string) => get<Message>(`/messages/${id(messageId)}`, mode),
  },
  suppressions: {
    list: (query: Query) => get<Page<Suppression>>('/suppressions', undefined, query),
    add: (input: { email: string; detail?: string }) =>
      send<Suppression>('POST', '/suppressions', input),
    remove: (email: string) => send<void>('DELETE', `/suppressions/${id(email)}`),
  },
  emailProvider: {
    get: () => get<EmailProviderSettings>('/settings/email-provider'),
    put: (input: EmailProviderInput) =>
      send<EmailProviderSettings>('PUT', '/settings/email-provider', input),
    verify: () => send<ProviderVerification>('POST', '/settings/email-provider/verify'),
  },
  apiKeys: {
    list: (query: Query) => get<Page<ApiKey>>('/api-keys', undefined, query),
    create: (input: { name: string; mode: 'live' | 'test' }) =>
      send<CreatedApiKey>('POST', '/api-keys', input),
    revoke: (apiKeyId: string) => send<ApiKey>('DELETE', `/api-keys/${id(apiKeyId)}`),
  },
  usage: {
    get: () => get<Usage>('/usage'),
  },
};
