/**
 * The ingest floors: a bare Fastify route that parses and validates the same event body as
 * `POST /api/v1/events` (the same TypeBox schema, the same strict Ajv options), and the same
 * route plus one INSERT into the same `events` table with the same durability settings.
 * Nothing else: no authentication, no matching, no runs, no transaction around the INSERT.
 *
 * Run compiled (bench/.build), as a process of its own, like the server it is compared with.
 *
 * Environment: PORT; FLOOR_STORE = none | sqlite | postgres; FLOOR_SQLITE_FILE or
 * FLOOR_DATABASE_URL (a migrated database); FLOOR_ACCOUNT_ID (a row in `accounts`);
 * FLOOR_GROUP_COMMIT=1 to share one SQLite commit among the requests of one event-loop turn
 * (an extra measurement of what group commit is worth, not a floor).
 */
import { randomBytes } from 'node:crypto';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify from 'fastify';
import { EventCreate } from '../../packages/server/src/api/schemas/event-schemas.js';

interface EventBody {
  event_type: string;
  entity_id: string;
  data?: Record<string, unknown>;
}

interface EventRow {
  id: string;
  account_id: string;
  event_type: string;
  entity_id: string;
  data: string;
  livemode: number;
  created_at: number;
}

type Insert = (row: EventRow) => Promise<void>;

const store = process.env.FLOOR_STORE ?? 'none';
const accountId = process.env.FLOOR_ACCOUNT_ID ?? 'acc_floor';

async function openStore(): Promise<Insert> {
  if (store === 'none') return async () => {};
  if (store === 'sqlite') return openSqlite(required('FLOOR_SQLITE_FILE'));
  if (store === 'postgres') return openPostgres(required('FLOOR_DATABASE_URL'));
  throw new Error(`FLOOR_STORE must be none, sqlite or postgres, got "${store}"`);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required with FLOOR_STORE=${store}`);
  return value;
}

const insertSql =
  'insert into events (id, account_id, event_type, entity_id, data, livemode, created_at) ' +
  'values (?, ?, ?, ?, ?, ?, ?)';

/** The pragmas Emivoy opens its SQLite file with (store/sqlite/open-sqlite.ts). */
async function openSqlite(file: string): Promise<Insert> {
  const { default: SqliteDatabase } = await import('better-sqlite3');
  const db = new SqliteDatabase(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  const insert = db.prepare(insertSql);
  const values = (row: EventRow) => [
    row.id,
    row.account_id,
    row.event_type,
    row.entity_id,
    row.data,
    row.livemode,
    row.created_at,
  ];

  if (process.env.FLOOR_GROUP_COMMIT !== '1') {
    // One autocommit INSERT per request: one fsync of the WAL each.
    return async (row) => {
      insert.run(...values(row));
    };
  }

  // Rows that arrive during one turn of the event loop commit together, then all answer.
  let batch: Array<{ row: EventRow; done: () => void; failed: (error: unknown) => void }> = [];
  const insertBatch = db.transaction((rows: EventRow[]) => {
    for (const row of rows) insert.run(...values(row));
  });
  const flush = () => {
    const current = batch;
    batch = [];
    try {
      insertBatch(current.map((item) => item.row));
      for (const item of current) item.done();
    } catch (error) {
      for (const item of current) item.failed(error);
    }
  };
  return (row) =>
    new Promise<void>((resolve, reject) => {
      if (batch.length === 0) setImmediate(flush);
      batch.push({ row, done: resolve, failed: reject });
    });
}

/** A pool of the size Emivoy uses (store/postgres/open-postgres.ts). */
async function openPostgres(url: string): Promise<Insert> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  let placeholder = 0;
  const text = insertSql.replace(/\?/g, () => `$${++placeholder}`);
  return async (row) => {
    await pool.query(text, [
      row.id,
      row.account_id,
      row.event_type,
      row.entity_id,
      row.data,
      row.livemode,
      row.created_at,
    ]);
  };
}

/** Bodies are validated as Emivoy validates them (api/build-app.ts): strict, all errors. */
function bodyValidator() {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: false,
    useDefaults: true,
    removeAdditional: false,
    strict: false,
  });
  addFormats.default(ajv);
  return ({ schema }: { schema: object }) => ajv.compile(schema);
}

async function main(): Promise<void> {
  const insert = await openStore();
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  app.setValidatorCompiler(bodyValidator());

  app.get('/readyz', async () => ({ status: 'ready' }));
  app.post<{ Body: EventBody }>(
    '/api/v1/events',
    { schema: { body: EventCreate } },
    async (request, reply) => {
      const now = Date.now();
      const data = request.body.data ?? {};
      const row: EventRow = {
        id: `evt_${randomBytes(13).toString('hex')}`,
        account_id: accountId,
        event_type: request.body.event_type,
        entity_id: request.body.entity_id,
        data: JSON.stringify(data),
        livemode: 1,
        created_at: now,
      };
      await insert(row);
      return reply.code(202).send({
        object: 'event',
        event_id: row.id,
        event_type: row.event_type,
        entity_id: row.entity_id,
        data,
        livemode: true,
        created_at: new Date(now).toISOString(),
        runs_started: [],
        runs_cancelled: [],
      });
    },
  );
  await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
}

main().catch((error) => {
  process.stderr.write(`floor server failed: ${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
