/** Five failures within fifteen minutes lock an address and email pair out. */
const defaults = { maxFailures: 5, windowMs: 15 * 60 * 1000, maxKeys: 100_000 };

/**
 * Failed sign-ins per client address and email, counted in this process's memory.
 *
 * TODO: count in the database once several API processes serve one console: each process
 * now counts its own failures, so N processes allow N times the budget.
 */
export class SigninThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options = defaults) {}

  /** Seconds to wait before the next attempt, or 0 when one may be made now. */
  retryAfter(key: string, now: number): number {
    const recent = this.recent(key, now);
    const oldest = recent[0];
    if (recent.length < this.options.maxFailures || oldest === undefined) return 0;
    return Math.max(1, Math.ceil((oldest + this.options.windowMs - now) / 1000));
  }

  recordFailure(key: string, now: number): void {
    const recent = this.recent(key, now);
    recent.push(now);
    // Deleted and set again, so the map's order stays "least recently failed first".
    this.failures.delete(key);
    this.failures.set(key, recent.slice(-this.options.maxFailures));
    this.bound(now);
  }

  /** A successful sign-in forgets the failures before it. */
  reset(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    const since = now - this.options.windowMs;
    return (this.failures.get(key) ?? []).filter((at) => at > since);
  }

  /** Memory stays bounded under a spray of emails: expired keys go first, then the oldest. */
  private bound(now: number): void {
    if (this.failures.size <= this.options.maxKeys) return;
    for (const key of this.failures.keys()) {
      if (this.recent(key, now).length === 0) this.failures.delete(key);
    }
    for (const key of this.failures.keys()) {
      if (this.failures.size <= this.options.maxKeys) break;
      this.failures.delete(key);
    }
  }
}
