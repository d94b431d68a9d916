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
  'fan-out': {
    title: 'Fan-out (`--only fan-out`)',
    method: `One entity with 1,000 billing contacts and 1,000 entities with one each, one policy
(one send_email step), a quiet \`emivoy serve\` whose account sends through the stand-in
SendGrid (its own process). The subject: one event to the big entity, timed from the POST to
the arrival of the 1,000th mail at the stand-in, counting one arrival per personalization.
The floor: 1,000 single events (16 POSTs in flight), timed the same way. The ratio is the
floor's time ÷ the subject's (the issue asks ≥ 20×): Emivoy sends the mail of one step in
SendGrid requests of up to 1,000 personalizations when the bodies differ only by the
recipient's name and address (engine/deliver-batch.ts, domain/shared-content.ts).`,
  },
  scaling: {
    title: 'Worker scaling on PostgreSQL (`--only scaling`)',
    method: `\`emivoy serve --no-worker\` and 1, 2 or 4 \`emivoy worker\` processes on one PostgreSQL
database deliver messages already queued (as in the delivery suite; 800 per worker in a quick
run, 5,000 in a full one, twice that with the instant provider) to the stand-in SendGrid in
its own process. The rate is taken at the stand-in over the middle 80% of arrivals; each
figure's floor is one worker in the same repetition, counts alternating in order between
repetitions. With the stand-in answering after 50 ms the work waits on the provider, and the
issue asks 4 workers ≥ 3.2× one; answering at once the work is CPU-bound on this machine (the
workers, PostgreSQL and the stand-in share its cores) and more workers must not be slower.
After each measurement every message must be \`sent\` and the stand-in must have accepted
exactly one request per message, or the suite fails: none lost, none duplicated.`,
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
  waits: {
    title: 'Waits at scale (`--only waits`)',
    method: `Two databases set up by \`emivoy serve\` with one policy "wait 1h, then
send_email" and 100 entities, then filled by the database itself (a recursive CTE on SQLite,
generate_series on PostgreSQL, 100,000 rows a statement) with runs waiting at the send_email
step, each with its event: 1,000 in one, 1,000,000 in the other (200,000 with --quick),
due from an hour ahead over 30 days. Ids are as long as Emivoy's. **Disk**: the \`runs\`
table with all its indexes (SQLite: the \`dbstat\` table, or pages added by copies where the
build lacks it; PostgreSQL: \`pg_total_relation_size\` after \`VACUUM (ANALYZE)\`) against a
bare table made from the live schema with the same columns and primary key and only the due
index \`runs_due\`, filled with the same rows. **Claim**: the store's own \`claimDueRuns\` as
the worker calls it (50 runs), in a transaction rolled back after each call, the median of
up to 101 calls per repetition (fewer when slow, at least 5), once with nothing due (the
idle poll) and once at the time the 50th wait falls due; the floor is the database with
1,000. The plan of the statement it sends (recorded by a Kysely that executes nothing) is
in the observations: SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN (ANALYZE, BUFFERS)
rolled back. **Idle server**: \`emivoy serve\` started on each database; VmRSS after
idling (5 s with --quick, 30 s) and its CPU time from its first second to then; the target
is on the growth (RSS with many minus RSS with 1,000, paired by repetition). **Drift among
them**: the wait-drift measurement with as many waits (200 over 20 s with --quick, 2,000
over ten minutes) inserted among the pending ones on the large database. **Burst**: on a
fresh database, 100,000 waits (10,000 with --quick) inserted due tomorrow, then moved by
one UPDATE into one second a few seconds ahead while \`emivoy serve\` runs; from that
second, active runs plus queued messages are counted every 100 ms (literal statuses, so
both databases count from the partial indexes) until none is left; rate between 10% and
90% fired. The floor is the same server, on another fresh database, delivering as many
test-mode messages queued at once (the worker suite's subject), timed from their commit;
the server's CPU time over each is divided by the count. The target "at the delivery rate"
asks firing (advance and delivery) to keep up with delivery alone.`,
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
