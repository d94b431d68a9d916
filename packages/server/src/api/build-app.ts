import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import apiReference from '@scalar/fastify-api-reference';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify from 'fastify';
import type { Logger } from 'pino';
import type { App, Services } from './app-context.js';
import { requireAuthentication } from './authenticate.js';
import { installErrorHandler } from './error-handler.js';
import { supportIdempotency } from './idempotency.js';
import { exposeMetrics } from './metrics.js';
import { openApiInfo } from './openapi-info.js';
import { limitRequestRate } from './rate-limit.js';
import { OneLinePerRequest } from './request-log.js';
import { healthRoutes } from './routes/health-routes.js';
import { apiRoutes } from './routes/index.js';
import { unsubscribeRoutes } from './routes/unsubscribe-routes.js';
import { webhookRoutes } from './routes/webhook-routes.js';
import { sharedSchemas } from './schemas/shared-schemas.js';
import { consoleSite } from './serve-console.js';

/** The largest request body accepted (DESIGN.md: 1 MiB, else 413). */
export const bodyLimit = 1024 * 1024;

export interface BuildAppOptions extends Omit<Services, 'now' | 'wakeWorker'> {
  logger: Logger;
  now?: () => number;
  wakeWorker?: (dueRunIds?: string[]) => void;
  /** The built console to serve at `/` (`emivoy serve` passes packages/console/dist). */
  consoleDir?: string;
}

/**
 * Bodies are validated strictly (no type coercion, unknown fields refused); query strings
 * and path parameters are coerced, since everything in a URL arrives as text.
 */
function validatorCompiler() {
  const strict = new Ajv({
    allErrors: true,
    coerceTypes: false,
    useDefaults: true,
    removeAdditional: false,
    strict: false,
  });
  const coercing = new Ajv({
    allErrors: true,
    coerceTypes: 'array',
    useDefaults: true,
    removeAdditional: false,
    strict: false,
  });
  addFormats.default(strict);
  addFormats.default(coercing);
  for (const ajv of [strict, coercing]) ajv.addSchema(sharedSchemas);

  return ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
    httpPart === 'body' ? strict.compile(schema) : coercing.compile(schema);
}

/** Builds the HTTP application; it does not listen, so tests can `inject` into it. */
export async function buildApp(options: BuildAppOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: options.logger,
    logController: new OneLinePerRequest(),
    bodyLimit,
    // While closing, requests already on open connections are still answered (the database
    // closes after the server): a bare 503 without problem details would help nobody.
    return503OnClosing: false,
    genReqId: () => `req_${randomBytes(12).toString('hex')}`,
    requestIdHeader: false,
    ajv: { customOptions: { strict: false } },
    // Unsubscribe tokens in paths are ~150 characters; the default limit is 100.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  app.decorate('services', {
    ...options,
    now: options.now ?? Date.now,
    wakeWorker: options.wakeWorker ?? (() => {}),
  });
  const routeTable: Array<{ method: string; url: string }> = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routeTable.push({ method, url: route.url });
  });
  app.setValidatorCompiler(validatorCompiler());
  for (const schema of sharedSchemas) app.addSchema(schema);
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('Request-Id', request.id);
    return payload;
  });
  const site = options.consoleDir ? consoleSite(options.consoleDir) : null;
  installErrorHandler(app, site?.fallback);
  await app.register(cookie);

  await app.register(swagger, {
    openapi: openApiInfo(),
    // Shared schemas keep their own names (Entity, Problem…) under components.schemas.
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`),
    },
  });
  await app.register(apiReference, { routePrefix: '/reference' });

  exposeMetrics(app);
  await app.register(healthRoutes);
  await app.register(
    async (api) => {
      await requireAuthentication(api);
      await limitRequestRate(api);
      supportIdempotency(api);
      await apiRoutes(api);
    },
    { prefix: '/api/v1' },
  );

  await app.register(webhookRoutes);
  await app.register(unsubscribeRoutes);

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await site?.serve(app);
  return app;
}
