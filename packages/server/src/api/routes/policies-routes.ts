import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { FieldError } from '../../domain/field-error.js';
import type { PolicyDefinition } from '../../domain/policy-definition.js';
import {
  type PolicyDefinitionInput,
  validatePolicyDefinition,
} from '../../domain/validate-policy.js';
import type { Database } from '../../store/database.js';
import {
  deletePolicy,
  findPolicy,
  insertPolicy,
  listPolicies,
  MissingTemplatesError,
  type PolicyRow,
  patchPolicy,
  StalePolicyError,
} from '../../store/policies-store.js';
import { missingTemplateIds } from '../../store/templates-store.js';
import { type App, callerOf } from '../app-context.js';
import { ApiError } from '../problem.js';
import { errorResponses } from '../schemas/common.js';
import {
  Policy,
  PolicyCreate,
  PolicyListQuery,
  PolicyPage,
  PolicyParams,
  PolicyPatch,
  type PolicyPatchBody,
  presentPolicy,
} from '../schemas/policy-schemas.js';

const tags = ['policies'];

function notFound(policyId: string): ApiError {
  return new ApiError('policy_not_found', `No policy with policy_id "${policyId}"`);
}

export async function policiesRoutes(app: App): Promise<void> {
  const { db } = app.services.database;

  app.post(
    '/policies',
    {
      schema: {
        tags,
        operationId: 'createPolicy',
        summary: 'Create a policy',
        body: PolicyCreate,
        response: { 201: Type.Ref(Policy), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { accountId } = callerOf(request);
      const { name, event_type, enabled, ...fields } = request.body;
      const definition = await validDefinition(db, accountId, fields);
      const row = await refusingMissingTemplates(definition, () =>
        insertPolicy(
          db,
          accountId,
          { name, event_type, enabled: enabled ?? true, definition },
          app.services.now(),
        ),
      );
      return reply.code(201).send(presentPolicy(row));
    },
  );

  app.get(
    '/policies',
    {
      schema: {
        tags,
        operationId: 'listPolicies',
        summary: 'List policies',
        querystring: PolicyListQuery,
        response: { 200: PolicyPage, ...errorResponses },
      },
    },
    async (request) => {
      const { query } = request;
      const page = await listPolicies(db, callerOf(request).accountId, {
        ...query,
        limit: query.limit ?? 20,
      });
      return { ...page, data: page.data.map(presentPolicy) };
    },
  );

  app.get(
    '/policies/:policy_id',
    {
      schema: {
        tags,
        operationId: 'getPolicy',
        summary: 'Get a policy',
        params: PolicyParams,
        response: { 200: Type.Ref(Policy), ...errorResponses },
      },
    },
    async (request) => {
      const row = await findPolicy(db, callerOf(request).accountId, request.params.policy_id);
      if (!row) throw notFound(request.params.policy_id);
      return presentPolicy(row);
    },
  );

  app.patch(
    '/policies/:policy_id',
    {
      schema: {
        tags,
        operationId: 'updatePolicy',
        summary: 'Update some fields of a policy',
        description:
          'steps, conditions, recipients and cancel_on replace the current ones and the ' +
          'policy is validated as a whole. A changed definition or event_type makes a new ' +
          'version: runs already started keep theirs.',
        params: PolicyParams,
        body: PolicyPatch,
        response: { 200: Type.Ref(Policy), ...errorResponses },
      },
    },
    async (request) => {
      const { policy_id: policyId } = request.params;
      const row = await updatePolicy(
        db,
        callerOf(request).accountId,
        policyId,
        request.body,
        app.services.now(),
      );
      if (!row) throw notFound(policyId);
      return presentPolicy(row);
    },
  );

  app.delete(
    '/policies/:policy_id',
    {
      schema: {
        tags,
        operationId: 'deletePolicy',
        summary: 'Delete a policy',
        description: 'Runs already started finish with the version they pinned.',
        params: PolicyParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const deleted = await deletePolicy(db, callerOf(request).accountId, request.params.policy_id);
      if (!deleted) throw notFound(request.params.policy_id);
      return reply.code(204).send(null);
    },
  );
}

/** Enough for any real contention: each retry means another patch did succeed. */
const maxPatchAttempts = 5;

/**
 * Reads the policy, merges the patch into its definition and writes it, again if another
 * patch of the definition got in between: its change is merged, never overwritten.
 */
async function updatePolicy(
  db: Kysely<Database>,
  accountId: string,
  policyId: string,
  body: PolicyPatchBody,
  now: number,
): Promise<PolicyRow | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await patchOnce(db, accountId, policyId, body, now);
    } catch (error) {
      if (!(error instanceof StalePolicyError) || attempt >= maxPatchAttempts) throw error;
    }
  }
}

async function patchOnce(
  db: Kysely<Database>,
  accountId: string,
  policyId: string,
  body: PolicyPatchBody,
  now: number,
): Promise<PolicyRow | undefined> {
  const { name, event_type, enabled, ...fields } = body;
  if (Object.keys(fields).length === 0) {
    return patchPolicy(db, accountId, policyId, { name, event_type, enabled }, now);
  }

  const current = await findPolicy(db, accountId, policyId);
  if (!current) return undefined;
  const stored = JSON.parse(current.definition) as PolicyDefinitionInput;
  const definition = await validDefinition(db, accountId, { ...stored, ...fields });
  const patch = { name, event_type, enabled, definition, baseVersion: current.version };
  return refusingMissingTemplates(definition, () =>
    patchPolicy(db, accountId, policyId, patch, now),
  );
}

/**
 * The definition in its stored form, or a 400 naming every bad field. Templates are checked
 * under a lock by the store when it writes; a request refused here anyway has them checked
 * now too, so that one answer lists every bad field.
 */
async function validDefinition(
  db: Kysely<Database>,
  accountId: string,
  input: PolicyDefinitionInput,
): Promise<PolicyDefinition> {
  const { definition, errors } = validatePolicyDefinition(input);
  if (errors.length === 0) return definition;

  const ids = input.steps.flatMap((step) => {
    const id = step.type === 'send_email' ? step.template_id : undefined;
    return typeof id === 'string' && id.startsWith('tpl_') ? [id] : [];
  });
  const missing = await missingTemplateIds(db, accountId, [...new Set(ids)]);
  throw ApiError.validation([...errors, ...templateErrors(input.steps, missing)]);
}

/** Runs a store write, turning a missing template into a 400 naming each step that sends it. */
async function refusingMissingTemplates<T>(
  definition: PolicyDefinition,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof MissingTemplatesError)) throw error;
    throw ApiError.validation(templateErrors(definition.steps, error.templateIds));
  }
}

function templateErrors(
  steps: ReadonlyArray<{ type?: unknown; template_id?: unknown }>,
  missing: string[],
): FieldError[] {
  return steps.flatMap((step, index) => {
    const id = step.type === 'send_email' ? step.template_id : undefined;
    if (typeof id !== 'string' || !missing.includes(id)) return [];
    return [{ field: `steps.${index}.template_id`, message: `no template ${id} in this account` }];
  });
}
