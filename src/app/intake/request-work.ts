import { itemLabel, statusWords, titleFromMessage, validateRequest, MAX_DETAIL_CHARS, type IntakeItem, type IntakeSource } from '../../domain/intake.js';
import { teamOfChannel, type PersonRef, type ProductState } from '../../domain/product.js';
import { localDate } from '../../domain/zoned-time.js';
import { message, section } from '../../messages/build.js';
import type { FormValues, Message } from '../../messages/model.js';
import { truncate } from '../../messages/render-common.js';
import { UserError } from '../../user-error.js';
import { lookupUser, toNewPerson, withProduct, type CommandContext, type Deps } from '../context.js';
import type { FormOutcome } from '../interactions.js';
import type { Tx, WorkspaceRef } from '../ports.js';
import { NOT_SET_UP } from '../replies.js';
import { createdConfirmation, requestForm, threadPost, threadPostKeyOf } from './intake-messages.js';
import { itemView, type ItemView } from './load.js';
import { personWorkspace } from '../questions/load.js';

/** `/po request [title]`: the request form, with the title filled in when one was typed. */
export const openRequestForm = (title: string | undefined) => requestForm(title?.trim() || undefined);

/** The request form's submission: a new item in the queue; the requester is told its number and what happens next. */
export async function submitRequest(ctx: CommandContext, deps: Deps, values: FormValues): Promise<FormOutcome> {
  const now = deps.clock.now();
  // "Today" where it is latest on Earth (UTC+14): a needed-by date is never refused as past while it is
  // still that day somewhere, whatever the requester's zone.
  const valid = validateRequest(values, localDate(now, 'Pacific/Kiritimati'));
  if (!valid.ok) return { kind: 'invalid', errors: valid.errors };
  const out = await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller }) => {
    const team = ctx.inDirectMessage ? undefined : teamOfChannel(state, ctx.channelId);
    const { item } = await tx.intake.create({
      productId: state.id,
      ...valid.value,
      source: 'form',
      teamId: team?.id,
      requesterId: caller.id,
      createdById: caller.id,
      createdAt: now,
      origin: undefined,
      sourceKey: ctx.requestKey,
    });
    await recordCreated(tx, state, item, caller, 'form');
    return { kind: 'done' as const, message: createdConfirmation(await itemView(tx, state, item, now)) };
  });
  if (!out) throw new UserError('not_set_up', 'po-desk is not set up in this workspace yet: start with `/po owner @someone`.');
  return out;
}

export async function recordCreated(tx: Tx, state: ProductState, item: IntakeItem, by: PersonRef, source: IntakeSource): Promise<void> {
  await tx.intake.addEvent({ itemId: item.id, action: 'created', actorId: by.id, at: item.createdAt, note: undefined, details: { source } });
  await tx.audit(state.id, by.id, 'intake.created', { item: item.id, number: item.number, source });
}

/** A chat message someone wants in the intake (a shortcut, a reaction, a message extension). */
export interface SourceMessage {
  text: string;
  /** The author's platform user id (the requester); undefined for a bot's or an app's message. */
  authorId: string | undefined;
  messageId: string;
  /** The thread to answer in: the message's thread root, or the message itself. */
  threadId: string;
  link: string | undefined;
}

/** The identity of a platform message: one item per message, however often it is sent to the intake. */
export const sourceKeyOf = (ctx: Pick<CommandContext, 'platform' | 'workspaceExternalId' | 'channelId'>, messageId: string) =>
  `${ctx.platform}:${ctx.workspaceExternalId}:${ctx.channelId}:${messageId}`;

/**
 * "Send to PO intake" on a message, or the :inbox_tray: reaction: an item from that message, its author
 * the requester. In a team's channel the thread is told (the team must not start it yet); elsewhere the
 * author gets a direct message. The person who sent it is answered privately (the returned message).
 * A reaction says nothing when the message is already in the queue, or outside a team's channel.
 */
export async function intakeFromMessage(ctx: CommandContext, deps: Deps, source: SourceMessage, how: 'shortcut' | 'reaction'): Promise<Message | undefined> {
  const text = source.text.trim();
  if (text === '') throw new UserError('intake_empty_message', 'That message has no text to make a request from. Use `/po request` and describe what is needed.');
  const author = source.authorId ? await lookupUser(deps.directory, source.authorId) : undefined;
  if (!author || author.isBot) throw new UserError('intake_bot_message', 'That message is from a bot. Requests come from people: use `/po request` to describe what is needed.');
  const now = deps.clock.now();
  const reply = await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller, workspace }) => {
    const [requester] = await tx.ensurePersons(state.id, workspace.id, [toNewPerson(author)]);
    const team = ctx.inDirectMessage ? undefined : teamOfChannel(state, ctx.channelId);
    if (how === 'reaction' && !team) return undefined;
    const sourceKey = sourceKeyOf(ctx, source.messageId);
    const { item, created } = await tx.intake.create({
      productId: state.id,
      title: titleFromMessage(text),
      problem: truncate(text, MAX_DETAIL_CHARS),
      value: undefined,
      urgency: 'normal',
      neededBy: undefined,
      link: source.link,
      source: how,
      teamId: team?.id,
      requesterId: requester!.id,
      createdById: caller.id,
      createdAt: now,
      origin: { platform: ctx.platform, workspaceId: ctx.workspaceExternalId, channelId: ctx.channelId, threadId: source.threadId },
      sourceKey,
    });
    if (!created) {
      if (how === 'reaction') return undefined;
      return message(section(`This message is already in the PO’s intake as ${itemLabel(item)} (${statusWords(item.status)}).`));
    }
    await recordCreated(tx, state, item, caller, how);
    // A nudge about the same message is settled: it was sent.
    const caught = await tx.intake.interceptionBySourceKey(sourceKey);
    if (caught && caught.outcome === 'nudged') await tx.intake.updateInterception(caught.id, { outcome: 'sent', itemId: item.id });
    const v = await itemView(tx, state, item, now);
    await announce(tx, state, workspace, v, { by: caller, how: 'sent', thread: v.team ? { channelId: v.team.channelId, threadId: source.threadId } : undefined });
    return message(
      section(`📥 Sent to the PO’s intake as ${itemLabel(item)}`, requester!.id === caller.id ? '.' : `, with ${requester!.displayName} as the requester.`),
      section(v.team ? 'I told the thread, so the team knows not to start it before the PO decides.' : `I told ${requester!.id === caller.id ? 'you' : requester!.displayName} in a direct message.`),
    );
  });
  if (reply === undefined && how === 'shortcut') return NOT_SET_UP;
  return reply;
}

/**
 * Tells the thread of the message an item came from (in a team channel), or the requester directly. The
 * thread post carries "Not a work request" when it came from an interception.
 */
export async function announce(
  tx: Tx,
  state: ProductState,
  workspace: WorkspaceRef,
  v: ItemView,
  o: { by: PersonRef; how: 'sent' | 'auto'; thread: { channelId: string; threadId: string } | undefined; reason?: string; interceptionId?: string },
): Promise<void> {
  if (o.thread) {
    const post = threadPost(v, o.by, o.how, o.reason, o.interceptionId);
    await tx.enqueue(workspace, { kind: 'post', channelId: o.thread.channelId, threadId: o.thread.threadId, messageKey: threadPostKeyOf(v.item.id), message: post });
  } else if (v.requester.id !== o.by.id && v.requester.platformUserId !== '') {
    await tx.enqueue(await personWorkspace(tx, state, v.requester.id), { kind: 'dm', userId: v.requester.platformUserId, message: createdConfirmation(v) });
  }
}
