import type { SuiteName } from '../lib/options.js';

/** How each suite measures, for the report: what a reader needs to rerun or doubt a figure. */
export const methods: Record<SuiteName, { title: string; method: string }> = {
  ingest: {
    title: 'Ingest (`--only ingest`)',
    method: `Every server is a process of its own on 127.0.0.1; the load comes from the bench
process through undici. Floors (bench/floors/floor-server.ts, compiled to plain JavaScript): a
bare Fastify 5 route that validates the event body with Emivoy's own TypeBox schema and Ajv
options and answers 202; the same route plus one INSERT of the event into Emivoy's migrated
\`events\` table: SQLite opened with Emivoy's pragmas (WAL, synchronous=FULL, one autocommit
INSERT, so one fsync, per request), PostgreSQL through a pg pool of 10 as Emivoy's. The subject
is the built server, \`emivoy serve --no-worker\` (the API alone), with a live key made by
\`emivoy accounts create\`: authentication, validation, the entity and quota checks, one
matching policy (one send_email step), the event and its run in one transaction. Events are
spread over many entities with one contact each. The API alone executes no runs, so before
each of its measurements the runs the previous one left active are marked completed in the
database, as a worker would have: every measurement starts from the same state. \`EMIVOY_RATE_LIMIT=0\` and an unlimited
monthly quota, or the limits would be measured instead; logs at \`info\` to /dev/null.
Throughput is closed loop: 32 connections sending back to back, answers counted in a window
after a warm-up. Latency is open loop: requests are sent on a fixed schedule at half the
INSERT floor's median maximum rate, and each latency runs from the request's scheduled time,
so a server that falls behind shows its queue (no coordinated omission). "npm start" repeats
the throughput with \`emivoy serve\` (API and worker in one process). "group commit" is not a
floor: the INSERT floor with the inserts of one event-loop turn sharing one transaction, to
show what sharing an fsync is worth on the machine.`,
  },
  latency: {
    title: 'Event to provider (`--only latency`)',
    method: `A quiet \`emivoy serve\` (API and worker) with one policy, one send_email step to the
entity's one contact. One event at a time, 10 ms apart: the time from just before the POST to
the moment the stand-in SendGrid (packages/server/test/harness/fake-sendgrid.ts, in the bench
process, so one clock) has read the whole mail/send request, the account's provider being
SendGrid; and, posted with a test-mode key, to the moment the outbox message is seen
\`captured\` in the database, polled every millisecond (so up to about 1 ms late). The floor
is the least any design pays: the POST to the route + INSERT floor, then one keep-alive undici
call to the same stand-in. Targets are absolute (issue 3): p50 ≤ 5 ms on SQLite, ≤ 10 ms on
PostgreSQL; p99 ≤ 25 / 50 ms.`,
  },
  delivery: {
    title: 'Delivery (`--only delivery`)',
    method: `Messages already queued, as a send_email step leaves them (the store's own
\`queueMessages\`), are delivered by \`emivoy worker\` to the stand-in SendGrid running in a
process of its own (bench/floors/sendgrid-process.ts); the rate is taken from the arrival
times at the stand-in, over the middle 80% of the messages. The stand-in validates every body
against SendGrid's OpenAPI description and refuses what SendGrid would. Emivoy's concurrency
towards one account is 16 connections (the SendGrid agent) with batches of 50 claimed
messages in flight; the floor is an undici loop from the bench with 16 connections and 50
requests in flight, refilled as answers come, the same body. With the stand-in answering after
50 ms, the ideal is 16 ÷ 50 ms = 320 messages a second; the undici loop's own figure shows
that the harness reaches it.`,
  },
  worker: {
    title: 'Worker (`--only worker`)',
    method: `The worker's own cost, without a network: queued test-mode messages (always for
the outbox) delivered by \`emivoy worker\`, its rate from the count still queued polled every
50 ms (middle 80%). The floor is a bare claim-and-complete loop in the bench on a database of
the same kind and schema: claim 50 due messages with the same due-work query (with
\`FOR UPDATE SKIP LOCKED\` on PostgreSQL), then one UPDATE per message, its own commit,
concurrently as Emivoy's worker does.`,
  },
  'wait-drift': {
    title: 'Wait drift (`--only wait-drift`)',
    method: `A quiet \`emivoy serve\`; N events start runs of "wait 1h, then send_email"; once all
are waiting, their due times are moved in the database to spread evenly over the window
(200 over one minute with --quick, 2,000 over ten minutes in a full run). Drift is the
worker's execution of the step after the wait (the run's \`ended_at\`, server clock) minus
its due time. One run per database: the window is the measurement. The floor is the worker's
poll interval (500 ms): a wait found by polling is up to one interval late, plus the work.`,
  },
  footprint: {
    title: 'Footprint (`--only footprint`)',
    method: `What \`npm start\` runs, without its build step: \`node
packages/server/dist/cli/main.js serve\` (API and worker) on a fresh database, default
settings. Time from spawn to the first \`GET /readyz\` answered 200 (polled every 5 ms;
migrations included), resident memory (VmRSS) after idling, and the time to ready again on a
restart. The floor is the bare Fastify route process (compiled, no database), measured the
same way.`,
  },
};
