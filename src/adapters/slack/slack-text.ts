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
