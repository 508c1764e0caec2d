/** Tiny DOM and time helpers for the playground page. */

type Child = Node | string | null | undefined | false;

/** Creates an element; `false`/`null` attributes and children are skipped. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | null | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    el.setAttribute(name, value === true ? '' : value);
  }
  el.append(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el as T;
}

export function errorText(e: unknown): string {
  return e instanceof Error && e.message ? e.message : 'Something went wrong.';
}

/** "Mon 23 Nov, 10:12" (or with the year) in the given time zone. */
export function formatAt(at: string | number, timeZone: string, withYear = false): string {
  const year = withYear ? 'numeric' : undefined;
  const options = { timeZone, weekday: 'short', day: 'numeric', month: 'short', year, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;
  return new Intl.DateTimeFormat('en-GB', options).format(new Date(at));
}

/** "+2 d 3 h ahead", "+10 min ahead", or '' when the clock is (about) real time. */
export function aheadText(offsetMs: number): string {
  const minutes = Math.round(offsetMs / 60_000);
  if (minutes <= 0) return '';
  const d = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const min = minutes % 60;
  const parts = [d > 0 && `${d} d`, hours > 0 && `${hours} h`, d === 0 && min > 0 && `${min} min`].filter(Boolean);
  return `+${parts.join(' ')} ahead`;
}

/** The wall-clock time of an instant in a zone, as if it were UTC (ms). */
function wallClock(ms: number, timeZone: string): number {
  const options = { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' } as const;
  const parts = new Intl.DateTimeFormat('en-US', options).formatToParts(new Date(ms));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'));
}

/** An instant as a datetime-local value ("2026-11-23T10:12") in a zone. */
export function toLocalInput(ms: number, timeZone: string): string {
  return new Date(wallClock(ms, timeZone)).toISOString().slice(0, 16);
}

const DAY = 86_400_000;

/**
 * A datetime-local value read as wall-clock time in a zone, as an ISO instant. A wall time that
 * occurs twice (clocks go back) is the earlier instant; one that does not occur (clocks go forward,
 * the gap) is read with the offset from before the gap, which is the instant after the gap that far
 * past its start (02:30 in Berlin on the spring-forward night is 03:30 CEST), as Temporal and
 * java.time do.
 *
 * No iteration to converge: the offsets in force a day before and a day after the wall time are the
 * only candidates (time zones change offset at most once within two days), and a candidate is right
 * when the zone's clock shows that wall time at it.
 */
export function fromLocalInput(value: string, timeZone: string): string {
  const wall = Date.parse(`${value}Z`);
  if (Number.isNaN(wall)) throw new RangeError(`Not a date and time: ${value}`);
  const offset = (t: number) => wallClock(t, timeZone) - t;
  const candidates = [...new Set([wall - DAY, wall, wall + DAY].map((t) => wall - offset(t)))];
  const minute = wall - (wall % 60_000); // wallClock() reads whole minutes
  const exact = candidates.filter((t) => wallClock(t, timeZone) === minute);
  return new Date(exact.length > 0 ? Math.min(...exact) : Math.max(...candidates)).toISOString();
}
