/** The source of "now". Passed in everywhere so tests and the playground can move time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that can be moved forward (the playground's clock control). It runs at the base clock's
 * pace, `offsetMs` ahead of it; it never moves backwards while running, so jobs already run stay run.
 */
export class AdjustableClock implements Clock {
  constructor(
    private readonly base: Clock,
    public offsetMs = 0,
  ) {}

  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }

  /** The real time, without the offset. */
  baseNow(): Date {
    return this.base.now();
  }
}

/**
 * A clock for tests of real processes (PODESK_TEST_CLOCK_*): it reads `start` until the real instant
 * `realStart` (or `startNow()`), then runs `rate` times as fast, so processes given the same values
 * share one time, and a test can set things up before it runs.
 */
export class ScaledClock implements Clock {
  constructor(
    private readonly start: Date,
    private realStart: Date,
    readonly rate: number,
    private readonly base: Clock = systemClock,
  ) {}

  now(): Date {
    return new Date(this.start.getTime() + Math.max(0, this.base.now().getTime() - this.realStart.getTime()) * this.rate);
  }

  /** Starts it running now, if it is still waiting for its real start. */
  startNow(): void {
    const now = this.base.now();
    if (now < this.realStart) this.realStart = now;
  }
}
