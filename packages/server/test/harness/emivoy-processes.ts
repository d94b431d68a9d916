import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emivoyCommand, type RunningEmivoy, startEmivoy } from './spawn-emivoy.js';

const serverRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A long-running emivoy process of a test: `serve` (with a URL) or `worker` (without). */
export interface EmivoyProcess {
  name: string;
  child: ChildProcess;
  /** Every log line so far, parsed. */
  logs: Array<Record<string, unknown>>;
  /** The worker's lease owner name, from its 'worker started' line; null without a worker. */
  owner: string | null;
  /** Sends the signal (unless it has exited) and resolves with the exit code, null if killed. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  alive(): boolean;
}

export interface EmivoyServer extends EmivoyProcess {
  url: string;
}

/**
 * Every emivoy process a test file starts, so that `afterAll` can end them all even when a
 * test failed halfway, and fail the suite if a test left one running.
 */
export class EmivoyProcesses {
  private readonly started: EmivoyProcess[] = [];

  constructor(private readonly env: Record<string, string>) {}

  /** `emivoy serve` (or `serve --no-worker`), once it answers /healthz. */
  async serve(name: string, args: string[] = ['serve']): Promise<EmivoyServer> {
    const running = await startEmivoy(this.env, args);
    const server: EmivoyServer = { ...this.track(name, running), url: running.url };
    if (!(await isHealthy(server.url))) {
      await server.stop('SIGKILL');
      throw new Error(`${name} did not answer /healthz:\n${describeLogs(server)}`);
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
    const logs = collectLogs(child);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const worker = this.track(name, {
      child,
      logs,
      url: '',
      stop: async (signal = 'SIGTERM') => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        return exited;
      },
    });

    await waitFor(`${name} to log 'worker started'`, 30_000, () => ownerIn(logs) !== null, {
      give_up_if: () => !worker.alive(),
    });
    worker.owner = ownerIn(logs);
    return worker;
  }

  /**
   * Ends every process still running (SIGKILL: a test that wanted a graceful stop did it
   * itself) and returns the names of those it had to end.
   */
  async killAll(): Promise<string[]> {
    const leaked = this.started.filter((p) => p.alive());
    await Promise.all(leaked.map((p) => p.stop('SIGKILL')));
    return leaked.map((p) => p.name);
  }

  private track(name: string, running: RunningEmivoy): EmivoyProcess {
    const { child } = running;
    const handle: EmivoyProcess = {
      name,
      child,
      logs: running.logs,
      owner: null,
      stop: running.stop,
      alive: () => child.exitCode === null && child.signalCode === null,
    };
    // startEmivoy's own stop() does not know about a kill that happened meanwhile.
    handle.stop = async (signal = 'SIGTERM') => {
      if (!handle.alive()) return child.exitCode;
      return running.stop(signal);
    };
    Object.defineProperty(handle, 'owner', {
      get: () => ownerIn(running.logs),
      set: () => {},
    });
    this.started.push(handle);
    return handle;
  }
}

function collectLogs(child: ChildProcess): Array<Record<string, unknown>> {
  const logs: Array<Record<string, unknown>> = [];
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

function ownerIn(logs: Array<Record<string, unknown>>): string | null {
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

export function describeLogs(process: EmivoyProcess): string {
  return process.logs
    .slice(-30)
    .map((line) => JSON.stringify(line))
    .join('\n');
}

/** How many of a process's log lines have this message. */
export function countLogs(process: EmivoyProcess, msg: string): number {
  return process.logs.filter((line) => line.msg === msg).length;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `done` every 100 ms until it holds, or throws after `timeoutMs` naming `what`. */
export async function waitFor(
  what: string,
  timeoutMs: number,
  done: () => boolean | Promise<boolean>,
  options: { give_up_if?: () => boolean } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await done()) return;
    if (options.give_up_if?.()) break;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
