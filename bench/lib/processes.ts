import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emivoyCommand, freePort } from '../../packages/server/test/harness/spawn-emivoy.js';
import { sleep } from './progress.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const serverDist = path.join(repoRoot, 'packages/server/dist/cli/main.js');

/** A child process the bench started; it ends them all on the way out. */
export interface BenchProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Standard error so far (a few KB at most), for failure messages. */
  stderr(): string;
  /** Resident set size now, in bytes, from /proc. */
  rssBytes(): number;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<BenchProcess>();

/** Ends every child the bench started and that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((process) => process.stop('SIGKILL')));
}

export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { env?: Record<string, string>; ipc?: boolean; cwd?: string } = {},
): BenchProcess {
  const child = spawn(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    // Logs go nowhere: reading them would cost this process CPU the subject needs.
    stdio: ['ignore', 'ignore', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
  });
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
  });
  const handle: BenchProcess = {
    name,
    child,
    pid: child.pid,
    stderr: () => stderr,
    rssBytes: () => rssOf(child.pid as number),
    stop: async (signal = 'SIGTERM') => {
      running.delete(handle);
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const killed = sleep(15_000).then(() => child.kill('SIGKILL'));
      await Promise.race([exited, killed]);
    },
  };
  running.add(handle);
  return handle;
}

let clockTicks: number | null = null;

/** CPU time (user + system) a process has used so far, in ms, from /proc. */
export function cpuMsOf(pid: number): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks / clockTicks) * 1000;
}

export function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

export interface EmivoyServer extends BenchProcess {
  url: string;
  /** Milliseconds from spawn to the first `GET /readyz` answered 200. */
  readyAfterMs: number;
}

/** The environment of every Emivoy process of the bench: no rate limit, no quota. */
export function emivoyEnvironment(database: {
  dataDir: string;
  databaseUrl: string | undefined;
}): Record<string, string> {
  return {
    EMIVOY_DATA_DIR: database.dataDir,
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    EMIVOY_RATE_LIMIT: '0',
    EMIVOY_MONTHLY_EVENT_LIMIT: 'unlimited',
    EMIVOY_SENDGRID_API_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'info',
  };
}

export function checkServerBuilt(): void {
  if (!fs.existsSync(serverDist)) {
    throw new Error(
      `${serverDist} is missing: build the server with \`npx tsc -b packages/server\``,
    );
  }
}

/**
 * The emivoy program with extra Node flags from EMIVOY_BENCH_NODE_ARGS (for instance
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where a figure's time goes).
 */
function emivoyProgram(args: string[]): { command: string; args: string[] } {
  const { command, args: full } = emivoyCommand(args);
  const extra = (process.env.EMIVOY_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return { command, args: [...extra, ...full] };
}

/** `emivoy serve` as `npm start` runs it (the built program), ready when /readyz says 200. */
export async function startEmivoyServer(
  name: string,
  env: Record<string, string>,
  args: string[] = ['serve'],
): Promise<EmivoyServer> {
  const port = await freePort();
  const { command, args: full } = emivoyProgram(args);
  const spawnedAt = performance.now();
  const handle = startProcess(name, command, full, {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    cwd: path.join(repoRoot, 'packages/server'),
  });
  const url = `http://127.0.0.1:${port}`;
  const readyAfterMs = (await waitForReady(handle, `${url}/readyz`)) - spawnedAt;
  return { ...handle, url, readyAfterMs };
}

/** `emivoy worker` alone. */
export function startEmivoyWorker(name: string, env: Record<string, string>): BenchProcess {
  const { command, args } = emivoyProgram(['worker']);
  return startProcess(name, command, args, {
    env,
    cwd: path.join(repoRoot, 'packages/server'),
  });
}

/** Polls `url` every 5 ms until it answers 200; returns when (performance.now()). */
export async function waitForReady(handle: BenchProcess, url: string): Promise<number> {
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    if (handle.child.exitCode !== null) {
      throw new Error(`${handle.name} exited early:\n${handle.stderr()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return performance.now();
    } catch {
      // Not listening yet.
    }
    await sleep(5);
  }
  await handle.stop('SIGKILL');
  throw new Error(`${handle.name} was not ready within a minute:\n${handle.stderr()}`);
}

export { freePort };
