import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { App } from '../app-context.js';
import { ApiError } from '../problem.js';
import { errorResponses } from '../schemas/common.js';

const Health = Type.Object({ status: Type.String() });

/** Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database does). */
export async function healthRoutes(app: App): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'healthz',
        tags: ['operations'],
        summary: 'Liveness',
        security: [],
        response: { 200: Health, ...errorResponses },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'readyz',
        tags: ['operations'],
        summary: 'Readiness: the database answers',
        security: [],
        response: { 200: Health, ...errorResponses },
      },
    },
    async (request) => {
      try {
        await sql`select 1`.execute(app.services.database.db);
        return { status: 'ready' };
      } catch (error) {
        request.log.warn({ err: error }, 'database not reachable');
        throw new ApiError('service_unavailable', 'The database is not reachable');
      }
    },
  );
}
