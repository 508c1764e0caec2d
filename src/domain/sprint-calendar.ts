import { parseClock } from './working-hours.js';
import { addDays, daysBetween, isoWeekday, localDate, zonedInstant } from './zoned-time.js';

/** A product's sprint rhythm: fixed-length sprints, back to back, each ending with a review. */
export interface SprintCadence {
  /** First day of sprint `firstNumber`, YYYY-MM-DD in `timeZone`. */
  firstSprintStart: string;
  firstNumber: number;
  weeks: number;
  /** ISO weekday of the review, in the sprint's last week (1 = Monday). */
  reviewWeekday: number;
  /** HH:MM in `timeZone`. */
  reviewTime: string;
  timeZone: string;
}

export interface Sprint {
  number: number;
  /** First and last day, YYYY-MM-DD in the cadence's time zone. */
  start: string;
  end: string;
  review: Date;
}

/** The sprint with index `k` after the first (0 = the first). */
export function sprintAt(cadence: SprintCadence, k: number): Sprint {
  const length = cadence.weeks * 7;
  const start = addDays(cadence.firstSprintStart, k * length);
  const lastWeek = addDays(start, length - 7);
  const reviewDay = addDays(lastWeek, (cadence.reviewWeekday - isoWeekday(lastWeek) + 7) % 7);
  return {
    number: cadence.firstNumber + k,
    start,
    end: addDays(start, length - 1),
    review: zonedInstant(reviewDay, parseClock(cadence.reviewTime) ?? 0, cadence.timeZone),
  };
}

/** The sprint running at `now` (the first one if none has started yet), and the `count - 1` after it. */
export function sprintsFrom(cadence: SprintCadence, now: Date, count: number): Sprint[] {
  const today = localDate(now, cadence.timeZone);
  const k = Math.max(0, Math.floor(daysBetween(cadence.firstSprintStart, today) / (cadence.weeks * 7)));
  return Array.from({ length: count }, (_, i) => sprintAt(cadence, k + i));
}
