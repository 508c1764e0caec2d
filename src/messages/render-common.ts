/** What every renderer needs the same way: cutting text, chunking rows, and refusing what cannot render. */

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
