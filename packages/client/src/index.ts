export { Emivoy, type EmivoyOptions } from './emivoy.js';
export {
  AuthenticationError,
  ConflictError,
  ConnectionError,
  EmivoyError,
  type EmivoyErrorDetails,
  ForbiddenError,
  NotFoundError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
} from './errors.js';
export type { components, operations, paths } from './generated/openapi.js';
export { type Cursored, PagedList } from './paged-list.js';
export type { PostOptions } from './resource.js';
export type { EventCreateOptions } from './resources/events.js';
export type * from './types.js';
