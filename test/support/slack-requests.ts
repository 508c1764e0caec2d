import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** Slack's v0 request signature over the raw body (https://api.slack.com/authentication/verifying-requests-from-slack). */
export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlashCommandInput {
  text: string;
  userId: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  teamId?: string;
  teamDomain?: string;
  /** Where `respond` posts; defaults to a hooks.slack.com URL nothing should post to. */
  responseUrl?: string;
  triggerId?: string;
}

export function slashCommandBody(c: SlashCommandInput): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: c.teamId ?? 'T0PODESK01',
    team_domain: c.teamDomain ?? 'acme',
    channel_id: c.channelId ?? 'C0TEAMA001',
    channel_name: c.channelName ?? 'team-a',
    user_id: c.userId,
    user_name: c.userName ?? c.userId.toLowerCase(),
    command: '/po',
    text: c.text,
    api_app_id: 'A0PODESK01',
    is_enterprise_install: 'false',
    response_url: c.responseUrl ?? 'https://hooks.slack.com/commands/T0PODESK01/1/abc',
    trigger_id: c.triggerId ?? '13345224609.738474920.8088930838d88f008e0',
  }).toString();
}

export interface SignedRequestOptions {
  contentType: string;
  timestamp?: number;
  signature?: string;
  headers?: Record<string, string>;
}

/** POSTs a body to /slack/events, signed unless the test overrides the signature or timestamp. */
export async function postToSlackEndpoint(baseUrl: string, body: string, o: SignedRequestOptions) {
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
  const res = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': o.contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': o.signature ?? sign(body, timestamp),
      ...o.headers,
    },
    body,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json: json as SlackReplyBody | undefined };
}

/** What po-desk answers in an ack: an ephemeral Block Kit message. */
export interface SlackReplyBody {
  response_type?: string;
  text?: string;
  blocks?: unknown[];
  [key: string]: unknown;
}

// --- interactivity ----------------------------------------------------------------------------------------------
// Slack posts clicks and form submissions to the same endpoint, form-encoded with one field `payload` holding
// JSON. The payloads below start from real ones (test/fixtures/slack, see SOURCES.txt) with our ids put in.

type Json = Record<string, unknown>;

function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`../fixtures/slack/${name}`, import.meta.url), 'utf8')) as Json;
}

/** `payload=<json>`, as Slack sends interactivity requests. */
export function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** POSTs a signed interactivity payload to /slack/events. */
export function postInteraction(baseUrl: string, payload: unknown, o: Omit<SignedRequestOptions, 'contentType'> = {}) {
  return postToSlackEndpoint(baseUrl, interactionBody(payload), { contentType: 'application/x-www-form-urlencoded', ...o });
}

export interface ButtonClick {
  userId: string;
  actionId: string;
  value?: string;
  /** Where the app answers (`fake.responseUrl(id)`). */
  responseUrl: string;
  teamId?: string;
  teamDomain?: string;
  channelId?: string;
  triggerId?: string;
  /** The message holding the button: ephemeral (a /po reply) unless said otherwise. */
  ephemeral?: boolean;
  /** The ts of the message holding the button (Slack's container.message_ts). */
  messageTs?: string;
}

/** A block_actions payload for a click on a button of a message, based on bolt-python's real one. */
export function blockActionsPayload(c: ButtonClick): Json {
  const body = fixture('block_actions.payload.json');
  const teamId = c.teamId ?? 'T0PODESK01';
  const channelId = c.channelId ?? 'C0TEAMA001';
  const [action] = body.actions as Json[];
  return {
    ...body,
    api_app_id: 'A0PODESK01',
    user: { id: c.userId, username: c.userId.toLowerCase(), name: c.userId.toLowerCase(), team_id: teamId },
    team: { id: teamId, domain: c.teamDomain ?? 'acme' },
    container: { type: 'message', message_ts: c.messageTs ?? '1700000000.000100', channel_id: channelId, is_ephemeral: c.ephemeral ?? true },
    channel: { id: channelId, name: channelId.startsWith('D') ? 'directmessage' : 'team-a' },
    trigger_id: c.triggerId ?? '13345224609.738474920.8088930838d88f008e1',
    response_url: c.responseUrl,
    actions: [{ ...action, action_id: c.actionId, block_id: 'b1', ...(c.value !== undefined ? { value: c.value } : { value: undefined }) }],
  };
}

/**
 * Slack's state entry for each input element type, as a person filled it in. An input left empty (or
 * emptied) is still in the state, with its value key set to null: Slack never sends '' or leaves the key out.
 */
function stateEntry(element: Json, value: string | null): Json {
  const empty = value === null || value === '';
  switch (element.type) {
    case 'plain_text_input':
      return { type: 'plain_text_input', value: empty ? null : value };
    case 'timepicker':
      return { type: 'timepicker', selected_time: empty ? null : value };
    case 'datepicker':
      return { type: 'datepicker', selected_date: empty ? null : value };
    case 'users_select':
      return { type: 'users_select', selected_user: empty ? null : value };
    case 'static_select': {
      if (empty) return { type: 'static_select', selected_option: null };
      const option = (element.options as Json[]).find((o) => o.value === value);
      if (!option) throw new Error(`no option ${value} in ${JSON.stringify(element.options)}`);
      return { type: 'static_select', selected_option: option };
    }
    default:
      throw new Error(`stateEntry: unknown element type ${String(element.type)}`);
  }
}

/** The initial value of an input element, as Slack reports an untouched one in the state. */
function initialOf(element: Json): string | undefined {
  const initial = element.initial_value ?? element.initial_time ?? element.initial_date ?? element.initial_user ?? (element.initial_option as Json | undefined)?.value;
  return typeof initial === 'string' ? initial : undefined;
}

export interface FormSubmission {
  userId: string;
  /** The view the app opened (the `view` argument of its views.open call). */
  view: Json;
  /** What the person typed or picked, by block id ('' or null: emptied); other inputs keep their initial values. */
  values?: Record<string, string | null>;
  teamId?: string;
  teamDomain?: string;
}

/** A view_submission payload for a modal the app opened, based on bolt-python's real one. */
export function viewSubmissionPayload(s: FormSubmission): Json {
  const body = fixture('view_submission.payload.json');
  const teamId = s.teamId ?? 'T0PODESK01';
  const values: Record<string, Record<string, Json>> = {};
  for (const block of (s.view.blocks as Json[] | undefined) ?? []) {
    if (block.type !== 'input') continue;
    const blockId = block.block_id as string;
    const element = block.element as Json;
    const typed = s.values?.[blockId];
    values[blockId] = { [element.action_id as string]: stateEntry(element, typed !== undefined ? typed : (initialOf(element) ?? null)) };
  }
  return {
    ...body,
    api_app_id: 'A0PODESK01',
    team: { id: teamId, domain: s.teamDomain ?? 'acme' },
    user: { id: s.userId, username: s.userId.toLowerCase(), name: s.userId.toLowerCase(), team_id: teamId },
    view: {
      ...(body.view as Json),
      team_id: teamId,
      app_installed_team_id: teamId,
      app_id: 'A0PODESK01',
      private_metadata: '',
      ...s.view,
      state: { values },
    },
  };
}

// --- shortcuts and events ------------------------------------------------------------------------------------

export interface MessageShortcut {
  /** Who used the shortcut. */
  userId: string;
  callbackId: string;
  /** The message it was used on: its channel, text (as Slack sends it, escaped), author and ts. */
  channelId: string;
  channelName?: string;
  text: string;
  authorId: string;
  messageTs?: string;
  responseUrl: string;
  triggerId?: string;
  teamId?: string;
  teamDomain?: string;
}

/** A message_action payload (a message shortcut), based on bolt-python's real one. */
export function messageShortcutPayload(m: MessageShortcut): Json {
  const body = fixture('message_action.message_shortcut.payload.json');
  const teamId = m.teamId ?? 'T0PODESK01';
  const ts = m.messageTs ?? '1700000500.000100';
  const message = body.message as Json;
  return {
    ...body,
    team: { id: teamId, domain: m.teamDomain ?? 'acme' },
    user: { id: m.userId, name: m.userId.toLowerCase(), username: m.userId.toLowerCase(), team_id: teamId },
    channel: { id: m.channelId, name: m.channelName ?? (m.channelId.startsWith('D') ? 'directmessage' : 'team-a') },
    callback_id: m.callbackId,
    trigger_id: m.triggerId ?? '13345224609.738474920.8088930838d88f008e2',
    message_ts: ts,
    message: {
      ...message,
      text: m.text,
      user: m.authorId,
      ts,
      team: teamId,
      // The rich-text copy of the text; po-desk reads `text`, so one plain section is enough.
      blocks: [{ type: 'rich_text', block_id: 'q1', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: m.text }] }] }],
    },
    response_url: m.responseUrl,
  };
}

let eventSequence = 0;

export interface EventEnvelopeOptions {
  teamId?: string;
  /** Unique per delivery (Slack redelivers with the same id); a fresh one by default. */
  eventId?: string;
  botUserId?: string;
}

/** An Events API `event_callback` body around `event`, based on bolt-python's real envelope. */
export function eventCallbackBody(event: Json, o: EventEnvelopeOptions = {}): string {
  const body = fixture('event_callback.reaction_added.json');
  const teamId = o.teamId ?? 'T0PODESK01';
  eventSequence += 1;
  const eventTs = typeof event.event_ts === 'string' ? event.event_ts : String(event.ts);
  const { enterprise_id: _enterprise, ...envelope } = body;
  return JSON.stringify({
    ...envelope,
    team_id: teamId,
    api_app_id: 'A0PODESK01',
    event,
    event_id: o.eventId ?? `Ev0QUESTION${String(eventSequence).padStart(4, '0')}`,
    event_time: Math.floor(Number(eventTs)),
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: o.botUserId ?? 'U0PODESKBOT', is_bot: true, is_enterprise_install: false }],
    authed_users: [o.botUserId ?? 'U0PODESKBOT'],
  });
}

/** POSTs a signed Events API body to /slack/events. */
export function postEvent(baseUrl: string, event: Json, o: EventEnvelopeOptions & Omit<SignedRequestOptions, 'contentType'> = {}) {
  return postToSlackEndpoint(baseUrl, eventCallbackBody(event, o), { contentType: 'application/json', ...o });
}

export interface PostedMessage {
  userId: string;
  channelId: string;
  /** As Slack sends it: mentions as <@U…>, & < > escaped. */
  text: string;
  ts: string;
  /** For a reply in a thread: the parent's ts. */
  threadTs?: string;
  teamId?: string;
}

/** The blocks Slack adds to a message people type: one rich-text section with the text. */
function richTextOf(text: string): Json[] {
  return [{ type: 'rich_text', block_id: 'rt1', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }] }];
}

/** An `app_mention` event (https://api.slack.com/events/app_mention): someone @mentioned the bot. */
export function appMentionEvent(m: PostedMessage): Json {
  return {
    type: 'app_mention',
    client_msg_id: `msg-${m.ts}`,
    user: m.userId,
    text: m.text,
    ts: m.ts,
    team: m.teamId ?? 'T0PODESK01',
    blocks: richTextOf(m.text),
    channel: m.channelId,
    event_ts: m.ts,
    ...(m.threadTs !== undefined ? { thread_ts: m.threadTs } : {}),
  };
}

/**
 * A `message` event for a message a person typed in a channel (message.channels): with `threadTs`, a reply
 * in that thread, as https://api.slack.com/events/message/message_replied shows it.
 */
export function channelMessageEvent(m: PostedMessage): Json {
  return {
    type: 'message',
    client_msg_id: `msg-${m.ts}`,
    text: m.text,
    user: m.userId,
    ts: m.ts,
    team: m.teamId ?? 'T0PODESK01',
    blocks: richTextOf(m.text),
    channel: m.channelId,
    event_ts: m.ts,
    channel_type: 'channel',
    ...(m.threadTs !== undefined ? { thread_ts: m.threadTs, parent_user_id: 'U0PODESKBOT' } : {}),
  };
}
