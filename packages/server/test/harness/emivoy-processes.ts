import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emivoyCommand, startEmivoy } from './spawn-emivoy.js';

const serverRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type LogLine = Record<string, unknown>;

/** A long-running emivoy process of a test: `serve` (with a URL) or `worker`. */
export interface EmivoyProcess {
  name: string;
  child: ChildProcess;
  /** Every log line so far, parsed; standard error lines carry `stderr: true`. */
  logs: LogLine[];
  /** The worker's lease owner name, from its 'worker started' line; null without a worker. */
  owner(): string | null;
  /** Sends the signal unless it has exited; resolves with the exit code, null if killed. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  alive(): boolean;
}

export interface EmivoyServer extends EmivoyProcess {
  url: string;
}

/**
 * Every emivoy process a test file starts, so that `afterAll` can end them all even when a
 * test failed halfway, and fail the suite when a test left one running.
 */
export class EmivoyProcesses {
  private readonly started: EmivoyProcess[] = [];

  constructor(private readonly env: Record<string, string>) {}

  /** `emivoy serve` (or `serve --no-worker`), once it answers /healthz. */
  async serve(name: string, args: string[] = ['serve']): Promise<EmivoyServer> {
    const running = await startEmivoy(this.env, args);
    const server = { ...this.track(name, running.child, running.logs), url: running.url };
    if (!(await isHealthy(server.url))) {
      await server.stop('SIGKILL');
      throw new Error(`${name} never answered /healthz:\n${lastLogs(server)}`);
    }
    return server;
  }

  /** `emivoy worker`, once it logged 'worker started'. */
  async worker(name: string, env: Record<string, string> = {}): Promise<EmivoyProcess> {
    const { command, args } = emivoyCommand(['worker']);
    const child = spawn(command, args, {
      env: { ...process.env, LOG_LEVEL: 'info', ...this.env, ...env },
      cwd: serverRoot,
    });
    const worker = this.track(name, child, collectLogs(child));
    const deadline = Date.now() + 30_000;
    while (worker.owner() === null) {
      if (!worker.alive() || Date.now() > deadline) {
        await worker.stop('SIGKILL');
        throw new Error(`${name} did not start:\n${lastLogs(worker)}`);
      }
      await sleep(50);
    }
    return worker;
  }

  /**
   * Ends every process still running with SIGKILL (a test that wanted a graceful stop did it
   * itself) and returns the names of those it had to end.
   */
  async killAll(): Promise<string[]> {
    const leaked = this.started.filter((p) => p.alive());
    await Promise.all(leaked.map((p) => p.stop('SIGKILL')));
    return leaked.map((p) => p.name);
  }

  private track(name: string, child: ChildProcess, logs: LogLine[]): EmivoyProcess {
    const exited = new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
      else child.on('exit', (code) => resolve(code));
    });
    const alive = () => child.exitCode === null && child.signalCode === null;
    const handle: EmivoyProcess = {
      name,
      child,
      logs,
      owner: () => ownerIn(logs),
      alive,
      stop: async (signal = 'SIGTERM') => {
        if (alive()) child.kill(signal);
        return exited;
      },
    };
    this.started.push(handle);
    return handle;
  }
}

function collectLogs(child: ChildProcess): LogLine[] {
  const logs: LogLine[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    logs.push({ msg: chunk.toString(), stderr: true });
  });
  return logs;
}

function ownerIn(logs: LogLine[]): string | null {
  const started = logs.find((line) => line.msg === 'worker started');
  return typeof started?.owner === 'string' ? started.owner : null;
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) })).ok;
  } catch {
    return false;
  }
}

/** The last lines a process logged, for a failure message. */
export function lastLogs(process: EmivoyProcess, count = 30): string {
  return process.logs
    .slice(-count)
    .map((line) => JSON.stringify(line))
    .join('\n');
}

/** How many of a process's log lines have this message. */
export function countLogs(process: EmivoyProcess, msg: string): number {
  return process.logs.filter((line) => line.msg === msg).length;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `done` every 100 ms until it holds; throws after `timeoutMs`, naming `what`. */
export async function waitFor(
  what: string,
  timeoutMs: number,
  done: () => boolean | Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await done()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
