import { businessMsBetween } from '../../domain/business-time.js';
import { isOwner, type PersonRef, type ProductState } from '../../domain/product.js';
import { MAX_QUESTION_CHARS, questionLabel, statusOf, validateAnswerText, type FirstResponseKind, type Question } from '../../domain/question.js';
import { truncate } from '../../messages/render-common.js';
import { context, message, section } from '../../messages/build.js';
import type { FormValues, Message } from '../../messages/model.js';
import { UserError } from '../../user-error.js';
import { lookupUser, toNewPerson, withProduct, type CommandContext, type Deps, type Loaded } from '../context.js';
import type { FormOutcome } from '../interactions.js';
import type { Tx } from '../ports.js';
import { mention } from '../replies.js';
import { personWorkspace, poCalendar, refreshQuestionMessages, teamWorkspace, viewOf } from './load.js';
import {
  anchorKeyOf, anchorMessage, answeredNotice, answerPost, customerKeyOf, customerMessage, handoffPost, onItPost, poMessage, type QuestionView,
} from './question-messages.js';

export const GONE = () => new UserError('question_gone', 'That question no longer exists in this product.');
const onlyPo = (state: ProductState) =>
  new UserError('question_po_only', `Only the Product Owner${state.owner ? ` (${state.owner.displayName})` : ''} can do that.`);

async function loadQuestion(loaded: Loaded, id: string): Promise<Question> {
  const q = await loaded.tx.questions.get(loaded.state.id, id);
  if (!q) throw GONE();
  return q;
}

async function withQuestion<T>(ctx: CommandContext, deps: Deps, id: string, fn: (loaded: Loaded, q: Question) => Promise<T>): Promise<T> {
  const out = await withProduct(ctx, deps, { create: false }, async (loaded) => fn(loaded, await loadQuestion(loaded, id)));
  if (out === undefined) throw GONE();
  return out;
}

/** Records the first response (once) with its waiting time in wall-clock and business time. */
async function firstResponse(tx: Tx, state: ProductState, q: Question, kind: FirstResponseKind, at: Date): Promise<Question> {
  if (q.firstResponseAt) return q;
  const { cal } = await poCalendar(tx, state, q.askedAt);
  const businessSec = Math.round(businessMsBetween(cal, q.askedAt, at) / 1000);
  const wallSec = Math.round(Math.max(0, at.getTime() - q.askedAt.getTime()) / 1000);
  const first = await tx.questions.recordFirstResponse(q.id, { at, kind, businessSec, wallSec });
  return first ? { ...q, firstResponseAt: at, firstResponseKind: kind } : q;
}

async function postInThread(tx: Tx, state: ProductState, q: Question, m: Message): Promise<void> {
  const ws = await teamWorkspace(tx, state, q.teamId);
  const team = state.teams.find((t) => t.id === q.teamId)!;
  await tx.enqueue(ws, { kind: 'post', channelId: team.channelId, threadKey: anchorKeyOf(q.id), message: m });
}

/** "I'm on it": a first response without an answer yet; the team thread is told. */
export async function markOnIt(ctx: CommandContext, deps: Deps, id: string): Promise<Message> {
  const now = deps.clock.now();
  return withQuestion(ctx, deps, id, async ({ tx, state, caller }, q) => {
    if (!isOwner(state, caller.id)) throw onlyPo(state);
    if (q.resolvedAt) return poMessage(await viewOf(tx, state, q));
    const next = await firstResponse(tx, state, q, 'on-it', now);
    const v = await viewOf(tx, state, next);
    if (next !== q) {
      await postInThread(tx, state, next, onItPost(v));
      await refreshQuestionMessages(tx, state, v, { po: false });
      await tx.audit(state.id, caller.id, 'question.on-it', { question: q.id });
    }
    return poMessage(v);
  });
}

/** The answer form's submission: the answer goes in the question's thread, the asker is mentioned. */
export async function submitAnswer(ctx: CommandContext, deps: Deps, id: string | undefined, values: FormValues): Promise<FormOutcome> {
  return answerFrom(ctx, deps, id, values, 'po');
}

/** The answer of the person the PO handed the question to. */
export async function submitCustomerAnswer(ctx: CommandContext, deps: Deps, id: string | undefined, values: FormValues): Promise<FormOutcome> {
  return answerFrom(ctx, deps, id, values, 'customer');
}

async function answerFrom(ctx: CommandContext, deps: Deps, id: string | undefined, values: FormValues, as: 'po' | 'customer'): Promise<FormOutcome> {
  const valid = validateAnswerText(values.answer ?? '');
  if (!valid.ok) return { kind: 'invalid', errors: { answer: valid.problem } };
  if (!id) throw GONE();
  const now = deps.clock.now();
  return withQuestion(ctx, deps, id, async ({ tx, state, caller }, q) => {
    const mayAnswer = as === 'po' ? isOwner(state, caller.id) : q.handedToId === caller.id || isOwner(state, caller.id);
    if (!mayAnswer) {
      throw as === 'po' ? onlyPo(state) : new UserError('question_not_yours', 'Only the person the PO asked (or the PO) can answer this question here.');
    }
    const next = await recordAnswer(tx, state, q, caller, valid.text, now, as === 'po' ? 'answer' : 'handoff');
    const v = await viewOf(tx, state, next);
    await postInThread(tx, state, next, answerPost(v, caller, valid.text, as === 'po' || isOwner(state, caller.id)));
    await tellAskerIfMentionsAreSilent(tx, state, v, caller);
    await refreshQuestionMessages(tx, state, v);
    if (q.handedToId) {
      const ws = await personWorkspace(tx, state, q.handedToId);
      await tx.enqueue(ws, { kind: 'update', messageKey: customerKeyOf(q.id), message: customerMessage(v, undefined) });
    }
    await tx.audit(state.id, caller.id, 'question.answered', { question: q.id, by: as });
    return {
      kind: 'done',
      message: message(
        section(`Your answer to ${questionLabel(q)} is posted in the question’s thread in team ${v.team.name}’s channel, where `, mention(v.asker), ' is told.'),
        context('The question stays open until the asker (or the PO) marks it resolved.'),
      ),
    };
  });
}

/**
 * On Slack the answer's mention of the asker notifies them. A Teams card cannot mention anyone, so there
 * the asker hears of the answer in their chat with po-desk.
 */
async function tellAskerIfMentionsAreSilent(tx: Tx, state: ProductState, v: QuestionView, by: PersonRef): Promise<void> {
  const ws = await teamWorkspace(tx, state, v.q.teamId);
  if (ws.platform !== 'teams') return;
  await tx.enqueue(ws, { kind: 'dm', userId: v.asker.platformUserId, message: answeredNotice(v, by) });
}

async function recordAnswer(tx: Tx, state: ProductState, q: Question, by: PersonRef, text: string, now: Date, kind: FirstResponseKind): Promise<Question> {
  const next = await firstResponse(tx, state, q, kind, now);
  // The first answer's time is what latency is about; a later answer ("Answer again") replaces the text.
  const answeredAt = q.answeredAt ?? now;
  await tx.questions.update(q.id, { answeredAt, answeredById: by.id, answerText: text });
  return { ...next, answeredAt, answeredById: by.id, answerText: text };
}

/** A reply typed in the question's thread: from the PO (or the person asked) it is the answer. */
export async function threadReply(ctx: CommandContext, deps: Deps, thread: { messageId: string }, text: string): Promise<void> {
  const now = deps.clock.now();
  // Most thread replies are not in a question's thread: find out before looking anyone up.
  const anchored = await deps.store.transaction((tx) => tx.questions.byAnchor(ctx.platform, ctx.workspaceExternalId, ctx.channelId, thread.messageId));
  if (!anchored || anchored.resolvedAt || anchored.answeredAt) return;
  await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller }) => {
    if (anchored.productId !== state.id) return;
    const q = await tx.questions.get(state.id, anchored.id);
    // Once answered, later messages in the thread are conversation ("Thanks, Sam!"), not new answers.
    if (!q || q.resolvedAt || q.answeredAt) return;
    const isPo = isOwner(state, caller.id);
    if (!isPo && q.handedToId !== caller.id) return;
    const trimmed = truncate(text.trim(), MAX_QUESTION_CHARS);
    if (trimmed === '') return;
    const next = await recordAnswer(tx, state, q, caller, trimmed, now, isPo ? 'thread-reply' : 'handoff');
    const v = await viewOf(tx, state, next);
    await tellAskerIfMentionsAreSilent(tx, state, v, caller);
    await refreshQuestionMessages(tx, state, v);
    await tx.audit(state.id, caller.id, 'question.answered', { question: q.id, by: isPo ? 'po-thread' : 'customer-thread' });
  });
}

/** "Ask a customer": the person named gets the question with a button that answers into the same thread. */
export async function submitHandoff(ctx: CommandContext, deps: Deps, id: string | undefined, values: FormValues): Promise<FormOutcome> {
  const userId = values.person;
  if (!userId) return { kind: 'invalid', errors: { person: 'Pick the person who knows the answer.' } };
  if (!id) throw GONE();
  const note = values.note?.trim() || undefined;
  if (note && note.length > 1000) return { kind: 'invalid', errors: { note: `A note is at most 1,000 characters (this one has ${note.length}).` } };
  // Read the profile before the transaction: network calls never hold one open.
  const profile = await lookupUser(deps.directory, userId);
  if (profile.isBot || profile.deleted) return { kind: 'invalid', errors: { person: 'Pick a person, not a bot or a deactivated account.' } };
  const now = deps.clock.now();
  return withQuestion(ctx, deps, id, async ({ tx, state, caller, workspace }, q) => {
    if (!isOwner(state, caller.id)) throw onlyPo(state);
    if (q.resolvedAt) throw new UserError('question_resolved', `${questionLabel(q)} is already resolved.`);
    if (q.handedToId) {
      const [earlier] = await tx.personsByIds(state.id, [q.handedToId]);
      throw new UserError('question_handed_off', `${questionLabel(q)} is already with ${earlier?.displayName ?? 'someone you asked'}: answer it yourself with Answer if they cannot.`);
    }
    const [to] = await tx.ensurePersons(state.id, workspace.id, [toNewPerson(profile)]);
    if (to!.id === caller.id) return { kind: 'invalid', errors: { person: 'That is you: use Answer instead.' } };
    if (to!.id === q.askerId) return { kind: 'invalid', errors: { person: 'That is who asked: pick the person who knows the answer.' } };
    const responded = await firstResponse(tx, state, q, 'handoff', now);
    await tx.questions.update(q.id, { handedToId: to!.id, handedOffAt: now });
    const v = await viewOf(tx, state, { ...responded, handedToId: to!.id, handedOffAt: now });
    await postInThread(tx, state, q, handoffPost(v, to!));
    await tx.enqueue(workspace, {
      kind: 'dm',
      userId: to!.platformUserId,
      messageKey: customerKeyOf(q.id),
      message: customerMessage(v, note),
      // If they can never be reached, the PO learns it (and can answer instead).
      reportTo: { userId: ctx.userId, channelId: ctx.channelId, recipientName: to!.displayName, platform: ctx.platform, workspaceExternalId: ctx.workspaceExternalId },
    });
    await refreshQuestionMessages(tx, state, v);
    await tx.audit(state.id, caller.id, 'question.handed-off', { question: q.id, to: to!.id });
    return {
      kind: 'done',
      message: message(section('I sent ', mention(to!), ` ${questionLabel(q)} with a button to answer in the team’s thread, and told the team.`)),
    };
  });
}

/** Mark resolved / reopen, from the anchor message: for the asker and the PO. */
export async function setResolved(ctx: CommandContext, deps: Deps, id: string, resolved: boolean): Promise<Message> {
  const now = deps.clock.now();
  return withQuestion(ctx, deps, id, async ({ tx, state, caller }, q) => {
    const v0 = await viewOf(tx, state, q);
    if (caller.id !== q.askerId && !isOwner(state, caller.id)) {
      throw new UserError('question_resolve_refused', `Only ${v0.asker.displayName}, who asked, or the Product Owner can ${resolved ? 'mark this question resolved' : 'reopen this question'}.`);
    }
    if ((q.resolvedAt !== undefined) === resolved) return anchorMessage(v0);
    const change = resolved ? { resolvedAt: now, resolvedById: caller.id } : { resolvedAt: null, resolvedById: null };
    await tx.questions.update(q.id, change);
    const next: Question = { ...q, resolvedAt: resolved ? now : undefined, resolvedById: resolved ? caller.id : undefined };
    const v = await viewOf(tx, state, next);
    // The click's answer replaces the anchor at once; the queued update also supersedes any older look
    // of it still waiting in the outbox (a retry must not bring back "Answered" over "Resolved").
    await refreshQuestionMessages(tx, state, v);
    await tx.audit(state.id, caller.id, resolved ? 'question.resolved' : 'question.reopened', { question: q.id, status: statusOf(next) });
    return anchorMessage(v);
  });
}
