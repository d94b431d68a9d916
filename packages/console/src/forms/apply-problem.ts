import { isApiProblem } from '../api/api-problem';

interface FormWithErrors {
  setFieldError: (path: never, error: string) => void;
}

/**
 * Shows an API problem's field errors next to the form's fields: each `errors[].field` (a
 * dotted path such as `steps.1.duration`) goes to the field `toFormPath` names, by default
 * the same path; a problem without `errors` whose `code` is in `byCode` (`email_taken`) goes
 * to that field. Answers the problem when some of it has no field to sit next to, for the
 * form to show above its buttons; null when every error found its field.
 */
export function applyProblem(
  form: FormWithErrors,
  error: unknown,
  toFormPath: (field: string) => string | null = (field) => field,
  byCode: Record<string, string> = {},
): unknown {
  if (!isApiProblem(error)) return error;
  const codeField = byCode[error.code];
  if (error.errors.length === 0 && codeField) {
    (form.setFieldError as (path: string, error: string) => void)(codeField, error.detail);
    return null;
  }
  if (error.errors.length === 0) return error;

  let unplaced = false;
  for (const problem of error.errors) {
    const path = toFormPath(problem.field);
    if (path === null) {
      unplaced = true;
      continue;
    }
    (form.setFieldError as (path: string, error: string) => void)(path, problem.message);
  }
  return unplaced ? error : null;
}

/** A `toFormPath` that places only the listed fields, leaving the rest for the alert. */
export function onlyFields(...fields: string[]): (field: string) => string | null {
  return (field) => (fields.includes(field) ? field : null);
}
