/**
 * What every renderer needs the same way: cutting text, chunking rows, refusing what cannot render, telling
 * blank rich text, reading a date span's instant and formatting it in a time zone, and checking form values.
 */
import type { Rich } from './model.js';

export const ELLIPSIS = '…';
/** U+2060: invisible, and breaks up a word or a token a client would otherwise act on. */
export const WORD_JOINER = '\u2060';

/** A message or form that cannot be rendered without losing data: a programming error, not user input. */
export class RenderError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
  }
}

/** The longest prefix of `text` of at most `max` UTF-16 units that does not split a surrogate pair. */
export function cut(text: string, max: number): string {
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}

/** Cut plain text to `max` UTF-16 units, ending in "…", never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return cut(text, max - ELLIPSIS.length) + ELLIPSIS;
}

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `@here` → `@⁠here`, so no client turns the word into a broadcast. A trailing `@` too: the next span may start with "here". */
export function defuseBroadcasts(text: string): string {
  return text.replace(/@(?=channel|here|everyone|$)/gi, `@${WORD_JOINER}`);
}

/** The URL, parsed, if it is absolute, uses one of `protocols` (e.g. 'https:') and, for http(s), has a host; else null. */
export function allowedUrl(raw: string, protocols: ReadonlySet<string>): URL | null {
  const trimmed = raw.trim();
  if (!URL.canParse(trimmed)) return null;
  const url = new URL(trimmed);
  if (!protocols.has(url.protocol)) return null;
  if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.hostname) return null;
  return url;
}

/**
 * Whether rich text shows nothing: no text but whitespace, and no user, channel or date span, nor a link with a
 * URL or a label. Every renderer drops a block (or a list item) that is blank, and only one that is blank.
 */
export function isBlankRich(spans: Rich): boolean {
  return spans.every((span): boolean => {
    switch (span.type) {
      case 'text':
        return span.text.trim() === '';
      case 'link':
        return span.url.trim() === '' && span.label.trim() === '';
      case 'messageLink':
        return span.label.trim() === '';
      case 'user':
      case 'channel':
      case 'date':
        return false;
    }
  });
}

/**
 * The instant a date span stands for: its `Date`, or the `Date` its ISO string (what a stored message holds)
 * reads as; undefined when that is not a valid date.
 */
export function instantOf(at: Date | string): Date | undefined {
  const date: unknown = typeof at === 'string' ? new Date(at) : at;
  return date instanceof Date && Number.isFinite(date.getTime()) ? date : undefined;
}

/** An instant's date and time parts, as `Intl.DateTimeFormat#formatToParts` gives them (en-GB), in one zone. */
export interface ZonedDateParts {
  /** The value of each part by type (`weekday`, `day`, `month`, `hour`, …): only the parts the options asked for. */
  parts: ReadonlyMap<Intl.DateTimeFormatPartTypes, string>;
  /** The zone the parts are in, as the runtime names it: the one asked for, or "UTC". */
  timeZone: string;
  /** False when the parts are in UTC because the zone asked for was missing or unknown to the runtime. */
  inZone: boolean;
}

/** en-GB formatters by zone and options; null for a zone the runtime does not know. */
const dateFormats = new Map<string, Intl.DateTimeFormat | null>();

/**
 * `at` as date and time parts in `timeZone` (an IANA name), formatted for en-GB with `options` (without
 * `timeZone`). A missing zone or one the runtime does not know (a RangeError) falls back to UTC, saying so.
 */
export function zonedDateParts(at: Date, timeZone: string | undefined, options: Intl.DateTimeFormatOptions): ZonedDateParts {
  const zoned = timeZone ? dateFormat(timeZone, options) : null;
  const format = zoned ?? dateFormat('UTC', options);
  if (!format) throw new RangeError('The runtime does not know the UTC time zone');
  return {
    parts: new Map(format.formatToParts(at).map((p) => [p.type, p.value])),
    timeZone: format.resolvedOptions().timeZone,
    inZone: zoned !== null,
  };
}

function dateFormat(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat | null {
  const key = JSON.stringify([timeZone, options]);
  let format = dateFormats.get(key);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-GB', { ...options, timeZone });
    } catch (error) {
      // An unknown zone is a RangeError; anything else is a real failure.
      if (!(error instanceof RangeError)) throw error;
      format = null;
    }
    dateFormats.set(key, format);
  }
  return format;
}

/** A form's initial date: YYYY-MM-DD, with a month 01–12 and a day 01–31. */
export function isIsoDate(text: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(text);
}

/** A form's initial time: HH:MM on a 24-hour clock, 00:00–23:59. */
export function isClockTime(text: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(text);
}
