/** A delay that can be ended before its time. */
export interface CutShortDelay {
  /** Resolves when the time has passed or `cut` was called, whichever comes first. */
  ended: Promise<void>;
  cut: () => void;
}

/**
 * Waits `ms` unless cut short. `onEnd` runs synchronously as the delay ends, however it ends:
 * callers drop the `cut` they handed out there, before any other code runs, so a stale one
 * can never swallow a later signal meant for the next delay.
 */
export function cutShortDelay(ms: number, onEnd: () => void): CutShortDelay {
  let cut: () => void = () => {};
  const ended = new Promise<void>((resolve) => {
    const timer = setTimeout(() => cut(), ms);
    cut = () => {
      clearTimeout(timer);
      cut = () => {};
      onEnd();
      resolve();
    };
  });
  return { ended, cut: () => cut() };
}
