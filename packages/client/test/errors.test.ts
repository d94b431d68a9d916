import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../../server/test/harness/spawn-emivoy.js';
import {
  AuthenticationError,
  ConflictError,
  ConnectionError,
  Emivoy,
  EmivoyError,
  ForbiddenError,
  NotFoundError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
} from '../src/index.js';
import { type ClientServer, startClientServer } from './harness/client-server.js';
import { problem, type StandInServer, startStandInServer } from './harness/stand-in-server.js';
import { seedEntity, seedEvent } from './seed.js';

/** The error a promise rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<EmivoyError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EmivoyError);
    return error as EmivoyError;
  }
  throw new Error('expected the call to fail');
}

let server: ClientServer;
let client: Emivoy;

beforeAll(async () => {
  server = await startClientServer();
  client = server.client();
  await client.entities.create(seedEntity);
});

afterAll(async () => {
  await server?.stop();
});

describe('errors of the real server, one class each', () => {
  test('AuthenticationError for an unknown key and for a revoked one', async () => {
    const unknown = await failure(server.client({ apiKey: 'em_live_nope' }).usage.get());
    expect(unknown).toBeInstanceOf(AuthenticationError);
    expect(unknown).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect(unknown.requestId).toMatch(/^req_/);

    const created = await client.apiKeys.create({ name: 'short-lived' });
    await client.apiKeys.revoke(created.api_key_id);
    const revoked = await failure(server.client({ apiKey: created.key }).usage.get());
    expect(revoked).toBeInstanceOf(AuthenticationError);
    expect(revoked.code).toBe('api_key_revoked');
  });

  test('ForbiddenError when a test-mode key creates a live key', async () => {
    const testKey = await client.apiKeys.create({ mode: 'test' });
    const error = await failure(
      server.client({ apiKey: testKey.key }).apiKeys.create({ mode: 'live' }),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ status: 403, code: 'forbidden' });
    expect(error.errors.map((e) => e.field)).toEqual(['mode']);
  });

  test('NotFoundError with the resource’s code', async () => {
    const entity = await failure(client.entities.get('acct_nobody'));
    expect(entity).toBeInstanceOf(NotFoundError);
    expect(entity).toMatchObject({ status: 404, code: 'entity_not_found' });
    expect(entity.message).toContain('acct_nobody');

    const event = await failure(client.events.create({ ...seedEvent, entity_id: 'acct_nobody' }));
    expect(event).toBeInstanceOf(NotFoundError);
    expect(event.errors).toEqual([{ field: 'entity_id', message: expect.any(String) }]);

    expect((await failure(client.runs.get('run_nope'))).code).toBe('run_not_found');
    expect((await failure(client.suppressions.delete('a@b.c'))).code).toBe('suppression_not_found');
  });

  test('ConflictError for an entity that exists and a template in use', async () => {
    const exists = await failure(client.entities.create(seedEntity));
    expect(exists).toBeInstanceOf(ConflictError);
    expect(exists).toMatchObject({ status: 409, code: 'entity_exists' });

    const template = await client.templates.create({ name: 'T', subject: 's', text_body: 'b' });
    await client.policies.create({
      name: 'P',
      event_type: 'thing.happened',
      steps: [{ type: 'send_email', template_id: template.template_id }],
    });
    const inUse = await failure(client.templates.delete(template.template_id));
    expect(inUse).toBeInstanceOf(ConflictError);
    expect(inUse.code).toBe('template_in_use');
  });

  test('ValidationError names each bad field', async () => {
    const error = await failure(
      client.policies.create({
        name: 'Bad',
        event_type: 'invoice.overdue',
        steps: [{ type: 'wait', duration: 'three days' }],
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(error.errors.map((e) => e.field)).toContain('steps.0.duration');
    expect(error.body?.instance).toBe('/api/v1/policies');

    const liquid = await failure(
      client.templates.create({ name: 'L', subject: 's', text_body: 'Hi\n{% if x %}' }),
    );
    expect(liquid).toBeInstanceOf(ValidationError);
    expect(liquid.errors[0]?.field).toBe('text_body');
  });

  test('ValidationError (422) for an idempotency key reused with another body', async () => {
    const idempotencyKey = 'reused-key';
    await client.events.create(seedEvent, { idempotencyKey });
    const error = await failure(
      client.events.create({ ...seedEvent, data: { other: true } }, { idempotencyKey }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
  });
});

describe('limits', () => {
  let limited: ClientServer;
  let slow: ClientServer;

  // Started in a hook, not in the tests: a busy machine takes seconds to start a server.
  beforeAll(async () => {
    [limited, slow] = await Promise.all([
      startClientServer({ EMIVOY_MONTHLY_EVENT_LIMIT: '2' }),
      startClientServer({ EMIVOY_RATE_LIMIT: '1' }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([limited?.stop(), slow?.stop()]);
  });

  test('QuotaExceededError once the month’s events are used up; never retried', async () => {
    let requests = 0;
    const counted = limited.client({
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    });
    await counted.entities.create(seedEntity);
    await counted.events.create(seedEvent);
    await counted.events.create(seedEvent);

    requests = 0;
    const error = await failure(counted.events.create(seedEvent));
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toMatchObject({ status: 429, code: 'quota_exceeded' });
    expect(error.retryAfter).toBeGreaterThan(0);
    expect(requests).toBe(1);
    expect(await counted.usage.get()).toMatchObject({ events: 2, limit: 2, remaining: 0 });
  });

  test('RateLimitError with retryAfter when retries are off; retried when they are on', async () => {
    const noRetries = slow.client({ maxRetries: 0 });
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => noRetries.usage.get()));
    // Five at once against one a second: at most two fit, should they straddle a window.
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThanOrEqual(3);
    const error = (refused[0] as PromiseRejectedResult).reason as EmivoyError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(error.retryAfter).toBeGreaterThanOrEqual(1);

    // The same burst with retries: each waits out Retry-After and gets through.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const patient = slow.client({ maxRetries: 2 });
    const [first, second] = await Promise.all([patient.usage.get(), patient.usage.get()]);
    expect(first.object).toBe('usage');
    expect(second.object).toBe('usage');
  });
});

describe('errors without a usable answer', () => {
  let standIn: StandInServer | undefined;

  afterAll(async () => {
    await standIn?.close();
  });

  test('ServerError for a 5xx, carrying the problem document', async () => {
    standIn = await startStandInServer(() => ({
      status: 500,
      body: problem(500, 'internal_error', 'Something failed on our side'),
    }));
    const error = await failure(
      new Emivoy({ apiKey: 'em_live_x', baseUrl: standIn.url, maxRetries: 0 }).usage.get(),
    );
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({
      status: 500,
      code: 'internal_error',
      message: 'Something failed on our side',
      requestId: 'req_standin',
    });
    await standIn.close();
    standIn = undefined;
  });

  test('an answer that is not a problem document still becomes an error', async () => {
    standIn = await startStandInServer(() => ({
      status: 502,
      headers: { 'content-type': 'text/html' },
    }));
    const error = await failure(
      new Emivoy({ apiKey: 'em_live_x', baseUrl: standIn.url, maxRetries: 0 }).usage.get(),
    );
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 502, code: undefined });
    expect(error.message).toBe('HTTP 502 without a problem document');
    await standIn.close();
    standIn = undefined;
  });

  test('ConnectionError, not sent, when nothing listens', async () => {
    const port = await freePort();
    const error = await failure(
      new Emivoy({
        apiKey: 'em_live_x',
        baseUrl: `http://127.0.0.1:${port}`,
        maxRetries: 0,
      }).entities.create(seedEntity),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ sent: false, status: undefined });
    expect(error.message).toContain('ECONNREFUSED');
  });

  test('TimeoutError when no answer comes within timeoutMs', async () => {
    standIn = await startStandInServer(() => null);
    const started = Date.now();
    const error = await failure(
      new Emivoy({
        apiKey: 'em_live_x',
        baseUrl: standIn.url,
        timeoutMs: 200,
        maxRetries: 0,
      }).usage.get(),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as TimeoutError).sent).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('options', () => {
  test('are checked when the client is made', () => {
    expect(() => new Emivoy({ apiKey: '' })).toThrow(/apiKey is required/);
    expect(() => new Emivoy({ apiKey: 'k', baseUrl: 'localhost:8080' })).toThrow(/http/);
    expect(() => new Emivoy({ apiKey: 'k', timeoutMs: 0 })).toThrow(RangeError);
    expect(() => new Emivoy({ apiKey: 'k', maxRetries: -1 })).toThrow(RangeError);
  });

  test('fetch is called unbound, as a browser’s own fetch requires', async () => {
    let receiver: unknown = 'not called';
    const client = server.client({
      fetch: function (this: unknown, input, init) {
        receiver = this;
        return fetch(input, init);
      },
    });
    await client.usage.get();
    expect(receiver).toBeUndefined();
  });

  test('baseUrl may end with / or /api/v1', () => {
    expect(new Emivoy({ apiKey: 'k', baseUrl: 'https://e.example/api/v1/' }).baseUrl).toBe(
      'https://e.example',
    );
    expect(new Emivoy({ apiKey: 'k' }).baseUrl).toBe('http://localhost:8080');
  });
});
