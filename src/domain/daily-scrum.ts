/**
 * The Daily Scrum reminder: the setting a team chooses with `/po daily`, and when its reminders fall.
 * Times are wall times in the team's zone, so a 09:30 meeting in Berlin is reminded at 09:20 local,
 * summer and winter alike.
 */
import { canonicalTimeZone, formatClock, formatDays, parseClock, parseDays } from './working-hours.js';
import { addDays, isoWeekday, localDate, zonedInstant } from './zoned-time.js';

export interface DailySetting {
  /** Minutes after local midnight. */
  timeMin: number;
  /** ISO weekdays (1 = Monday). */
  days: number[];
  timeZone: string;
  /** Minutes before the meeting that the reminder is posted. */
  leadMin: number;
}

export const DEFAULT_DAILY_DAYS = [1, 2, 3, 4, 5];
export const DEFAULT_LEAD_MIN = 10;
export const MAX_LEAD_MIN = 120;
/** A refinement note shows in this many of the team's working days of reminders, unless cleared sooner. */
export const REFINE_NOTE_DAYS = 5;

export type DailyParse = { ok: true; off: true } | { ok: true; off: false; setting: DailySetting } | { ok: false; problem: string };

/**
 * `09:30 [mon-fri|mon,tue,thu] [Europe/Berlin] [15min]`, or `off`. Days default to mon-fri, the zone to
 * `defaultTimeZone` (the caller's), the lead to `leadMin` (the team's current one, 10 at first).
 */
export function parseDaily(text: string, defaultTimeZone: string, leadMin = DEFAULT_LEAD_MIN): DailyParse {
  const [first, ...rest] = text.trim().split(/\s+/);
  if (first?.toLowerCase() === 'off') return rest.length === 0 ? { ok: true, off: true } : { ok: false, problem: '`off` takes nothing after it' };
  const timeMin = first ? parseClock(first) : undefined;
  if (timeMin === undefined || timeMin >= 24 * 60) return { ok: false, problem: 'give the Daily Scrum’s time as HH:MM, e.g. `/po daily 09:30 mon-fri Europe/Berlin`' };
  const setting: DailySetting = { timeMin, days: DEFAULT_DAILY_DAYS, timeZone: defaultTimeZone, leadMin };
  const seen = new Set<string>();
  for (const word of rest) {
    const lead = /^(\d{1,3})\s*(?:m|min|mins|minutes?)$/i.exec(word);
    const days = lead ? undefined : parseDays(word);
    const zone = lead || days ? undefined : canonicalTimeZone(word);
    const kind = lead ? 'lead' : days ? 'days' : zone ? 'zone' : undefined;
    if (!kind) return { ok: false, problem: `"${word}" is neither days (mon-fri, mon,tue,thu), a time zone (Europe/Berlin) nor a lead time (15min)` };
    if (seen.has(kind)) return { ok: false, problem: `give the ${kind === 'lead' ? 'lead time' : kind === 'days' ? 'days' : 'time zone'} once` };
    seen.add(kind);
    if (lead) {
      const n = Number(lead[1]);
      if (n < 1 || n > MAX_LEAD_MIN) return { ok: false, problem: `the reminder comes 1 to ${MAX_LEAD_MIN} minutes before the Daily Scrum` };
      setting.leadMin = n;
    } else if (days) setting.days = days;
    else setting.timeZone = zone!;
  }
  return { ok: true, off: false, setting };
}

export function formatDaily(s: DailySetting): string {
  return `${formatClock(s.timeMin)} ${formatDays(s.days)} (${s.timeZone}), reminder ${s.leadMin} min before`;
}

export interface DailyOccurrence {
  /** The team's local date. */
  date: string;
  meetingAt: Date;
  remindAt: Date;
}

/** The Daily Scrum on a local date, or undefined when the team does not meet that weekday or it is a holiday. */
export function dailyOn(s: DailySetting, date: string, holidays: ReadonlySet<string>): DailyOccurrence | undefined {
  if (!s.days.includes(isoWeekday(date)) || holidays.has(date)) return undefined;
  const meetingAt = zonedInstant(date, s.timeMin, s.timeZone);
  return { date, meetingAt, remindAt: new Date(meetingAt.getTime() - s.leadMin * 60_000) };
}

/**
 * The reminder to post at `now`, if one is due: its time has come and the meeting has not started. A
 * reminder missed by more than that (po-desk was down) is not posted late.
 */
export function dailyDue(s: DailySetting, now: Date, holidays: ReadonlySet<string>): DailyOccurrence | undefined {
  const today = localDate(now, s.timeZone);
  // The reminder may fall on the day before the meeting (a 00:05 meeting reminded at 23:55).
  for (const date of [today, addDays(today, 1)]) {
    const d = dailyOn(s, date, holidays);
    if (d && d.remindAt <= now && now < d.meetingAt) return d;
  }
  return undefined;
}
