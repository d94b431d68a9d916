import { type Logger, pino } from 'pino';

/**
 * The one logger. Secrets never reach it: authorization headers, cookies and anything named
 * like a key or password are redacted wherever they appear in logged objects.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'emivoy' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["idempotency-key"]',
        'res.headers["set-cookie"]',
        '*.api_key',
        '*.password',
        '*.secret',
        '*.key',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
