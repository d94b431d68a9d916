import rateLimit from '@fastify/rate-limit';
import type { App } from './app-context.js';
import { ApiError } from './problem.js';

/**
 * Per-caller request rate, counted in this process: one second windows of
 * `EMIVOY_RATE_LIMIT` requests. Runs after authentication so the budget belongs to the key
 * (or console session, or Clerk user), not to whoever sends its header; routes open to
 * anyone (sign-in) count per client address.
 */
export async function limitRequestRate(app: App): Promise<void> {
  const perSecond = app.services.config.rateLimit;
  if (perSecond === 0) return;

  await app.register(rateLimit, {
    global: true,
    hook: 'preValidation',
    max: perSecond,
    timeWindow: 1000,
    keyGenerator: (request) => {
      const caller = request.caller;
      return caller?.apiKeyId ?? caller?.sessionId ?? caller?.userId ?? request.ip;
    },
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        'rate_limited',
        `More than ${context.max} requests a second; retry after ${context.after}`,
        undefined,
        {
          'Retry-After': String(Math.max(1, Math.ceil(context.ttl / 1000))),
        },
      ),
  });
}
