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
