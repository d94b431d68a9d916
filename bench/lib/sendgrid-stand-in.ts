import path from 'node:path';
import { type BenchProcess, repoRoot, startProcess } from './processes.js';

export const standInApiKey = 'SG.bench-stand-in-key';

export interface SendgridReport {
  /** Wall-clock ms at which each mail/send arrived. */
  arrivals: number[];
  /** Answers given, by status (`invalid` for bodies SendGrid would refuse). */
  outcomes: Record<string, number>;
}

/** The stand-in SendGrid, running in its own process (bench/floors/sendgrid-process.ts). */
export interface SendgridStandIn {
  url: string;
  process: BenchProcess;
  /** Answer every mail/send 202 after `delayMs` (0: at once). */
  setDelay(delayMs: number): Promise<void>;
  /** What arrived since the last report. */
  report(): Promise<SendgridReport>;
  stop(): Promise<void>;
}

export async function startSendgridStandIn(): Promise<SendgridStandIn> {
  const script = path.join(repoRoot, 'bench/floors/sendgrid-process.ts');
  const handle = startProcess('stand-in SendGrid', process.execPath, ['--import', 'tsx', script], {
    env: { FAKE_SENDGRID_API_KEY: standInApiKey },
    ipc: true,
  });
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: { type: string } & T) => {
        if (message.type !== type) return;
        handle.child.off('message', onMessage);
        handle.child.off('exit', onExit);
        resolve(message);
      };
      const onExit = () => reject(new Error(`stand-in SendGrid exited:\n${handle.stderr()}`));
      handle.child.on('message', onMessage);
      handle.child.once('exit', onExit);
    });

  const { url } = await next<{ url: string }>('ready');
  return {
    url,
    process: handle,
    setDelay: async (delayMs) => {
      const done = next('answer-set');
      handle.child.send({ type: 'answer', delayMs });
      await done;
    },
    report: async () => {
      const report = next<SendgridReport>('report');
      handle.child.send({ type: 'report' });
      return report;
    },
    stop: async () => {
      handle.child.disconnect();
      await handle.stop();
    },
  };
}
