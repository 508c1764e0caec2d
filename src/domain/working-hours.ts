/** A person's working week, in their own time zone. */
export interface WorkingHours {
  timeZone: string;
  /** Minutes after local midnight. */
  startMin: number;
  endMin: number;
  /** ISO weekdays, 1 = Monday … 7 = Sunday, ascending. */
  days: number[];
}

export const DEFAULT_WORKING_HOURS: Omit<WorkingHours, 'timeZone'> = { startMin: 9 * 60, endMin: 17 * 60, days: [1, 2, 3, 4, 5] };

/** The length of one working day: what "1 d" of working time means. */
export const workingDayMs = (h: Pick<WorkingHours, 'startMin' | 'endMin'>) => (h.endMin - h.startMin) * 60_000;

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** "Monday" for ISO weekday 1 … "Sunday" for 7. */
export const weekdayName = (isoWeekday: number) => ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'][isoWeekday - 1]!;

/** The IANA spelling of a time zone typed in any case ("europe/berlin" → "Europe/Berlin"), or undefined. */
export function canonicalTimeZone(tz: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    // Intl throws RangeError for unknown zones: that is the answer, not a failure.
    return undefined;
  }
}

export function parseClock(text: string): number | undefined {
  const m = /^([01]?\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 24 * 60 ? minutes : undefined;
}

/** "mon-fri", "mon,tue,thu", "sat-sun" → ISO weekdays. */
export function parseDays(text: string): number[] | undefined {
  const days = new Set<number>();
  for (const part of text.toLowerCase().split(',')) {
    const ends = part.split('-');
    if (ends.length > 2) return undefined;
    const [from, to] = ends;
    const a = DAY_NAMES.indexOf(from as (typeof DAY_NAMES)[number]);
    const b = to === undefined ? a : DAY_NAMES.indexOf(to as (typeof DAY_NAMES)[number]);
    if (a < 0 || b < 0) return undefined;
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d + 1);
      if (d === b) break;
    }
  }
  return [...days].sort((x, y) => x - y);
}

export type HoursParse = { ok: true; hours: Partial<WorkingHours> & Pick<WorkingHours, 'startMin' | 'endMin'> } | { ok: false; problem: string };

/** Parses "09:00-17:00 [mon-fri] [Europe/Berlin]". */
export function parseWorkingHours(text: string): HoursParse {
  const [range, ...rest] = text.trim().split(/\s+/);
  const ends = (range ?? '').split('-');
  if (ends.length !== 2) return { ok: false, problem: 'write the hours as HH:MM-HH:MM, e.g. 09:00-17:00' };
  const [from, to] = ends;
  const startMin = from ? parseClock(from) : undefined;
  const endMin = to ? parseClock(to) : undefined;
  if (startMin === undefined || endMin === undefined) return { ok: false, problem: 'write the hours as HH:MM-HH:MM, e.g. 09:00-17:00' };
  if (endMin <= startMin) return { ok: false, problem: 'the end of the working day must be after its start' };
  const out: Partial<WorkingHours> & Pick<WorkingHours, 'startMin' | 'endMin'> = { startMin, endMin };
  for (const word of rest) {
    const days = parseDays(word);
    const zone = days ? undefined : canonicalTimeZone(word);
    if (days && out.days) return { ok: false, problem: 'give the days once, e.g. mon-fri or mon,wed,fri' };
    if (zone && out.timeZone) return { ok: false, problem: 'give one time zone' };
    if (days) out.days = days;
    else if (zone) out.timeZone = zone;
    else return { ok: false, problem: `"${word}" is neither days (mon-fri, mon,wed) nor a time zone (Europe/Berlin)` };
  }
  return { ok: true, hours: out };
}

const pad = (n: number) => String(n).padStart(2, '0');
export const formatClock = (min: number) => `${pad(Math.floor(min / 60))}:${pad(min % 60)}`;

export function formatDays(days: number[]): string {
  const names = days.map((d) => DAY_NAMES[d - 1]!);
  const contiguous = days.every((d, i) => i === 0 || d === days[i - 1]! + 1);
  return contiguous && days.length > 2 ? `${names[0]}-${names.at(-1)}` : names.join(',');
}

export function formatWorkingHours(h: WorkingHours): string {
  return `${formatClock(h.startMin)}–${formatClock(h.endMin)} ${formatDays(h.days)} (${h.timeZone})`;
}
