import type { Liquid } from 'liquidjs';
import type { FieldError } from './field-error.js';
import { createLiquidEngine } from './liquid-engine.js';

let engine: Liquid | undefined;

/**
 * Parses one part of a template and returns what is wrong with it, with its line and column,
 * or null when it parses.
 */
export function checkTemplateSyntax(field: string, source: string): FieldError | null {
  engine ??= createLiquidEngine({ escapeOutput: false });
  try {
    engine.parse(source);
    return null;
  } catch (error) {
    return { field, message: describeLiquidError(error) };
  }
}

function describeLiquidError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const token = (error as { token?: { getPosition?: () => number[] } }).token;
  const position = token?.getPosition?.();
  // liquidjs already appends ", line:2, col:1"; restate it in plain words once.
  const base = message.replace(/,? ?line:\d+, col:\d+$/, '');
  if (!position) return `does not parse as Liquid: ${base}`;

  const [line, column] = position;
  return `does not parse as Liquid at line ${line}, column ${column}: ${base}`;
}
