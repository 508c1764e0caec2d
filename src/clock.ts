/** The source of "now". Passed in everywhere so tests and the playground can move time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
