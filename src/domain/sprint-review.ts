/**
 * Sprint reviews: when each one is, and when po-desk prompts whom about it. Built on the sprint cadence
 * (src/domain/sprint-calendar.ts); all times are wall times in the review's zone, DST included.
 */
import { parseClock } from './working-hours.js';
import { sprintAt, type SprintCadence } from './sprint-calendar.js';
import { addDays, daysBetween, isoWeekday, localDate, zonedInstant } from './zoned-time.js';

export interface ReviewCadence extends SprintCadence {
  location: string | undefined;
  /** Business days before the review that stakeholders are invited, at 10:00. */
  inviteDaysBefore: number;
}

export type RsvpAnswer = 'yes' | 'maybe' | 'no';
export const RSVP_WORDS: Record<RsvpAnswer, string> = { yes: 'Attending', maybe: 'Maybe', no: 'Can’t make it' };

export type PromptKind = 'invite' | 'summary' | 'agenda' | 'reminder' | 'feedback';

/** Prompts are sent at this local time on their day (the invitation, the PO's summary, the feedback). */
export const PROMPT_MINUTES = 10 * 60;
const HOUR = 3_600_000;

export interface ReviewPlan {
  sprintNumber: number;
  at: Date;
  timeZone: string;
}

/** The review of the sprint running at `now` and of the next one (a review may already be over). */
export function reviewsAround(c: ReviewCadence, now: Date): ReviewPlan[] {
  const today = localDate(now, c.timeZone);
  const k = Math.max(0, Math.floor(daysBetween(c.firstSprintStart, today) / (c.weeks * 7)));
  return [k - 1, k, k + 1].filter((i) => i >= 0).map((i) => {
    const s = sprintAt(c, i);
    return { sprintNumber: s.number, at: s.review, timeZone: c.timeZone };
  });
}

/** `n` business days (Mon–Fri, not a holiday) before `date`. */
export function businessDaysBefore(date: string, n: number, holidays: ReadonlySet<string>): string {
  let d = date;
  for (let left = n; left > 0; ) {
    d = addDays(d, -1);
    if (isoWeekday(d) <= 5 && !holidays.has(d)) left--;
  }
  return d;
}

/** The next business day after `date`. */
export function nextBusinessDay(date: string, holidays: ReadonlySet<string>): string {
  let d = addDays(date, 1);
  while (isoWeekday(d) > 5 || holidays.has(d)) d = addDays(d, 1);
  return d;
}

/**
 * When each prompt about a review at `at` goes out: the invitation `inviteDaysBefore` business days
 * before at 10:00; the PO's summary and the teams' agenda the business day before at 10:00; the reminder
 * an hour before; the feedback the next business morning at 10:00. Each is due from its time until the
 * next stage makes it pointless (an invitation after the review has started is not sent).
 */
export function promptWindows(at: Date, timeZone: string, inviteDaysBefore: number, holidays: ReadonlySet<string>): Record<PromptKind, { from: Date; until: Date }> {
  const day = localDate(at, timeZone);
  const tenOn = (d: string) => zonedInstant(d, PROMPT_MINUTES, timeZone);
  const invite = tenOn(businessDaysBefore(day, inviteDaysBefore, holidays));
  const dayBefore = tenOn(businessDaysBefore(day, 1, holidays));
  const feedback = tenOn(nextBusinessDay(day, holidays));
  const summaryAt = dayBefore < at ? dayBefore : invite;
  return {
    invite: { from: invite, until: at },
    summary: { from: summaryAt, until: at },
    agenda: { from: summaryAt, until: at },
    reminder: { from: new Date(at.getTime() - HOUR), until: at },
    feedback: { from: feedback, until: new Date(feedback.getTime() + 24 * HOUR) },
  };
}

/** Due prompts at `now`, in the order they are meant to go out. */
export function promptsDue(windows: Record<PromptKind, { from: Date; until: Date }>, now: Date): PromptKind[] {
  return (['invite', 'summary', 'agenda', 'reminder', 'feedback'] as PromptKind[]).filter((k) => windows[k].from <= now && now < windows[k].until);
}

/** `YYYY-MM-DD HH:MM` of `/po review move`, as an instant in the review's zone. */
export function parseMove(text: string, timeZone: string): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})\s+(\d{1,2}:\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const minutes = parseClock(m[2]!);
  if (minutes === undefined || minutes >= 24 * 60 || !/^\d{4}-\d{2}-\d{2}$/.test(m[1]!)) return undefined;
  const at = zonedInstant(m[1]!, minutes, timeZone);
  return localDate(at, timeZone) === m[1] ? at : undefined;
}
