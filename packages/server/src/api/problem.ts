/**
 * Every error the API answers with, by stable code. One code, one HTTP status, one title;
 * docs/errors.md lists the same table.
 */
export const problemCodes = {
  validation_failed: [400, 'The request has invalid fields'],
  invalid_json: [400, 'The request body is not valid JSON'],
  invalid_cursor: [400, 'The pagination cursor is not valid'],
  template_render_failed: [400, 'The template could not be rendered'],
  authentication_required: [401, 'Authentication is required'],
  invalid_api_key: [401, 'The API key is not valid'],
  api_key_revoked: [401, 'The API key has been revoked'],
  invalid_token: [401, 'The session token is not valid'],
  invalid_credentials: [401, 'The email or password is not right'],
  forbidden: [403, 'Not allowed'],
  csrf_failed: [403, 'The CSRF token is missing or wrong'],
  not_found: [404, 'Not found'],
  entity_not_found: [404, 'Entity not found'],
  contact_not_found: [404, 'Contact not found'],
  template_not_found: [404, 'Template not found'],
  policy_not_found: [404, 'Policy not found'],
  event_not_found: [404, 'Event not found'],
  api_key_not_found: [404, 'API key not found'],
  run_not_found: [404, 'Run not found'],
  message_not_found: [404, 'Message not found'],
  suppression_not_found: [404, 'Suppression not found'],
  account_not_found: [404, 'Account not found'],
  user_not_found: [404, 'User not found'],
  member_not_found: [404, 'Member not found'],
  entity_exists: [409, 'An entity with this external_id already exists'],
  contact_exists: [409, 'This contact already has this role on the entity'],
  template_in_use: [409, 'The template is used by a policy'],
  run_not_active: [409, 'The run has already ended'],
  email_taken: [409, 'A user with this email already exists'],
  member_exists: [409, 'The user is already a member of this account'],
  last_owner: [409, 'The last owner of an account cannot be removed'],
  idempotency_key_in_use: [409, 'A request with this Idempotency-Key is still in progress'],
  payload_too_large: [413, 'The request body is too large'],
  unsupported_media_type: [415, 'The request body must be JSON'],
  idempotency_key_reused: [422, 'The Idempotency-Key was used with another request'],
  rate_limited: [429, 'Too many requests'],
  quota_exceeded: [429, "The plan's monthly event limit is reached"],
  signin_rate_limited: [429, 'Too many failed sign-ins'],
  webhook_signature_invalid: [401, 'The webhook signature does not verify'],
  webhook_not_configured: [409, 'No webhook verification key is set for this account'],
  provider_not_configured: [409, 'No email provider is set up for this account'],
  internal_error: [500, 'Internal error'],
  secret_key_mismatch: [500, 'Stored secrets cannot be opened with this server key'],
  service_unavailable: [503, 'Service unavailable'],
  storage_full: [507, 'The server has no storage space left'],
} as const satisfies Record<string, readonly [number, string]>;

export type ProblemCode = keyof typeof problemCodes;

/** One bad field: a dotted path into the request (`steps.1.duration`) and what is wrong. */
export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details, as sent. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  instance?: string;
  request_id?: string;
  errors?: FieldError[];
}

/** An error the API answers as problem details; anything else becomes `internal_error`. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;

  constructor(
    readonly code: ProblemCode,
    detail?: string,
    readonly errors?: FieldError[],
    /** Extra response headers, such as `Retry-After`. */
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? problemCodes[code][1]);
    this.status = problemCodes[code][0];
  }

  static validation(errors: FieldError[]): ApiError {
    const first = errors[0];
    const detail = first ? `${first.field}: ${first.message}` : 'The request has invalid fields';
    return new ApiError('validation_failed', detail, errors);
  }
}

export function problemBody(error: ApiError, instance?: string, requestId?: string): ProblemBody {
  const body: ProblemBody = {
    type: `https://docs.emivoy.com/errors#${error.code}`,
    title: problemCodes[error.code][1],
    status: error.status,
    code: error.code,
    detail: error.message,
  };
  if (instance) body.instance = instance;
  if (requestId) body.request_id = requestId;
  if (error.errors) body.errors = error.errors;
  return body;
}
