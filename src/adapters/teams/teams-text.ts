/**
 * Teams' text conventions: mentions arrive as `<at>Name</at>` in the text plus a `mention` entity
 * carrying the person's Teams user id; messages may carry light HTML and HTML entities.
 */

export interface MentionEntity {
  type: string;
  text?: string;
  mentioned?: { id?: string; name?: string };
}

export interface TeamsCommandText {
  /** The command text without the bot's mention, other mentions removed, HTML decoded, whitespace collapsed. */
  text: string;
  /** Teams user ids (29:…) of the people mentioned, in order of appearance, without duplicates; never the bot. */
  mentionedIds: string[];
}

export function parseTeamsCommandText(rawText: string, entities: readonly MentionEntity[], botId: string): TeamsCommandText {
  const mentions = entities.filter((e) => e.type === 'mention' && e.mentioned?.id && e.text);
  const mentionedIds: string[] = [];
  let text = rawText;
  // Replace each mention's exact `<at>…</at>` text once, in order, so two people with the same
  // display name still map to their own ids.
  for (const m of mentions) {
    const at = text.indexOf(m.text!);
    if (at < 0) continue;
    text = `${text.slice(0, at)} ${text.slice(at + m.text!.length)}`;
    const id = m.mentioned!.id!;
    if (id !== botId && !mentionedIds.includes(id)) mentionedIds.push(id);
  }
  // Leftover <at> tags (no entity) are names, not mentions: keep the name as text.
  text = text.replace(/<at>([\s\S]*?)<\/at>/gi, '$1');
  text = decodeHtml(stripTags(text));
  text = text.replace(/\s+/g, ' ').trim();
  // People used to Slack type "/po owner …" or "po owner …"; both mean the same here.
  text = text.replace(/^\/?po(\s+|$)/i, '');
  return { text, mentionedIds };
}

/** Teams wraps formatted messages in HTML (<p>, <div>, <br>): keep the words. Typed "<" arrives as &lt;. */
function stripTags(text: string): string {
  return text.replace(/<br\s*\/?>/gi, ' ').replace(/<\/?[a-z][a-z0-9]*(\s[^<>]*)?>/gi, ' ');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return safeCodePoint(parseInt(name.slice(2), 16)) ?? whole;
    if (name.startsWith('#')) return safeCodePoint(parseInt(name.slice(1), 10)) ?? whole;
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function safeCodePoint(n: number): string | undefined {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : undefined;
}
