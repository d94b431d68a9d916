import type { FastifyRequest } from 'fastify';
import { ApiError } from './problem.js';

/**
 * The mode a person works in: live unless `Emivoy-Mode: test`. API keys carry their mode in
 * the key itself and never read this header, so a test key cannot ask for live data.
 */
export function requestedLivemode(request: FastifyRequest): boolean {
  const mode = request.headers['emivoy-mode'];
  if (mode === undefined || mode === 'live') return true;
  if (mode === 'test') return false;
  throw ApiError.validation([{ field: 'Emivoy-Mode', message: 'must be "live" or "test"' }]);
}
