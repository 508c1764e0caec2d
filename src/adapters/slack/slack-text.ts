/**
 * Slack's text conventions in commands and events: mention tokens and HTML-style escapes.
 * Pure string work, but Slack's format, so it lives with the Slack adapter, not in the domain.
 */

export interface SlackMentions {
  /** Mentioned user ids in order of first appearance, without duplicates. */
  userIds: string[];
  /** The text with mention tokens removed and runs of whitespace collapsed to one space. */
  rest: string;
}

/** `<@U123>` or `<@U123|name>`; user ids start with U, or W on Enterprise Grid. */
const USER_MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

export function parseSlackMentions(text: string): SlackMentions {
  const userIds: string[] = [];
  const rest = text.replace(USER_MENTION, (_token, id: string) => {
    if (!userIds.includes(id)) userIds.push(id);
    return ' ';
  });
  return { userIds, rest: rest.replace(/\s+/g, ' ').trim() };
}

/**
 * Slack escapes `&`, `<` and `>` in the text it sends (`&amp;`, `&lt;`, `&gt;`). Decode them before
 * storing what a person typed as plain text, or it will be shown double-escaped later.
 */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Text a person wrote, as they read it in Slack: mentions as @name (names looked up when the token has
 * none), channels as #name, links as their label and URL, escapes decoded. For free text po-desk stores
 * and shows again (a question): the renderers escape it, so nothing in it can ping anyone.
 */
export async function readableSlackText(text: string, nameOf: (userId: string) => Promise<string | undefined>): Promise<string> {
  const ids = [...text.matchAll(/<@([UW][A-Z0-9]+)>/g)].map((m) => m[1]!);
  const names = new Map<string, string | undefined>();
  for (const id of new Set(ids)) names.set(id, await nameOf(id).catch(() => undefined));
  const readable = text.replace(/<([^<>]*)>/g, (whole, inner: string) => {
    const [target = '', label] = inner.split('|', 2);
    if (target.startsWith('@')) return `@${label ?? names.get(target.slice(1)) ?? 'someone'}`;
    if (target.startsWith('#')) return `#${label ?? 'a channel'}`;
    if (target.startsWith('!subteam^')) return label ?? '@a group';
    if (target.startsWith('!date^')) return label ?? 'a date';
    if (target.startsWith('!')) return `@${target.slice(1)}`;
    if (/^(https?|mailto):/i.test(target)) return label && label !== target ? `${label} (${target})` : target;
    return whole;
  });
  return unescapeSlackText(readable);
}
