import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const serverRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Built by the global setup before any test runs.
const mainJs = path.join(serverRoot, 'dist/cli/main.js');

/** How to run the emivoy program, as `npm start` does. */
export function emivoyCommand(args: string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: [mainJs, ...args] };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Runs one emivoy command to completion and returns what it printed. */
export async function runEmivoy(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { command, args: full } = emivoyCommand(args);
  const child = spawn(command, full, { env: { ...process.env, ...env }, cwd: serverRoot });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

export interface RunningEmivoy {
  child: ChildProcess;
  url: string;
  /** Every log line so far, parsed. */
  logs: Array<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `emivoy serve` (or another long-running command) and waits until it listens. */
export async function startEmivoy(
  env: Record<string, string>,
  args: string[] = ['serve'],
): Promise<RunningEmivoy> {
  const port = await freePort();
  const { command, args: full } = emivoyCommand(args);
  const child = spawn(command, full, {
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      EMIVOY_RATE_LIMIT: '0',
      EMIVOY_SENDGRID_API_URL: 'http://127.0.0.1:9',
      ...env,
      PORT: String(port),
    },
    cwd: serverRoot,
  });
  const logs: Array<Record<string, unknown>> = [];
  let buffered = '';
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
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
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`emivoy exited early: ${stderr}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    child,
    url,
    logs,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
