import type { Rich, Span } from '../../messages/model.js';
import type { PlaygroundPerson } from '../../store/playground-workspace.js';

/** `@handle` as people type it in the playground (handles are lower-case words, e.g. @priya). */
const MENTION = /(^|[^\w@])@([a-z][a-z0-9_-]*)/gi;

/**
 * Mentions in a command's arguments: known `@handle`s become user ids (in order, without duplicates)
 * and leave the text; unknown ones are reported so the person can be told who is here.
 */
export function parsePlaygroundMentions(text: string, people: PlaygroundPerson[]): { userIds: string[]; rest: string; unknown: string[] } {
  const byHandle = new Map(people.map((p) => [p.handle.toLowerCase(), p.id]));
  const userIds: string[] = [];
  const unknown: string[] = [];
  const rest = text.replace(MENTION, (whole, before: string, handle: string) => {
    const id = byHandle.get(handle.toLowerCase());
    if (!id) {
      unknown.push(`@${handle}`);
      return whole;
    }
    if (!userIds.includes(id)) userIds.push(id);
    return `${before} `;
  });
  return { userIds, rest: rest.replace(/\s+/g, ' ').trim(), unknown };
}

/** What a person typed, as rich text: known `@handle`s become mentions, everything else stays literal. */
export function typedTextToRich(text: string, people: PlaygroundPerson[]): Rich {
  const byHandle = new Map(people.map((p) => [p.handle.toLowerCase(), p]));
  const out: Span[] = [];
  let last = 0;
  for (const m of text.matchAll(MENTION)) {
    const person = byHandle.get(m[2]!.toLowerCase());
    if (!person) continue;
    const start = m.index + m[1]!.length;
    if (start > last) out.push({ type: 'text', text: text.slice(last, start) });
    out.push({ type: 'user', userId: person.id, name: person.displayName });
    last = start + 1 + m[2]!.length;
  }
  if (last < text.length) out.push({ type: 'text', text: text.slice(last) });
  return out;
}

/** Whether a plain message mentions po-desk itself (as `@po-desk`), which Slack calls an app mention. */
export const mentionsPoDesk = (text: string) => /(^|[^\w@])@po-desk\b/i.test(text);
