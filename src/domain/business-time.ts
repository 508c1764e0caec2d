/**
 * Business time: only the PO's working hours on working days in their time zone count, minus holidays
 * (local dates) and absences. Work goes day by day, never minute by minute.
 */
import type { WorkingHours } from './working-hours.js';
import { addDays, daysBetween, isoWeekday, localDate, zonedInstant } from './zoned-time.js';

export interface Absence {
  from: Date;
  /** Undefined while the PO is still away. */
  until: Date | undefined;
}

export interface BusinessCalendar {
  hours: WorkingHours;
  /** Local dates 'YYYY-MM-DD' in hours.timeZone when nobody works. */
  holidays: readonly string[];
  absences: readonly Absence[];
}

export type Availability =
  | { working: true; until: Date }
  | { working: false; reason: 'away' | 'holiday' | 'day-off' | 'before-hours' | 'after-hours'; resumesAt: Date | undefined };

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const HORIZON_DAYS = 400;

interface Span {
  start: number;
  end: number;
}

/** A calendar read once per call: holidays as a set, absences sorted and merged. */
interface Prepared {
  hours: WorkingHours;
  holidays: ReadonlySet<string>;
  absences: readonly Span[];
}

function prepare(cal: BusinessCalendar): Prepared {
  const spans = cal.absences
    .map((a) => ({ start: a.from.getTime(), end: a.until ? a.until.getTime() : Infinity }))
    .filter((a) => a.end > a.start)
    .sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const a of spans) {
    const last = merged.at(-1);
    if (last && a.start <= last.end) last.end = Math.max(last.end, a.end);
    else merged.push({ ...a });
  }
  return { hours: cal.hours, holidays: new Set(cal.holidays), absences: merged };
}

const isWorkingWeekday = (p: Prepared, date: string) => p.hours.days.includes(isoWeekday(date));

/**
 * The working hours of one local date, before absences. Wall times that DST skips are read as
 * zonedInstant reads them: 02:30 on Berlin's spring-forward night is 03:30 summer time.
 */
function dayHours(p: Prepared, date: string): Span | undefined {
  if (!isWorkingWeekday(p, date) || p.holidays.has(date)) return undefined;
  const { timeZone, startMin, endMin } = p.hours;
  const start = zonedInstant(date, startMin, timeZone).getTime();
  const end = zonedInstant(date, endMin, timeZone).getTime();
  return end > start ? { start, end } : undefined;
}

function withoutAbsences(span: Span, absences: readonly Span[]): Span[] {
  const out: Span[] = [];
  let cursor = span.start;
  for (const a of absences) {
    if (a.end <= cursor) continue;
    if (a.start >= span.end) break;
    if (a.start > cursor) out.push({ start: cursor, end: a.start });
    cursor = Math.max(cursor, a.end);
    if (cursor >= span.end) return out;
  }
  out.push({ start: cursor, end: span.end });
  return out;
}

/** Business spans of `days` local dates from `firstDate` on, in order; ends early once an open-ended absence has begun. */
function* businessSpans(p: Prepared, firstDate: string, days: number): Generator<Span> {
  const openFrom = p.absences.at(-1)?.end === Infinity ? p.absences.at(-1)!.start : Infinity;
  for (let i = 0; i < days; i++) {
    const span = dayHours(p, addDays(firstDate, i));
    if (!span) continue;
    if (span.start >= openFrom) return;
    yield* withoutAbsences(span, p.absences);
  }
}

/** A day before `from`'s local date too, so no interval reaching into `from` can be missed. */
const firstDateFor = (p: Prepared, from: Date) => addDays(localDate(from, p.hours.timeZone), -1);

function spansBetween(p: Prepared, from: number, to: number): Span[] {
  if (to <= from) return [];
  const first = firstDateFor(p, new Date(from));
  const days = daysBetween(first, localDate(new Date(to), p.hours.timeZone)) + 1;
  const out: Span[] = [];
  for (const s of businessSpans(p, first, days)) {
    const start = Math.max(s.start, from);
    const end = Math.min(s.end, to);
    if (end > start) out.push({ start, end });
  }
  return out;
}

/** Milliseconds of business time in [from, to); 0 if to <= from. */
export function businessMsBetween(cal: BusinessCalendar, from: Date, to: Date): number {
  return spansBetween(prepare(cal), from.getTime(), to.getTime()).reduce((sum, s) => sum + s.end - s.start, 0);
}

function addMs(p: Prepared, from: Date, ms: number): Date | undefined {
  const t = from.getTime();
  let left = Math.max(0, ms);
  for (const s of businessSpans(p, firstDateFor(p, from), HORIZON_DAYS + 2)) {
    if (s.end <= t) continue;
    const start = Math.max(s.start, t);
    if (left === 0) return new Date(start);
    if (left <= s.end - start) return new Date(start + left);
    left -= s.end - start;
  }
  return undefined;
}

/**
 * The instant at which `ms` of business time have passed since `from` (from itself if ms <= 0 and from is
 * in business time; else the next business moment). Undefined if that is not within 400 days.
 */
export function addBusinessMs(cal: BusinessCalendar, from: Date, ms: number): Date | undefined {
  return addMs(prepare(cal), from, ms);
}

/**
 * Whether `at` is business time, and if not why and when it resumes (undefined: not within 400 days).
 * 'away' wins over every other reason, 'holiday' over 'day-off'. `until` is the end of the current
 * day's working interval (or of the part before an absence), not of a run of back-to-back days.
 */
export function availabilityAt(cal: BusinessCalendar, at: Date): Availability {
  const p = prepare(cal);
  const t = at.getTime();
  const date = localDate(at, p.hours.timeZone);
  const current = [...businessSpans(p, addDays(date, -1), 2)].find((s) => s.start <= t && t < s.end);
  if (current) return { working: true, until: new Date(current.end) };
  const resumesAt = addMs(p, at, 0);
  if (p.absences.some((a) => a.start <= t && t < a.end)) return { working: false, reason: 'away', resumesAt };
  if (p.holidays.has(date)) return { working: false, reason: 'holiday', resumesAt };
  if (!isWorkingWeekday(p, date)) return { working: false, reason: 'day-off', resumesAt };
  const today = dayHours(p, date);
  return { working: false, reason: today && t < today.start ? 'before-hours' : 'after-hours', resumesAt };
}

/** The local date 'YYYY-MM-DD' of `at` in the calendar's time zone. */
export function businessDayOf(cal: BusinessCalendar, at: Date): string {
  return localDate(at, cal.hours.timeZone);
}

/** Working intervals [start, end) that intersect [from, to), clipped to it, with holidays and absences removed, in order. */
export function workingIntervals(cal: BusinessCalendar, from: Date, to: Date): { start: Date; end: Date }[] {
  return spansBetween(prepare(cal), from.getTime(), to.getTime()).map((s) => ({ start: new Date(s.start), end: new Date(s.end) }));
}

/**
 * "2 h 15 min", "45 min", "3 d 2 h": at most two units, rounded to the smaller one. A day is `dayMs`
 * long (24 h by default; pass the working day's length for business time).
 */
export function formatDuration(ms: number, options: { dayMs?: number } = {}): string {
  const dayMs = options.dayMs ?? DAY_MS;
  if (!(dayMs > 0)) throw new RangeError(`dayMs must be positive, got ${dayMs}`);
  if (!(ms >= MINUTE_MS)) return 'under a minute';
  const minutes = Math.round(ms / MINUTE_MS);
  let days = Math.floor((minutes * MINUTE_MS) / dayMs);
  if (days > 0) {
    let hours = Math.round((minutes * MINUTE_MS - days * dayMs) / HOUR_MS);
    if (hours * HOUR_MS >= dayMs) {
      days += 1;
      hours = 0;
    }
    return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  }
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest > 0 ? `${hours} h ${rest} min` : `${hours} h`;
}
