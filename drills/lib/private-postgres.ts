import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../packages/server/test/harness/spawn-emivoy.js';

const run = promisify(execFile);
const binaries = '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL cluster of the drill's own, in a temporary directory, so that restarting or
 * crashing it touches nothing another test uses. Made as root: the server runs as `postgres`.
 */
export interface PrivateCluster {
  /** A database of its own on the cluster, for DATABASE_URL. */
  url: string;
  /** `pg_ctl restart -m fast` (clients told to leave) or `-m immediate` (a crash). */
  restart(mode: 'fast' | 'immediate'): Promise<void>;
  /** Stops the cluster and removes its directory. */
  remove(): Promise<void>;
}

/** Why a private cluster cannot be made here, or null when it can. */
export function privateClusterUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root, to run initdb and pg_ctl as postgres';
  if (!fs.existsSync(path.join(binaries, 'initdb'))) return `no initdb in ${binaries}`;
  return null;
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emivoy-drill-pg-'));
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  await run('chown', ['postgres:postgres', dir]);
  const asPostgres = (command: string, args: string[]) =>
    run('runuser', ['-u', 'postgres', '--', path.join(binaries, command), ...args]);

  await asPostgres('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  const port = await freePort();
  const serverOptions =
    `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} ` +
    '-c shared_buffers=16MB -c max_connections=50';
  const pgCtl = (args: string[]) =>
    asPostgres('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', ...args]);
  await pgCtl(['-o', serverOptions, 'start']);

  const admin = new pg.Client({
    connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
  });
  await admin.connect();
  await admin.query('create database emivoy');
  await admin.end();

  return {
    url: `postgres://postgres@127.0.0.1:${port}/emivoy`,
    restart: async (mode) => {
      await pgCtl(['-m', mode, 'restart']);
    },
    remove: async () => {
      await pgCtl(['-m', 'immediate', 'stop']).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
