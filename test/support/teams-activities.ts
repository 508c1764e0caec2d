/**
 * Bot Framework activities as Microsoft Teams sends them (shapes taken from real Teams traffic and
 * the Bot Framework Activity schema), and a helper to POST them to po-desk's /api/messages.
 */
import { randomUUID } from 'node:crypto';
import type { FakeMember } from './fake-bot-connector.js';

export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const TEAM_ID = '19:team-general-a1b2c3@thread.tacv2';
export const CHANNEL_ID = '19:checkout-d4e5f6@thread.tacv2';
export const OTHER_CHANNEL_ID = '19:payments-0a0b0c@thread.tacv2';
export const BOT = { id: '28:00000000-0000-0000-0000-00000000b07d', name: 'po-desk' };

/** A person on Teams: `person('ann', 1)` is Ann, Teams user id "29:1ann-teams-id", AAD object id …0001. */
export function person(name: string, n: number): FakeMember {
  return {
    id: `29:1${name}-teams-id`,
    name: name[0]!.toUpperCase() + name.slice(1),
    aadObjectId: `00000000-0000-4000-a000-${String(n).padStart(12, '0')}`,
  };
}

let sequence = 1_700_000_100_000;
const nextMessageId = () => String(sequence++);

export interface Where {
  serviceUrl: string;
  channelId?: string;
  /** Replying inside a thread rooted at this message id (default: a new top-level post). */
  threadId?: string;
  teamName?: string;
}

/**
 * Where a card was clicked. In a channel a card always sits in a thread, and Teams names it in the
 * conversation id (`${channel};messageid=${root}`): `threadId` is that root (the card's own id when
 * the bot posted the card top-level).
 */
export type CardWhere = (Where & { threadId: string }) | PersonalWhere;

/** A person's 1:1 chat with po-desk: the one they started (default), or `conversationId`, e.g. one po-desk created. */
export interface PersonalWhere {
  personal: true;
  serviceUrl: string;
  conversationId?: string;
}

function base(from: FakeMember, serviceUrl: string) {
  return {
    channelId: 'msteams',
    serviceUrl,
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    recipient: BOT,
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    localTimezone: 'Europe/Berlin',
    locale: 'en-US',
  };
}

/** A channel conversation in the thread rooted at `root`. */
function channelParts(where: Where, root: string) {
  const channel = where.channelId ?? CHANNEL_ID;
  return {
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT_ID, id: `${channel};messageid=${root}` },
    channelData: {
      teamsChannelId: channel,
      teamsTeamId: TEAM_ID,
      channel: { id: channel },
      team: { id: TEAM_ID, name: where.teamName ?? 'Acme Product' },
      tenant: { id: TENANT_ID },
    },
  };
}

export function personalConversationId(member: FakeMember): string {
  return `a:1on1-${member.id}`;
}

function personalParts(member: FakeMember, conversationId = personalConversationId(member)) {
  return {
    conversation: { conversationType: 'personal', tenantId: TENANT_ID, id: conversationId },
    channelData: { tenant: { id: TENANT_ID } },
  };
}

/** A channel message that @mentions po-desk, e.g. text `owner`, mentions [pat] → "<at>po-desk</at> owner <at>Pat</at>". */
export function channelMessage(from: FakeMember, text: string, where: Where, mentions: FakeMember[] = []) {
  const id = nextMessageId();
  const mentionText = mentions.map((m) => ` <at>${m.name}</at>`).join('');
  return {
    type: 'message',
    id,
    textFormat: 'plain',
    text: `<at>${BOT.name}</at> ${text}${mentionText}`,
    ...base(from, where.serviceUrl),
    ...channelParts(where, where.threadId ?? id),
    entities: [
      { type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT },
      ...mentions.map((m) => ({ type: 'mention', text: `<at>${m.name}</at>`, mentioned: { id: m.id, name: m.name } })),
      { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: 'Europe/Berlin' },
    ],
  };
}

/**
 * A channel message that does not mention po-desk, as Teams delivers it to a bot with the resource-specific
 * permission ChannelMessage.Read.Group: a new post, or (`where.threadId`) a reply in that thread.
 */
export function channelPost(from: FakeMember, text: string, where: Where, mentions: FakeMember[] = []) {
  const id = nextMessageId();
  return {
    type: 'message',
    id,
    textFormat: 'plain',
    text: `${text}${mentions.map((m) => ` <at>${m.name}</at>`).join('')}`,
    ...(where.threadId ? { replyToId: where.threadId } : {}),
    ...base(from, where.serviceUrl),
    ...channelParts(where, where.threadId ?? id),
    entities: [
      ...mentions.map((m) => ({ type: 'mention', text: `<at>${m.name}</at>`, mentioned: { id: m.id, name: m.name } })),
      { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: 'Europe/Berlin' },
    ],
  };
}

/** A message in a channel, as a message extension's `messagePayload` carries it (a Graph chatMessage). */
export interface PayloadMessage {
  id: string;
  author: FakeMember;
  /** The message body as Teams stores it: HTML, mentions as `<at id="N">Name</at>`. */
  html: string;
  /** The people mentioned, in the order of their `<at id>` numbers. */
  mentions?: FakeMember[];
  /** For a reply in a thread: the thread's root. */
  replyToId?: string;
}

/**
 * A message action ("…" → Apps → the command) used on a channel message, for a command with
 * `fetchTask: false` and no parameters: Teams sends `composeExtension/submitAction` at once, in the
 * message's thread, with the message as `messagePayload` (shape as in Microsoft's "Create and send
 * dialogs" reference, invoked from a channel).
 */
export function messageAction(from: FakeMember, commandId: string, target: PayloadMessage, where: Where | PersonalWhere) {
  const root = target.replyToId ?? target.id;
  const parts = 'personal' in where ? personalParts(from, where.conversationId) : channelParts(where, root);
  return {
    type: 'invoke',
    name: 'composeExtension/submitAction',
    id: `f:${randomUUID()}`,
    ...base(from, where.serviceUrl),
    ...parts,
    channelData: { ...parts.channelData, source: { name: 'message' } },
    value: {
      commandId,
      commandContext: 'message',
      requestId: randomUUID().replace(/-/g, ''),
      context: { theme: 'default' },
      messagePayload: {
        linkToMessage: `https://teams.microsoft.com/l/message/${'personal' in where ? '' : (where.channelId ?? CHANNEL_ID)}/${target.id}`,
        id: target.id,
        replyToId: target.replyToId ?? null,
        createdDateTime: new Date(Number(target.id)).toISOString(),
        lastModifiedDateTime: null,
        deleted: false,
        summary: null,
        importance: 'normal',
        locale: 'en-us',
        body: { contentType: 'html', content: target.html },
        from: { device: null, conversation: null, user: { userIdentityType: 'aadUser', id: target.author.aadObjectId, displayName: target.author.name }, application: null },
        reactions: [],
        mentions: (target.mentions ?? []).map((m, i) => ({
          id: i,
          mentionText: m.name,
          mentioned: { device: null, conversation: null, user: { userIdentityType: 'aadUser', id: m.aadObjectId, displayName: m.name }, application: null },
        })),
        attachments: [],
      },
    },
  };
}

/** A message in the person's 1:1 chat with po-desk (no mention needed). */
export function personalMessage(from: FakeMember, text: string, serviceUrl: string, mentions: FakeMember[] = []) {
  return {
    type: 'message',
    id: nextMessageId(),
    textFormat: 'plain',
    text: `${text}${mentions.map((m) => ` <at>${m.name}</at>`).join('')}`,
    ...base(from, serviceUrl),
    ...personalParts(from),
    entities: mentions.map((m) => ({ type: 'mention', text: `<at>${m.name}</at>`, mentioned: { id: m.id, name: m.name } })),
  };
}

/** po-desk (or people) added to a team: Teams sends this to the General channel. */
export function membersAdded(from: FakeMember, added: { id: string; aadObjectId?: string; name?: string }[], serviceUrl: string) {
  return {
    type: 'conversationUpdate',
    id: `f:${randomUUID()}`,
    ...base(from, serviceUrl),
    membersAdded: added,
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT_ID, id: TEAM_ID },
    channelData: { team: { id: TEAM_ID, name: 'Acme Product' }, eventType: 'teamMemberAdded', tenant: { id: TENANT_ID } },
  };
}

/** The person installed po-desk as a personal app. */
export function personalInstall(from: FakeMember, serviceUrl: string) {
  return { type: 'installationUpdate', id: `f:${randomUUID()}`, action: 'add', ...base(from, serviceUrl), ...personalParts(from) };
}

/** Action.Submit on a card in a conversation: a message with `value` and no text, replying to the card, in the card's thread. */
export function cardSubmit(from: FakeMember, value: Record<string, unknown>, cardActivityId: string, where: CardWhere) {
  const id = nextMessageId();
  const parts = 'personal' in where ? personalParts(from, where.conversationId) : channelParts(where, where.threadId);
  return { type: 'message', id, replyToId: cardActivityId, value, ...base(from, where.serviceUrl), ...parts };
}

/** An invoke (adaptiveCard/action, task/fetch, task/submit, composeExtension/fetchTask) from a card, in the card's thread. */
export function invoke(from: FakeMember, name: string, value: unknown, where: CardWhere, replyToId?: string) {
  const parts = 'personal' in where ? personalParts(from, where.conversationId) : channelParts(where, where.threadId);
  return { type: 'invoke', name, id: `f:${randomUUID()}`, value, ...(replyToId ? { replyToId } : {}), ...base(from, where.serviceUrl), ...parts };
}

export interface PostResult {
  status: number;
  body: unknown;
}

/** POSTs an activity to /api/messages as the Bot Framework service does. */
export async function postActivity(baseUrl: string, activity: unknown, token?: string): Promise<PostResult> {
  const res = await fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof activity === 'string' ? activity : JSON.stringify(activity),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
}
