import type { TSchema } from '@sinclair/typebox';
import { ApiKey } from './api-key-schemas.js';
import { AccountMembership, Session } from './auth-schemas.js';
import { Problem } from './common.js';
import { Contact } from './contact-schemas.js';
import { Entity } from './entity-schemas.js';
import { Event } from './event-schemas.js';
import { Member } from './member-schemas.js';
import { Message } from './message-schemas.js';
import { Policy } from './policy-schemas.js';
import { Run } from './run-schemas.js';
import { Suppression } from './suppression-schemas.js';
import { Template } from './template-schemas.js';

/**
 * Schemas with an `$id`, referenced from routes by `Type.Ref`. Each is registered once, so it
 * appears once under `components.schemas` of the OpenAPI document.
 */
export const sharedSchemas: TSchema[] = [
  Problem,
  Entity,
  Event,
  ApiKey,
  Contact,
  Template,
  Policy,
  Run,
  Message,
  Suppression,
  AccountMembership,
  Session,
  Member,
];
