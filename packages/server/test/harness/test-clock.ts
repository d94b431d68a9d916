/** A clock that moves only when told to, so a three-day wait passes in a line of a test. */
export class TestClock {
  constructor(private current = Date.parse('2026-12-01T09:00:00.000Z')) {}

  readonly now = (): number => this.current;

  advance(ms: number): void {
    this.current += ms;
  }
}

export const second = 1_000;
export const minute = 60 * second;
export const hour = 60 * minute;
export const day = 24 * hour;
