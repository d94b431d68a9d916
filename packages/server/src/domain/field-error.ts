/** One bad field: a dotted path into the request (`steps.1.duration`) and what is wrong. */
export interface FieldError {
  field: string;
  message: string;
}
