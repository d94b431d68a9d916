const started = Date.now();

/** One progress line on standard error, with the seconds since the drills started. */
export function progress(message: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[drills ${seconds}s] ${message}\n`);
}

/** Seconds since the drills started. */
export function elapsedSeconds(): number {
  return (Date.now() - started) / 1000;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
