/**
 * Calendar dates and wall-clock times in IANA time zones, without a date library: Intl knows every
 * zone's offsets, including DST. Dates are 'YYYY-MM-DD' strings; instants are Dates.
 */

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallClock(at: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = partsFormatter(timeZone).formatToParts(new Date(at));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)!.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** How far local time in `timeZone` is ahead of UTC at instant `at`, in ms. */
export function zoneOffsetMs(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(at / 1000) * 1000;
}

/**
 * The instant when the clocks in `timeZone` show `date` at `minutes` after midnight. A wall time that
 * DST skips is read with the offset before the change, as if the clocks had not moved yet (02:30 on
 * Berlin's spring-forward night is 03:30 summer time); a wall time that happens twice gives the first.
 */
export function zonedInstant(date: string, minutes: number, timeZone: string): Date {
  // Business time asks for the same days' hours over and over (each wait spans days, and each Intl call
  // costs microseconds): remembered, a digest's waits took ~100 ms less. Bounded, so a long-running process does not grow.
  const key = `${timeZone}|${date}|${minutes}`;
  const known = instants.get(key);
  if (known !== undefined) return new Date(known);
  if (instants.size >= MAX_REMEMBERED) instants.clear();
  const at = computeZonedInstant(date, minutes, timeZone);
  instants.set(key, at.getTime());
  return at;
}

const instants = new Map<string, number>();
const MAX_REMEMBERED = 20_000;

function computeZonedInstant(date: string, minutes: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  // A day either side: offsets reach ±14 h, so half a day could land on the wrong side of a change.
  const before = zoneOffsetMs(wall - DAY_MS, timeZone);
  const after = zoneOffsetMs(wall + DAY_MS, timeZone);
  // Try the earlier offset first: for a repeated hour it is the first occurrence.
  const first = Math.max(before, after);
  for (const offset of [first, first === before ? after : before]) {
    const t = wall - offset;
    if (zoneOffsetMs(t, timeZone) === offset) return new Date(t);
  }
  return new Date(wall - before); // in a gap: the offset before the change
}

/** The calendar date at instant `at` in `timeZone`. */
export function localDate(at: Date, timeZone: string): string {
  const w = wallClock(at.getTime(), timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

export function addDays(date: string, days: number): string {
  return new Date(dateMs(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dateMs(to) - dateMs(from)) / DAY_MS);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  return ((new Date(dateMs(date)).getUTCDay() + 6) % 7) + 1;
}

export function isDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(dateMs(text)) && new Date(dateMs(text)).toISOString().startsWith(text);
}

const dateMs = (date: string) => Date.parse(`${date}T00:00:00Z`);
const pad = (n: number) => String(n).padStart(2, '0');
