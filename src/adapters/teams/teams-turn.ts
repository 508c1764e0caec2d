import { ActivityTypes, TurnContext, type Activity, type InvokeResponse } from 'botbuilder';
import type { Logger } from 'pino';
import type { CommandContext, Deps } from '../../app/context.js';
import { openForm, runAction, submitForm, unknownAction, unknownForm, type Shown } from '../../app/interactions.js';
import type { UserProfile } from '../../app/ports.js';
import { askQuestion } from '../../app/questions/ask-question.js';
import { threadReply } from '../../app/questions/respond.js';
import { answerCommand } from '../../app/run-command.js';
import { installGreeting } from '../../app/show-help.js';
import { helpFor, splitCommand, takesFreeText } from '../../domain/command.js';
import { isMentionQuestion } from '../../domain/question.js';
import { canonicalTimeZone } from '../../domain/working-hours.js';
import type { Form, FormValues, Message } from '../../messages/model.js';
import { readTeamsAction, readTeamsFormValues, renderTeamsCard, renderTeamsFormCard, renderTeamsText, type AdaptiveCard } from '../../messages/render-teams.js';
import type { Metrics } from '../../metrics.js';
import type { Db } from '../../store/database.js';
import type { TeamsConversationKind, TeamsConversations } from '../../store/teams-conversations.js';
import { postInConversation } from '../../app/post-in-conversation.js';
import { formNotShown, NOT_SET_UP, replyForError } from '../../app/replies.js';
import { screenMessage } from '../../app/intake/intercept.js';
import { intakeFromMessage } from '../../app/intake/request-work.js';
import { detectWorkRequest } from '../../domain/request-detector.js';
import type { BotConnector, ConnectorActivity } from './bot-connector.js';
import { resolveMentions, seenUser, teamsDirectory, type TurnScope } from './teams-directory.js';
import { baseConversationId, threadConversationId, threadRootOf } from './teams-ids.js';
import { ADAPTIVE_CARD, cardMessage } from './teams-sender.js';
import { messagePayloadText, parseTeamsCommandText, readableTeamsText, type MentionEntity, type MessagePayload } from './teams-text.js';

/** The message extension's action command "Ask the PO", as in manifests/teams/manifest.json (composeExtensions). */
export const ASK_PO_COMMAND = 'askPo';
/** The message extension's action command "Send to PO intake". */
export const SEND_TO_INTAKE_COMMAND = 'sendToIntake';


export interface TeamsTurnDeps {
  deps: Deps;
  db: Db;
  connector: BotConnector;
  conversations: TeamsConversations;
  log: Logger;
  metrics: Metrics;
}

/**
 * Where an activity happened, in the terms po-desk stores. `conversationId` is also the channel id a
 * team is bound to (a channel's conversation id without its thread suffix).
 */
interface Where extends TurnScope {
  kind: TeamsConversationKind;
  /** For channel messages: the thread's root message id, so replies stay in the thread. */
  threadId: string | undefined;
}

/**
 * One Teams activity, after botbuilder's CloudAdapter authenticated it. Commands and clicks run the
 * same use cases as Slack; replies go through the outbox; invoke responses (card refreshes, dialogs)
 * are answered in the HTTP response, as Teams requires.
 */
export async function handleTurn(turn: TurnContext, t: TeamsTurnDeps): Promise<void> {
  const a = turn.activity;
  const where = whereOf(a);
  const log = t.log.child({ activity: a.type, name: a.name, tenant: where?.tenantId, conversation: where?.conversationId });
  if (!where) {
    log.warn('teams: activity without a tenant or conversation ignored');
    if (a.type === ActivityTypes.Invoke) await respond(turn, 400, { error: 'missing tenant' });
    return;
  }
  // With the resource-specific permission ChannelMessage.Read.Group, Teams delivers every message of a
  // team's channels, not only those that mention po-desk. Most are the team talking among themselves: they
  // are dropped here, before anything is recorded.
  const message = a.type === ActivityTypes.Message ? messageKind(a, where) : undefined;
  if (message?.kind === 'ignored') return;
  if (!(await firstDelivery(t.db, a))) {
    log.info({ activityId: a.id }, 'teams: duplicate activity dropped');
    if (a.type === ActivityTypes.Invoke) await respond(turn, 200, {});
    return;
  }
  await remember(t.conversations, a, where);

  if (message) return onMessage(turn, t, where, message, log);
  switch (a.type) {
    case ActivityTypes.ConversationUpdate:
      return onConversationUpdate(turn, t, where);
    case ActivityTypes.InstallationUpdate:
      if (a.action === 'add' || a.action === 'add-upgrade') await greetOnce(t, where);
      return;
    case ActivityTypes.Invoke:
      return onInvoke(turn, t, where, log);
    default:
      return;
  }
}

type MessageKind =
  | { kind: 'card-submit' }
  | { kind: 'to-po-desk' }
  | { kind: 'thread-reply'; rootId: string }
  | { kind: 'possible-request' }
  | { kind: 'ignored' };

/**
 * What a message activity is to po-desk: a card's Action.Submit (a value, no text), or a message for
 * po-desk (every message in a 1:1 chat; in a channel or group chat, one that mentions po-desk). A channel
 * message that does not mention po-desk is never a command: a reply in a thread may answer the question
 * of that thread (the PO's reply in a question's thread is the answer); anything else is ignored, silently.
 */
function messageKind(a: Activity, where: Where): MessageKind {
  if (a.value !== undefined && !a.text?.trim()) return { kind: 'card-submit' };
  if (where.kind === 'personal') return { kind: 'to-po-desk' };
  const entities = (a.entities ?? []) as MentionEntity[];
  if (entities.some((e) => e.type === 'mention' && e.mentioned?.id === a.recipient?.id)) return { kind: 'to-po-desk' };
  // Other bots' messages, and Teams' own system messages, are nobody's answer.
  if (!a.from?.id || a.from.id.startsWith('28:') || !a.text?.trim()) return { kind: 'ignored' };
  const root = where.kind === 'channel' ? threadRootOf(a.conversation.id) : undefined;
  if (root && root !== a.id) return { kind: 'thread-reply', rootId: root };
  // A new channel message is screened for work requests; the detector decides before anything is stored.
  if (where.kind === 'channel' && detectWorkRequest(readableTeamsText(a.text ?? '', [], '')).isRequest) return { kind: 'possible-request' };
  return { kind: 'ignored' };
}

function onMessage(turn: TurnContext, t: TeamsTurnDeps, where: Where, message: MessageKind, log: Logger): Promise<void> {
  const a = turn.activity;
  switch (message.kind) {
    case 'card-submit':
      return onCardSubmit(turn, t, where, log);
    case 'to-po-desk':
      return onAddressed(turn, t, where, log);
    case 'thread-reply':
      return onThreadReply(turn, t, where, message.rootId, log);
    case 'possible-request':
      return onChannelMessage(turn, t, where, a.id ?? '', log);
    case 'ignored':
      return Promise.resolve();
  }
}

function whereOf(a: Activity): Where | undefined {
  const channelData = (a.channelData ?? {}) as { tenant?: { id?: string }; team?: { id?: string } };
  const tenantId = a.conversation?.tenantId ?? channelData.tenant?.id ?? (a.channelId === 'emulator' ? 'emulator' : undefined);
  if (!tenantId || !a.conversation?.id || !a.serviceUrl) return undefined;
  const type = a.conversation.conversationType;
  const kind: TeamsConversationKind = type === 'channel' ? 'channel' : type === 'groupChat' ? 'groupChat' : 'personal';
  return {
    tenantId,
    serviceUrl: a.serviceUrl,
    conversationId: baseConversationId(a.conversation.id),
    teamId: channelData.team?.id,
    kind,
    threadId: kind === 'channel' ? (threadRootOf(a.conversation.id) ?? a.id) : undefined,
  };
}

/** Teams redelivers an activity it did not see acknowledged; the same activity id is handled once. */
async function firstDelivery(db: Db, a: Activity): Promise<boolean> {
  if (!a.id) return true;
  const first = await db.inboundReceipt.createMany({ data: [{ key: `teams:${a.conversation.id}:${a.id}` }], skipDuplicates: true });
  return first.count === 1;
}

async function remember(conversations: TeamsConversations, a: Activity, where: Where): Promise<void> {
  // A message extension works in any chat, also one between two people that po-desk is not part of:
  // remembering that as the person's 1:1 with po-desk would send their private messages there.
  const fromMessageExtension = a.type === ActivityTypes.Invoke && (a.name ?? '').startsWith('composeExtension/');
  if (!fromMessageExtension || where.kind === 'channel') await conversations.remember({
    id: where.conversationId,
    tenantId: where.tenantId,
    serviceUrl: where.serviceUrl,
    kind: where.kind,
    teamId: where.teamId,
    userAadId: where.kind === 'personal' ? a.from?.aadObjectId : undefined,
    reference: { ...TurnContext.getConversationReference(a), conversation: { ...a.conversation, id: where.conversationId } },
  });
  const from = a.from ? seenUser(where, a.from) : undefined;
  if (from) await conversations.rememberUsers([from]);
}

function commandContext(a: Activity, where: Where): CommandContext {
  const channelData = (a.channelData ?? {}) as { team?: { name?: string } };
  return {
    platform: 'teams',
    workspaceExternalId: where.tenantId,
    workspaceName: channelData.team?.name,
    channelId: where.conversationId,
    inDirectMessage: where.kind === 'personal',
    userId: a.from.aadObjectId ?? a.from.id,
    // Teams redelivers an activity with the same id; a question asked twice is asked once.
    requestKey: a.id ? `teams:${where.tenantId}:${a.conversation.id}:${a.id}` : undefined,
  };
}

/** The caller's profile comes with the activity: no lookup needed. */
function callerProfile(a: Activity): UserProfile {
  const zone = typeof a.localTimezone === 'string' ? canonicalTimeZone(a.localTimezone) : undefined;
  return { platformUserId: a.from.aadObjectId ?? a.from.id, displayName: a.from.name || 'Someone', timeZone: zone, isBot: false, isAdmin: false, deleted: false };
}

function turnDeps(t: TeamsTurnDeps, a: Activity, where: Where, known: Map<string, UserProfile>): Deps {
  const caller = callerProfile(a);
  known.set(caller.platformUserId, caller);
  return { ...t.deps, directory: teamsDirectory({ connector: t.connector, conversations: t.conversations, scope: where, known }) };
}

/**
 * A message for po-desk: a command (`owner @Pat`), or, when its first word is no subcommand and it ends in
 * "?", a question for the PO (`@po-desk Should guests see prices?`), asked like `/po ask`.
 */
async function onAddressed(turn: TurnContext, t: TeamsTurnDeps, where: Where, log: Logger): Promise<void> {
  const a = turn.activity;
  const parsed = parseTeamsCommandText(a.text ?? '', (a.entities ?? []) as MentionEntity[], a.recipient.id);
  // "owner?" is still the command owner: a question starts with anything but a subcommand.
  const first = splitCommand(parsed.text).sub.replace(/[?!.,:;]+$/, '');
  if (!helpFor(first) && isMentionQuestion(parsed.text)) return onMentionQuestion(turn, t, where, log);
  return onCommand(turn, t, where, log);
}

/**
 * A question by mention. The asker is answered as a command is: Teams has no message only one person sees
 * in a channel, so what they are told (where the question went, when to expect an answer) goes into the
 * thread of their message. In a 1:1 chat the answer is the refusal: questions belong in a team's channel.
 */
async function onMentionQuestion(turn: TurnContext, t: TeamsTurnDeps, where: Where, log: Logger): Promise<void> {
  const a = turn.activity;
  const started = performance.now();
  const ctx = commandContext(a, where);
  let reply: Message;
  try {
    // Other people's mentions stay in the question as "@Name"; po-desk's own is how it reached us.
    const text = readableTeamsText(a.text ?? '', (a.entities ?? []) as MentionEntity[], a.recipient.id).replace(/\s+/g, ' ').trim();
    reply = await askQuestion(ctx, turnDeps(t, a, where, new Map()), text, 'mention', ctx.requestKey);
  } catch (error) {
    reply = replyForError(error, log);
  }
  await enqueueReply(t, where, reply);
  t.metrics.ackSeconds.observe({ platform: 'teams', kind: 'mention' }, (performance.now() - started) / 1000);
}

/**
 * A reply in a channel thread that does not mention po-desk (delivered thanks to ChannelMessage.Read.Group):
 * in a question's thread, the PO's (or the person the PO asked) is the answer. Nobody is answered either way,
 * so a failure is only logged; the question stays open and the PO can still answer from the card.
 */
async function onThreadReply(turn: TurnContext, t: TeamsTurnDeps, where: Where, rootId: string, log: Logger): Promise<void> {
  const a = turn.activity;
  const text = readableTeamsText(a.text ?? '', (a.entities ?? []) as MentionEntity[], a.recipient.id);
  try {
    await threadReply(commandContext(a, where), turnDeps(t, a, where, new Map()), { messageId: rootId }, text);
  } catch (error) {
    log.error({ err: error, thread: rootId }, 'teams: a reply in a thread could not be read as an answer');
  }
  if (detectWorkRequest(text).isRequest) await onChannelMessage(turn, t, where, rootId, log);
}

/**
 * A channel message (ChannelMessage.Read.Group) that reads like a work request: screened against the team's
 * roster and the channel's interception mode. Nobody is answered when it fails; it is logged.
 */
async function onChannelMessage(turn: TurnContext, t: TeamsTurnDeps, where: Where, threadId: string, log: Logger): Promise<void> {
  const a = turn.activity;
  if (!a.id) return;
  const text = readableTeamsText(a.text ?? '', (a.entities ?? []) as MentionEntity[], a.recipient.id);
  try {
    await screenMessage(commandContext(a, where), turnDeps(t, a, where, new Map()), { text, messageId: a.id, threadId });
  } catch (error) {
    log.error({ err: error }, 'teams: could not screen a channel message for work requests');
  }
}

async function onCommand(turn: TurnContext, t: TeamsTurnDeps, where: Where, log: Logger): Promise<void> {
  const a = turn.activity;
  const started = performance.now();
  const known = new Map<string, UserProfile>();
  const deps = turnDeps(t, a, where, known);
  const { shown, sub, outcome } = await answerCommand(commandContext(a, where), deps, a.text ?? '', async () => {
    const entities = (a.entities ?? []) as MentionEntity[];
    const parsed = parseTeamsCommandText(a.text ?? '', entities, a.recipient.id);
    const { sub, args } = splitCommand(parsed.text);
    const userIds = await resolveMentions(t.connector, t.conversations, where, parsed.mentionedIds, known);
    return { sub, rest: args, userIds, text: takesFreeText(sub) ? readableArgs(a.text ?? '', entities, a.recipient.id, sub) : undefined };
  }, log);
  await show(turn, t, where, shown, log);
  t.metrics.commands.inc({ platform: 'teams', sub: sub || 'help', outcome });
  t.metrics.ackSeconds.observe({ platform: 'teams', kind: 'command' }, (performance.now() - started) / 1000);
}

/** The arguments of a command as the person reads them (mentions as "@Name"), or undefined if they cannot be told apart. */
function readableArgs(rawText: string, entities: MentionEntity[], botId: string, sub: string): string | undefined {
  const words = splitCommand(readableTeamsText(rawText, entities, botId).replace(/^\/?po(\s+|$)/i, ''));
  return words.sub === sub ? words.args : undefined;
}

/** An Action.Submit from a card in the conversation (an inline form, or a button on an older client). */
async function onCardSubmit(turn: TurnContext, t: TeamsTurnDeps, where: Where, log: Logger): Promise<void> {
  const a = turn.activity;
  const deps = turnDeps(t, a, where, new Map());
  const ctx = commandContext(a, where);
  const action = readTeamsAction(a.value);
  let next: Shown | Submitted;
  try {
    if (!action) throw unknownAction();
    next =
      action.kind === 'action'
        ? await runAction(ctx, deps, action.actionId, action.value)
        : await submitAndRender(ctx, deps, action.callbackId, action.metadata, a.value as Record<string, unknown>);
  } catch (error) {
    next = { kind: 'reply', message: replyForError(error, log) };
  }
  // Outside the use case's error boundary: once it has saved, failing to show it must not say "nothing changed".
  if ('card' in next) await replaceCardOrReply(turn, t, where, next.card, next.ifNotShown, log);
  else await show(turn, t, where, next, log);
}

/** A submitted form's next card, and what to say instead if Teams will not show it. */
interface Submitted {
  title: string;
  card: AdaptiveCard;
  ifNotShown: Message;
}

/** Submits a form: what to show next is the form again, as the person left it, with errors, or the outcome. */
async function submitAndRender(
  ctx: CommandContext,
  deps: Deps,
  callbackId: string,
  metadata: string | undefined,
  data: Record<string, unknown>,
): Promise<Submitted> {
  const form = await openForm(ctx, deps, callbackId);
  const values = readTeamsFormValues(form, data);
  const outcome = await submitForm(ctx, deps, callbackId, values, metadata);
  if (outcome.kind === 'invalid') {
    const again = withValues(form, values);
    return { title: form.title, card: renderTeamsFormCard(again, outcome.errors), ifNotShown: formNotShown(again, 'Teams did not take it back with your corrections') };
  }
  return { title: form.title, card: renderTeamsCard(outcome.message), ifNotShown: outcome.message };
}

/** The form as the person left it, so a correction does not mean typing everything again. */
function withValues(form: Form, values: FormValues): Form {
  return { ...form, inputs: form.inputs.map((input) => ({ ...input, initial: values[input.id] ?? undefined })) };
}

async function onInvoke(turn: TurnContext, t: TeamsTurnDeps, where: Where, log: Logger): Promise<void> {
  const a = turn.activity;
  const ctx = commandContext(a, where);
  const deps = turnDeps(t, a, where, new Map());
  const value = (a.value ?? {}) as { action?: { data?: unknown }; data?: unknown };
  switch (a.name) {
    case 'adaptiveCard/action': {
      // Action.Execute: the answer is the card that replaces the one clicked (universal actions). Forms
      // submit with Action.Submit, so an Execute always carries a button's action.
      const action = readTeamsAction(value.action?.data);
      try {
        if (!action || action.kind !== 'action') throw unknownAction();
        const shown = await runAction(ctx, deps, action.actionId, action.value);
        if (shown.kind === 'replace') return await respond(turn, 200, cardRefresh(renderTeamsCard(shown.message)));
        if (shown.kind === 'form') return await respond(turn, 200, cardRefresh(renderTeamsFormCard(shown.form)));
        await enqueueReply(t, where, shown.message);
        return await respond(turn, 200, { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: renderTeamsText(shown.message) });
      } catch (error) {
        return respond(turn, 200, { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: renderTeamsText(replyForError(error, log)) });
      }
    }
    case 'task/fetch': {
      // A form-opening button: the dialog shows the form.
      const action = readTeamsAction(value.data);
      try {
        if (!action || action.kind !== 'action') throw unknownAction();
        const shown = await runAction(ctx, deps, action.actionId, action.value);
        if (shown.kind === 'form') return await respond(turn, 200, dialog(shown.form.title, renderTeamsFormCard(shown.form)));
        return await respond(turn, 200, dialog('po-desk', renderTeamsCard(shown.message)));
      } catch (error) {
        return respond(turn, 200, dialog('po-desk', renderTeamsCard(replyForError(error, log))));
      }
    }
    case 'task/submit': {
      const action = readTeamsAction(value.data);
      try {
        if (!action || action.kind !== 'form') throw unknownForm();
        const next = await submitAndRender(ctx, deps, action.callbackId, action.metadata, (value.data ?? {}) as Record<string, unknown>);
        return await respond(turn, 200, dialog(next.title, next.card));
      } catch (error) {
        return respond(turn, 200, dialog('po-desk', renderTeamsCard(replyForError(error, log))));
      }
    }
    case 'composeExtension/submitAction':
      return onMessageAction(turn, t, where, log);
    default:
      // Not a 5xx: nothing failed on our side; the client asked for something po-desk does not offer.
      log.info('teams: unsupported invoke');
      return respond(turn, 400, { error: 'unsupported invoke' });
  }
}

/**
 * The message action "Ask the PO" (a message extension command with `fetchTask: false` and no parameters,
 * so Teams submits it at once, with the message it was used on as `messagePayload`): that message's text
 * becomes a question asked by whoever used the action, in the conversation it was used in. The answer is
 * a dialog only they see, as Slack's shortcut answers privately; outside a team's channel it is the refusal.
 */
async function onMessageAction(turn: TurnContext, t: TeamsTurnDeps, where: Where, log: Logger): Promise<void> {
  const a = turn.activity;
  const started = performance.now();
  const value = (a.value ?? {}) as { commandId?: unknown; messagePayload?: MessagePayload; botMessagePreviewAction?: unknown };
  const title = value.commandId === SEND_TO_INTAKE_COMMAND ? 'Send to PO intake' : 'Ask the PO';
  let reply: Message | undefined;
  try {
    if ((value.commandId !== ASK_PO_COMMAND && value.commandId !== SEND_TO_INTAKE_COMMAND) || value.botMessagePreviewAction !== undefined) throw unknownAction();
    const ctx = commandContext(a, where);
    const payload = value.messagePayload ?? {};
    // The bot's account id is "28:<app id>"; a message mentions the app by its app id.
    const text = messagePayloadText(payload, a.recipient.id.replace(/^28:/, ''));
    if (value.commandId === ASK_PO_COMMAND) {
      reply = await askQuestion(ctx, turnDeps(t, a, where, new Map()), text, 'shortcut', ctx.requestKey);
    } else {
      const known = new Map<string, UserProfile>();
      const author = payload.from?.user;
      // The message names its author: no roster lookup needed for them.
      if (author?.id) known.set(author.id, { platformUserId: author.id, displayName: author.displayName || 'Someone', timeZone: undefined, isBot: false, isAdmin: false, deleted: false });
      const messageId = payload.id ?? '';
      reply = await intakeFromMessage(ctx, turnDeps(t, a, where, known), {
        text,
        authorId: author?.id,
        messageId,
        threadId: payload.replyToId || threadRootOf(a.conversation.id) || messageId,
        link: payload.linkToMessage,
      }, 'shortcut');
    }
  } catch (error) {
    reply = replyForError(error, log);
  }
  await respond(turn, 200, dialog(title, renderTeamsCard(reply ?? NOT_SET_UP)));
  t.metrics.ackSeconds.observe({ platform: 'teams', kind: 'shortcut' }, (performance.now() - started) / 1000);
}

async function onConversationUpdate(turn: TurnContext, t: TeamsTurnDeps, where: Where): Promise<void> {
  const a = turn.activity;
  const added = a.membersAdded ?? [];
  const people = added.map((m) => seenUser(where, m)).filter((u) => u !== undefined);
  if (people.length > 0) await t.conversations.rememberUsers(people);
  if (added.some((m) => m.id === a.recipient.id)) await greetOnce(t, where);
}

/** The first time po-desk joins a conversation it introduces itself there, once, even if Teams retries. */
async function greetOnce(t: TeamsTurnDeps, where: Where): Promise<void> {
  if (!(await t.conversations.claimGreeting(where.conversationId))) return;
  const greeting = installGreeting(where.kind === 'personal' ? 'teams-personal' : 'teams');
  await postInConversation(t.deps.store, { platform: 'teams', workspaceExternalId: where.tenantId, channelId: where.conversationId }, greeting);
}

/**
 * Shows a use case's result for a message turn. Replies go through the outbox. Card updates and inline
 * forms go at once (they are UI); if Teams refuses them, what they would have said is queued as a reply.
 */
async function show(turn: TurnContext, t: TeamsTurnDeps, where: Where, shown: Shown, log: Logger): Promise<void> {
  if (shown.kind === 'reply') return enqueueReply(t, where, shown.message);
  if (shown.kind === 'replace') return replaceCardOrReply(turn, t, where, renderTeamsCard(shown.message), shown.message, log);
  // Teams opens dialogs only from a click, so a typed command shows its form inline in the conversation.
  try {
    await sendNow(t, where, cardMessage(renderTeamsFormCard(shown.form), shown.form.title));
  } catch (error) {
    log.warn({ err: error }, 'teams: could not show a form card; told the person in a reply');
    await enqueueReply(t, where, formNotShown(shown.form, 'Teams did not accept it'));
  }
}

function enqueueReply(t: TeamsTurnDeps, where: Where, message: Message): Promise<void> {
  return postInConversation(t.deps.store, { platform: 'teams', workspaceExternalId: where.tenantId, channelId: where.conversationId, threadId: where.threadId }, message);
}

/**
 * Updates the card that was clicked (Action.Submit carries its id as replyToId), or posts it if that is
 * unknown. If Teams refuses, `ifNotShown` goes out as a reply through the outbox, which retries.
 */
async function replaceCardOrReply(turn: TurnContext, t: TeamsTurnDeps, where: Where, card: AdaptiveCard, ifNotShown: Message, log: Logger): Promise<void> {
  const a = turn.activity;
  try {
    if (!a.replyToId) return await sendNow(t, where, cardMessage(card));
    await t.connector.updateActivity(where.serviceUrl, a.conversation.id, a.replyToId, cardMessage(card));
  } catch (error) {
    log.warn({ err: error }, 'teams: could not update the clicked card; told the person in a reply');
    await enqueueReply(t, where, ifNotShown);
  }
}

async function sendNow(t: TeamsTurnDeps, where: Where, activity: ConnectorActivity): Promise<void> {
  if (where.threadId) {
    await t.connector.replyToActivity(where.serviceUrl, threadConversationId({ id: where.conversationId, kind: where.kind }, where.threadId), where.threadId, activity);
  } else {
    await t.connector.sendToConversation(where.serviceUrl, where.conversationId, activity);
  }
}

const cardRefresh = (card: AdaptiveCard) => ({ statusCode: 200, type: ADAPTIVE_CARD, value: card });

const dialog = (title: string, card: AdaptiveCard) => ({
  task: { type: 'continue', value: { title, card: { contentType: ADAPTIVE_CARD, content: card } } },
});

async function respond(turn: TurnContext, status: number, body: unknown): Promise<void> {
  const value: InvokeResponse = { status, body };
  await turn.sendActivity({ type: ActivityTypes.InvokeResponse, value });
}
