const started = Date.now();

/** One progress line on standard error, with the time since the bench started. */
export function progress(message: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${seconds}s] ${message}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Milliseconds on a clock every process of this machine shares, with sub-ms resolution. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
