import type { TSchema } from '@sinclair/typebox';
import { Problem } from './common.js';
import { Entity } from './entity-schemas.js';

/**
 * Schemas with an `$id`, referenced from routes by `Type.Ref`. Each is registered once, so it
 * appears once under `components.schemas` of the OpenAPI document.
 */
export const sharedSchemas: TSchema[] = [Problem, Entity];
