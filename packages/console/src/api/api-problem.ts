/** One bad field of a request, as the API names it: a dotted path into the body. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** An RFC 9457 problem document, as every Emivoy error answer carries. */
export interface ProblemDocument {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  request_id?: string;
  errors?: FieldProblem[];
}

/** An API answer that was not a success, or a request that never got an answer. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors: FieldProblem[];
  readonly requestId: string | null;

  constructor(status: number, problem: ProblemDocument) {
    const detail = problem.detail ?? problem.title ?? `The request failed with status ${status}`;
    super(detail);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = problem.code ?? 'unknown_error';
    this.detail = detail;
    this.errors = problem.errors ?? [];
    this.requestId = problem.request_id ?? null;
  }

  /** The message the API gave for `field`, or for a path inside it (`steps.1.duration`). */
  fieldMessage(field: string): string | undefined {
    return this.errors.find((error) => error.field === field)?.message;
  }
}

export function isApiProblem(error: unknown): error is ApiProblem {
  return error instanceof ApiProblem;
}

/** A readable sentence for any error a query or mutation may throw. */
export function describeError(error: unknown): string {
  if (error instanceof ApiProblem) return error.detail;
  if (error instanceof Error) return error.message;
  return 'Something went wrong';
}
