import { isRecord } from '../messages/render-common.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
const NUL = String.fromCharCode(0);

/**
 * Text people wrote may hold a NUL or half a surrogate pair (half an emoji). PostgreSQL stores neither, and
 * one such string fails its whole statement: with it, every question saved in the same group commit. So
 * every string in a platform's request, however deep, loses its NULs and has lone surrogates replaced by
 * U+FFFD, in place: the SDKs hand on references into the parsed body (Bolt's `command`, `event`, `view`).
 */
export function makeWellFormed(value: unknown): void {
  // Index and for-in loops: this runs on every Slack request, and Object.entries' arrays were a fortieth of
  // what the ack path allocated.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = wellFormed(value[i]);
  } else if (isRecord(value)) {
    for (const key in value) value[key] = wellFormed(value[key]);
  }
}

function wellFormed(v: unknown): unknown {
  if (typeof v !== 'string') {
    makeWellFormed(v);
    return v;
  }
  return isWellFormedText(v) ? v : wellFormedText(v);
}

function isWellFormedText(s: string): boolean {
  return !s.includes(NUL) && !LONE_SURROGATE.test(s);
}

function wellFormedText(s: string): string {
  return s.replaceAll(NUL, '').replace(LONE_SURROGATES, '\uFFFD');
}
