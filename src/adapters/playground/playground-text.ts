import type { Message, Rich, Span } from '../../messages/model.js';
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

/**
 * Free text as a person reads it (a question, an away note): known `@handle`s become `@Display Name`,
 * anything else, unknown handles too, stays as typed.
 */
export function readablePlaygroundText(text: string, people: PlaygroundPerson[]): string {
  const byHandle = new Map(people.map((p) => [p.handle.toLowerCase(), p]));
  return text.replace(MENTION, (whole, before: string, handle: string) => {
    const person = byHandle.get(handle.toLowerCase());
    return person ? `${before}@${person.displayName}` : whole;
  });
}

const PO_DESK = /(^|[^\w@])@po-desk\b/gi;

/** Whether a plain message mentions po-desk itself (as `@po-desk`), which Slack calls an app mention. */
export const mentionsPoDesk = (text: string) => /(^|[^\w@])@po-desk\b/i.test(text);

/** The message without its `@po-desk` mentions: how a message reached po-desk is not part of what it says. */
export const withoutPoDeskMention = (text: string) => text.replace(PO_DESK, '$1 ');

/**
 * What a stored message says, as plain text (Slack's `text` of a message): what a person typed, or the
 * words of po-desk's blocks, a line each; mentions and channels by name, links by label.
 */
export function messageText(m: Message, names: { user(id: string): string | undefined; channel(id: string): string | undefined }): string {
  const spans = (rich: Rich) =>
    rich
      .map((s) => {
        switch (s.type) {
          case 'text':
            return s.text;
          case 'user':
            return `@${s.name ?? names.user(s.userId) ?? s.userId}`;
          case 'channel':
            return `#${s.name ?? names.channel(s.channelId) ?? s.channelId}`;
          case 'link':
          case 'messageLink':
            return s.label;
          case 'date':
            return new Date(s.at).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
        }
      })
      .join('');
  const lines = m.blocks.flatMap((b): string[] => {
    switch (b.type) {
      case 'header':
        return [b.text];
      case 'section':
      case 'context':
        return [spans(b.text)];
      case 'fields':
        return b.fields.map((f) => `${f.label}: ${spans(f.value)}`);
      case 'list':
        return b.items.map((item) => `• ${spans(item)}`);
      case 'divider':
      case 'actions':
        return [];
    }
  });
  return lines.filter((l) => l.trim() !== '').join('\n');
}
