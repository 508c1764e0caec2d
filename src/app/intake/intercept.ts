import { itemLabel, MAX_DETAIL_CHARS, statusWords, titleFromMessage, type InterceptMode } from '../../domain/intake.js';
import { authorize, isAdmin, isOwner, teamOfChannel } from '../../domain/product.js';
import { detectWorkRequest } from '../../domain/request-detector.js';
import { bold, code, context, message, section } from '../../messages/build.js';
import type { Message } from '../../messages/model.js';
import { truncate } from '../../messages/render-common.js';
import { UserError } from '../../user-error.js';
import { withProduct, type CommandContext, type Deps, type Loaded } from '../context.js';
import type { Interception } from '../ports.js';
import { NOT_SET_UP, refusalMessage } from '../replies.js';
import { nudgeAnswered, nudgeMessage, notRequestPost, threadPostKeyOf, withdrawnNotice } from './intake-messages.js';
import { itemView } from './load.js';
import { personWorkspace, teamWorkspace } from '../questions/load.js';
import { announce, recordCreated, sourceKeyOf } from './request-work.js';
import { refreshPoMessage } from './triage.js';

/** A human message posted in a channel, as the adapter read it. */
export interface ChannelMessage {
  text: string;
  messageId: string;
  /** Its thread root (its own id for a top-level message). */
  threadId: string;
}

/**
 * Screens a message in a team's channel. A message by someone not on that team's roster (nor the PO)
 * that reads as a work request is handled per the channel's mode: `nudge` tells the author privately,
 * with a button to send it to the intake; `auto` puts it in the intake and tells the thread. The detector
 * runs first, so most messages cost nothing. Never throws for a message that is simply not a request.
 */
export async function screenMessage(ctx: CommandContext, deps: Deps, m: ChannelMessage): Promise<void> {
  if (ctx.inDirectMessage) return;
  const detection = detectWorkRequest(m.text);
  if (!detection.isRequest) return;
  const now = deps.clock.now();
  await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller, workspace }) => {
    const team = teamOfChannel(state, ctx.channelId);
    if (!team || team.memberIds.includes(caller.id) || isOwner(state, caller.id)) return;
    const mode = await tx.intake.interceptMode(team.id);
    if (mode === 'off') return;
    // A reply under po-desk's own message (a question, an intake post) is that conversation, not a new request.
    if (m.threadId !== m.messageId && (await tx.intake.isOwnMessage(ctx.platform, ctx.workspaceExternalId, ctx.channelId, m.threadId))) return;
    const sourceKey = sourceKeyOf(ctx, m.messageId);
    if (await tx.intake.bySourceKey(sourceKey)) return; // already sent to the intake by hand
    const { interception, created } = await tx.intake.intercept({
      productId: state.id,
      teamId: team.id,
      sourceKey,
      platform: ctx.platform,
      workspaceId: ctx.workspaceExternalId,
      channelId: ctx.channelId,
      messageId: m.messageId,
      threadId: m.threadId,
      authorId: caller.id,
      text: truncate(m.text.trim(), MAX_DETAIL_CHARS),
      signals: detection.signals,
      reason: detection.reason,
      mode,
      outcome: mode === 'auto' ? 'auto' : 'nudged',
      itemId: undefined,
      at: now,
    });
    if (!created) return;
    await tx.audit(state.id, caller.id, 'intake.intercepted', { interception: interception.id, team: team.id, mode, signals: detection.signals });
    if (mode === 'nudge') {
      await tx.enqueue(workspace, { kind: 'ephemeral', channelId: ctx.channelId, userId: ctx.userId, message: nudgeMessage(team, detection.reason, interception.id) });
      return;
    }
    await intakeInterception({ tx, state, caller, workspace, actor: { personId: caller.id, isWorkspaceAdmin: false } }, interception, now, 'auto');
  });
}

/** Puts an intercepted message into the intake and tells its thread (with "Not a work request"). */
async function intakeInterception(loaded: Loaded, i: Interception, now: Date, how: 'auto' | 'sent') {
  const { tx, state, workspace } = loaded;
  const { item } = await tx.intake.create({
    productId: state.id,
    title: titleFromMessage(i.text),
    problem: i.text,
    value: undefined,
    urgency: 'normal',
    neededBy: undefined,
    link: undefined,
    source: 'intercept',
    teamId: i.teamId,
    requesterId: i.authorId,
    createdById: loaded.caller.id,
    createdAt: now,
    origin: { platform: i.platform, workspaceId: i.workspaceId, channelId: i.channelId, threadId: i.threadId },
    sourceKey: sourceKeyOf({ platform: i.platform, workspaceExternalId: i.workspaceId, channelId: i.channelId }, i.messageId),
  });
  await tx.intake.updateInterception(i.id, { outcome: how, itemId: item.id });
  await recordCreated(tx, state, item, loaded.caller, 'intercept');
  const v = await itemView(tx, state, item, now);
  const [author] = await tx.personsByIds(state.id, [i.authorId]);
  await announce(tx, state, workspace, v, {
    by: author ?? loaded.caller,
    how,
    thread: v.team ? { channelId: v.team.channelId, threadId: i.threadId } : undefined,
    reason: i.reason,
    interceptionId: i.id,
  });
  return item;
}

/** The nudge's "Send to PO intake": the author sends the caught message to the intake after all. */
export async function sendIntercepted(ctx: CommandContext, deps: Deps, interceptionId: string): Promise<Message> {
  const now = deps.clock.now();
  const out = await withProduct(ctx, deps, { create: false }, async (loaded) => {
    const i = await loaded.tx.intake.interception(loaded.state.id, interceptionId);
    if (!i) throw new UserError('interception_gone', 'That message is no longer known to po-desk.');
    if (i.authorId !== loaded.caller.id) throw new UserError('interception_not_yours', 'Only the person who wrote the message can send it to the intake from here.');
    if (i.outcome === 'not-a-request') return nudgeAnswered('You marked this as not a work request, so nothing was sent.');
    if (i.itemId) {
      const [item] = await loaded.tx.intake.list(loaded.state.id, { ids: [i.itemId] });
      return nudgeAnswered(`This is already in the PO’s intake as ${item ? `${itemLabel(item)} (${statusWords(item.status)})` : 'a request'}.`);
    }
    const item = await intakeInterception(loaded, i, now, 'sent');
    return message(
      section(`📥 Sent to the PO’s intake as ${itemLabel(item)}. Thank you!`),
      context('I told the thread, so the team knows not to start it before the PO decides. You hear the decision in a direct message.'),
    );
  });
  return out ?? NOT_SET_UP;
}

/**
 * "Not a work request": anyone on the team (or the author, the PO, an admin) undoes an interception.
 * The item, if one was made, is withdrawn while the PO has not decided; the miss is recorded.
 */
export async function notAWorkRequest(ctx: CommandContext, deps: Deps, interceptionId: string): Promise<Message> {
  const now = deps.clock.now();
  const out = await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller, actor }) => {
    const i = await tx.intake.interception(state.id, interceptionId);
    if (!i) throw new UserError('interception_gone', 'That message is no longer known to po-desk.');
    const team = state.teams.find((t) => t.id === i.teamId);
    const may = i.authorId === caller.id || isOwner(state, caller.id) || isAdmin(state, actor) || (team?.memberIds.includes(caller.id) ?? false);
    if (!may) throw new UserError('not_request_refused', `Only someone on team ${team?.name ?? 'this team'}, the person who wrote it, or the PO can say this is not a work request.`);
    const item = i.itemId ? await tx.intake.get(state.id, i.itemId) : undefined;
    if (i.outcome === 'not-a-request') return i.mode === 'nudge' && i.authorId === caller.id ? nudgeAnswered('Noted: not a work request.') : notRequestPost(item?.number, caller);
    if (item && item.status !== 'new' && item.status !== 'needs-info') {
      throw new UserError('intake_already_decided', `The PO has already decided about ${itemLabel(item)} (${statusWords(item.status)}), so it stays as it is.`);
    }
    await tx.intake.updateInterception(i.id, { outcome: 'not-a-request', undoneById: caller.id, undoneAt: now });
    await tx.audit(state.id, caller.id, 'intake.not-a-request', { interception: i.id, signals: i.signals, item: item?.id });
    if (!item) return nudgeAnswered('Noted: not a work request. Thanks — that helps po-desk catch requests better.');
    await tx.intake.update(item.id, { status: 'withdrawn', decidedAt: now, decidedById: caller.id });
    await tx.intake.addEvent({ itemId: item.id, action: 'withdrawn', actorId: caller.id, at: now, note: undefined, details: { interception: i.id } });
    const withdrawn = { ...item, status: 'withdrawn' as const, decidedAt: now, decidedById: caller.id };
    const post = notRequestPost(item.number, caller);
    if (team) await tx.enqueue(await teamWorkspace(tx, state, team.id), { kind: 'update', messageKey: threadPostKeyOf(item.id), message: post });
    if (item.poNotifiedAt && state.owner) {
      await refreshPoMessage(tx, state, withdrawn, now);
      const v = await itemView(tx, state, withdrawn, now);
      await tx.enqueue(await personWorkspace(tx, state, state.owner.id), { kind: 'dm', userId: state.owner.platformUserId, message: withdrawnNotice(v, caller) });
    }
    return post;
  });
  return out ?? NOT_SET_UP;
}

/** `/po intercept [off|nudge|auto]` in a team's channel: shows or sets how work requests there are caught. */
export async function interceptMode(ctx: CommandContext, deps: Deps, mode: InterceptMode | undefined): Promise<Message> {
  const out = await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller, actor }) => {
    const team = ctx.inDirectMessage ? undefined : teamOfChannel(state, ctx.channelId);
    if (!team) throw new UserError('intercept_needs_team', 'Interception is set per team channel: run `/po intercept` in the team’s channel.');
    const current = await tx.intake.interceptMode(team.id);
    if (mode === undefined) return message(section(`Work requests in team ${team.name}’s channel: `, bold(current), ` — ${MODE_WORDS[current]}`), context('Change it with ', code('/po intercept off|nudge|auto'), '.'));
    const allowed = authorize(state, actor, { kind: 'team', team });
    if (!allowed.allowed) return refusalMessage(`change how work requests are caught in team ${team.name}’s channel`, allowed.whoMay);
    if (mode === current) return message(section(`It already is `, bold(mode), ` — ${MODE_WORDS[mode]}`));
    await tx.intake.setInterceptMode(team.id, mode);
    await tx.audit(state.id, caller.id, 'intake.intercept-mode', { team: team.id, from: current, to: mode });
    return message(section(`Done: work requests in team ${team.name}’s channel are now `, bold(mode), ` — ${MODE_WORDS[mode]}`), context(`It was ${current}. Undo with `, code(`/po intercept ${current}`), '.'));
  });
  return out ?? NOT_SET_UP;
}

const MODE_WORDS: Record<InterceptMode, string> = {
  off: 'not caught: people post what they like.',
  nudge: 'people not on the team get a private note suggesting the PO’s intake, with a button to send it there.',
  auto: 'messages from people not on the team that read like work requests go straight into the PO’s intake, and the thread is told.',
};

