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

/**
 * Text a person wrote, as they read it in Teams: other people's mentions as "@Name", the bot's own mention
 * removed (it is how the message reached po-desk, not part of what was said), HTML tags dropped with
 * paragraphs and line breaks kept as new lines, entities decoded. For free text po-desk stores and shows
 * again (a question, an answer): renderers treat it as plain text, so nothing in it can ping anyone.
 */
export function readableTeamsText(rawText: string, entities: readonly MentionEntity[], botId: string): string {
  let text = rawText;
  for (const m of entities.filter((e) => e.type === 'mention' && e.mentioned?.id && e.text)) {
    const at = text.indexOf(m.text!);
    if (at < 0) continue;
    const name = m.text!.replace(/<\/?at[^>]*>/gi, '').trim() || m.mentioned!.name || 'someone';
    text = `${text.slice(0, at)}${m.mentioned!.id === botId ? ' ' : `@${name}`}${text.slice(at + m.text!.length)}`;
  }
  return readableHtml(text.replace(/<at>([\s\S]*?)<\/at>/gi, '@$1'));
}

/**
 * A message extension's `messagePayload` (a Graph chatMessage) as text: `body.content` is HTML whose
 * mentions are `<at id="0">Name</at>`, described in `mentions`. People and other apps stay "@Name"; the
 * mention of po-desk itself (an application mention with the bot's app id) is dropped.
 */
export function messagePayloadText(payload: MessagePayload, botAppId: string): string {
  const content = payload.body?.content ?? '';
  if (payload.body?.contentType?.toLowerCase() === 'text') return content.trim();
  const botMentions = new Set(
    (payload.mentions ?? []).filter((m) => m.mentioned?.application?.id === botAppId).map((m) => String(m.id)),
  );
  const withMentions = content.replace(/<at(?:\s+id="([^"]*)")?[^>]*>([\s\S]*?)<\/at>/gi, (_whole, id: string | undefined, name: string) =>
    id !== undefined && botMentions.has(id) ? ' ' : `@${name.trim()}`,
  );
  return readableHtml(withMentions);
}

/** The parts of a Graph chatMessage (a message extension's `messagePayload`) po-desk reads. */
export interface MessagePayload {
  id?: string;
  /** For a reply: its thread's root message id. */
  replyToId?: string;
  linkToMessage?: string;
  /** A person's message has `user` (id: their AAD object id); a bot's has `application`. */
  from?: { user?: { id?: string; displayName?: string }; application?: { id?: string } };
  body?: { contentType?: string; content?: string };
  mentions?: { id?: number | string; mentionText?: string; mentioned?: { user?: { id?: string }; application?: { id?: string } } }[];
}

/** HTML as a person reads it: block ends and <br> as new lines, other tags dropped, entities decoded, spaces tidied. */
function readableHtml(html: string): string {
  const text = decodeHtml(html.replace(/<br\s*\/?>|<\/(p|div|li|h[1-6])>/gi, '\n').replace(/<\/?[a-z][a-z0-9]*(\s[^<>]*)?>/gi, ''));
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
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
