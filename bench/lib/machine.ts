import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { repoRoot } from './processes.js';

/** What the figures were measured on, for the report's first lines. */
export interface Machine {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  sqlite: string;
  /** Autocommit INSERTs a second into a SQLite file in WAL with synchronous=FULL: the disk's fsync rate. */
  sqliteCommitsPerSecond: number;
  postgres: string | null;
  /** The commit measured, and whether the server's sources differed from it. */
  revision: string;
  loadBefore: number[];
  loadAfter: number[];
}

export async function describeMachine(postgresUrl: string | null): Promise<Machine> {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    sqlite: sqliteVersion(),
    sqliteCommitsPerSecond: sqliteCommitRate(),
    postgres: postgresUrl ? await postgresVersion(postgresUrl) : null,
    revision: revision(),
    loadBefore: os.loadavg(),
    loadAfter: [],
  };
}

function sqliteVersion(): string {
  const db = new SqliteDatabase(':memory:');
  try {
    const row = db.prepare('select sqlite_version() as version').get() as { version: string };
    const driver = (process.versions as Record<string, string | undefined>).modules;
    return `SQLite ${row.version} (better-sqlite3, Node ABI ${driver ?? '?'})`;
  } finally {
    db.close();
  }
}

/** One second of single-row autocommit INSERTs in a temporary directory (the bench's disk). */
function sqliteCommitRate(): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emivoy-bench-fsync-'));
  const db = new SqliteDatabase(path.join(dir, 'probe.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('create table probe (id integer primary key, value text not null)');
    const insert = db.prepare('insert into probe (value) values (?)');
    const start = performance.now();
    let commits = 0;
    while (performance.now() - start < 1000) {
      insert.run('x'.repeat(200));
      commits++;
    }
    return Math.round((commits / (performance.now() - start)) * 1000);
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const version = await client.query<{ server_version: string }>('show server_version');
    const sync = await client.query<{ synchronous_commit: string }>('show synchronous_commit');
    const fsync = await client.query<{ fsync: string }>('show fsync');
    return (
      `PostgreSQL ${version.rows[0]?.server_version} ` +
      `(synchronous_commit=${sync.rows[0]?.synchronous_commit}, fsync=${fsync.rows[0]?.fsync})`
    );
  } finally {
    await client.end();
  }
}

function revision(): string {
  const git = (args: string[]) =>
    execFileSync('git', args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  try {
    const commit = git(['rev-parse', '--short', 'HEAD']);
    const changed = git(['status', '--porcelain', '--', 'packages/server/src']) !== '';
    return changed ? `${commit} with uncommitted changes in packages/server/src` : commit;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** Load averages as "1.02 / 0.87 / 0.60" (1, 5 and 15 minutes). */
export function formatLoad(load: number[]): string {
  return load.map((value) => value.toFixed(2)).join(' / ');
}
