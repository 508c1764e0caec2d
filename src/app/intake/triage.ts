import { isOpen, itemLabel, mayDecide, parsePosition, rankFor, statusWords, validateNote, type Decision, type IntakeItem } from '../../domain/intake.js';
import { isOwner, type PersonRef, type ProductState } from '../../domain/product.js';
import { context, message, section } from '../../messages/build.js';
import type { Form, FormValues, Message } from '../../messages/model.js';
import { UserError } from '../../user-error.js';
import type { CommandContext, Deps, Loaded } from '../context.js';
import type { FormOutcome } from '../interactions.js';
import type { Tx } from '../ports.js';
import { personWorkspace } from '../questions/load.js';
import {
  acceptedNotice, acceptForm, answeredToPo, answerForm, declinedNotice, declineForm, duplicateForm, mergedIntoYoursNotice, mergedNotice,
  needInfoForm, poBatchMessage, questionNotice, shippedNotice, unmergedNotice,
} from './intake-messages.js';
import { itemView, probeOf, tellPeople, withItem, type ItemView } from './load.js';

const onlyPo = (state: ProductState) =>
  new UserError('intake_po_only', `Only the Product Owner${state.owner ? ` (${state.owner.displayName})` : ''} can decide about requests in the intake. Nothing was changed.`);

/** A decision that no longer fits the item (a second click, racing the first, finds it already made). */
function alreadyDecided(item: IntakeItem, decision: Decision, v?: ItemView): UserError {
  const by = v?.decidedBy ? ` by ${v.decidedBy.displayName}` : '';
  if (decision === 'shipped' && item.status !== 'shipped') return new UserError('intake_not_accepted', `${itemLabel(item)} is ${statusWords(item.status)}: only accepted requests can be marked shipped.`);
  return new UserError('intake_already_decided', `${itemLabel(item)} is already ${statusWords(item.status)}${by}, so nothing was changed.`);
}

/** The PO, deciding about an item whose status allows it; anyone else, or a stale click, is refused. */
async function checkDecision(loaded: Loaded, item: IntakeItem, decision: Decision, now: Date): Promise<void> {
  if (!isOwner(loaded.state, loaded.caller.id)) throw onlyPo(loaded.state);
  if (!mayDecide(decision, item.status)) throw alreadyDecided(item, decision, await itemView(loaded.tx, loaded.state, item, now));
}

/** Queues the new look of the PO's DM holding the item (with the other items of its batch). */
export async function refreshPoMessage(tx: Tx, state: ProductState, item: IntakeItem, now: Date): Promise<void> {
  if (!item.poMessageKey || !state.owner) return;
  const batch = await tx.intake.list(state.id, { poMessageKey: item.poMessageKey });
  const views = [];
  for (const b of batch) views.push(await itemView(tx, state, b.id === item.id ? item : b, now, { suggestions: true }));
  await tx.enqueue(await personWorkspace(tx, state, state.owner.id), { kind: 'update', messageKey: item.poMessageKey, message: poBatchMessage(views) });
}

async function recordDecision(tx: Tx, state: ProductState, by: PersonRef, item: IntakeItem, action: string, note: string | undefined, now: Date, details: Record<string, unknown> = {}) {
  await tx.intake.addEvent({ itemId: item.id, action, actorId: by.id, at: now, note, details: { from: item.status, ...details } });
  await tx.audit(state.id, by.id, `intake.${action}`, { item: item.id, number: item.number, from: item.status, ...(note ? { note } : {}), ...details });
}

// ---------------------------------------------------------------------------------------------
// Forms the triage buttons open
// ---------------------------------------------------------------------------------------------

/** The form behind a triage button, for the PO and an item the decision still fits. */
export async function openTriageForm(ctx: CommandContext, deps: Deps, decision: 'accept' | 'decline' | 'need-info' | 'duplicate', id: string): Promise<Form> {
  const now = deps.clock.now();
  return withItem(ctx, deps, id, async (loaded, item) => {
    await checkDecision(loaded, item, decision, now);
    const { tx, state } = loaded;
    switch (decision) {
      case 'accept':
        return acceptForm(item, await tx.intake.backlog(state.id));
      case 'decline':
        return declineForm(item);
      case 'need-info':
        return needInfoForm(item);
      case 'duplicate': {
        const suggested = await tx.intake.similar(state.id, probeOf(item), [item.id], 5);
        const open = await tx.intake.list(state.id, { statuses: ['new', 'needs-info', 'accepted'] });
        const ids = new Set(suggested.map((s) => s.item.id));
        const candidates = [...suggested.map((s) => ({ item: s.item, suggested: true })), ...open.filter((o) => o.id !== item.id && !ids.has(o.id)).reverse().map((o) => ({ item: o, suggested: false }))];
        if (candidates.length === 0) throw new UserError('intake_nothing_to_merge', `There is no other open request to merge ${itemLabel(item)} into.`);
        return duplicateForm(item, candidates);
      }
    }
  });
}

/** "Answer" on the PO's question: for the people who asked for the item. */
export async function openAnswerForm(ctx: CommandContext, deps: Deps, id: string): Promise<Form> {
  return withItem(ctx, deps, id, async ({ tx, caller }, item) => {
    const requesters = await tx.intake.requesters([item.id]);
    if (!requesters.some((r) => r.personId === caller.id)) throw new UserError('intake_not_requester', 'Only the people who asked for this request can answer the PO’s question about it.');
    if (item.status !== 'needs-info') throw new UserError('intake_no_question', `The PO has no open question about ${itemLabel(item)} (it is ${statusWords(item.status)}).`);
    const asked = (await tx.intake.events([item.id])).filter((e) => e.action === 'asked').at(-1);
    return answerForm(item, asked?.note);
  });
}

// ---------------------------------------------------------------------------------------------
// Decisions
// ---------------------------------------------------------------------------------------------

export async function submitAccept(ctx: CommandContext, deps: Deps, id: string | undefined, values: FormValues): Promise<FormOutcome> {
  const position = parsePosition(values.position);
  if (!position) return { kind: 'invalid', errors: { position: 'Pick where in the backlog it goes.' } };
  const note = values.note?.trim() || undefined;
  if (note) {
    const valid = validateNote(note, 'A note');
    if (!valid.ok) return { kind: 'invalid', errors: { note: valid.problem } };
  }
  const now = deps.clock.now();
  return withItem(ctx, deps, id, async (loaded, item) => {
    await checkDecision(loaded, item, 'accept', now);
    const { tx, state, caller } = loaded;
    const backlog = (await tx.intake.backlog(state.id)).map((b, n) => ({ id: b.id, rank: b.backlogRank ?? n }));
    const rank = rankFor(position, backlog);
    if (rank === undefined) return { kind: 'invalid', errors: { position: 'That item is no longer in the backlog: pick another place.' } };
    const next: IntakeItem = { ...item, status: 'accepted', decidedAt: now, decidedById: caller.id, backlogRank: rank };
    await tx.intake.update(item.id, { status: 'accepted', decidedAt: now, decidedById: caller.id, backlogRank: rank });
    await recordDecision(tx, state, caller, item, 'accepted', note, now, { position: values.position });
    const v = await itemView(tx, state, next, now);
    const told = await tellPeople(tx, state, v.requesters, caller.id, () => acceptedNotice(v, note));
    await refreshPoMessage(tx, state, next, now);
    return done(`✅ ${itemLabel(item)} is accepted${v.backlogPlace ? `, at position ${v.backlogPlace.index} of ${v.backlogPlace.total} in the backlog` : ''}.`, told);
  });
}

export async function submitDecline(ctx: CommandContext, deps: Deps, id: string | undefined, values: FormValues): Promise<FormOutcome> {
  const reason = validateNote(values.reason, 'A reason (saying why is part of saying no)');
  if (!reason.ok) return { kind: 'invalid', errors: { reason: reason.problem } };
  const now = deps.clock.now();
  return withItem(ctx, deps, id, async (loaded, item) => {
    await checkDecision(loaded, item, 'decline', now);
    const { tx, state, caller } = loaded;
    const next: IntakeItem = { ...item, status: 'declined', decidedAt: now, decidedById: caller.id, backlogRank: undefined };
    await tx.intake.update(item.id, { status: 'declined', decidedAt: now, decidedById: caller.id, backlogRank: null });
    await recordDecision(tx, state, caller, item, 'declined', reason.text, now);
    const v = await itemView(tx, state, next, now);
    const told = await tellPeople(tx, state, v.requesters, caller.id, () => declinedNotice(v, reason.text));
    await refreshPoMessage(tx, state, next, now);
    return done(`🚫 ${itemLabel(item)} is declined.`, told);
  });
}

export async function submitNeedInfo(ctx: CommandContext, deps: Deps, id: string | undefined, values: FormValues): Promise<FormOutcome> {
  const question = validateNote(values.question, 'A question');
  if (!question.ok) return { kind: 'invalid', errors: { question: question.problem } };
  const now = deps.clock.now();
  return withItem(ctx, deps, id, async (loaded, item) => {
    await checkDecision(loaded, item, 'need-info', now);
    const { tx, state, caller } = loaded;
    const next: IntakeItem = { ...item, status: 'needs-info' };
    await tx.intake.update(item.id, { status: 'needs-info' });
    await recordDecision(tx, state, caller, item, 'asked', question.text, now);
    const v = await itemView(tx, state, next, now);
    // The question goes to the person who made the request; the others hear the outcome.
    await tellPeople(tx, state, [v.requester], caller.id, () => questionNotice(v, question.text));
    await refreshPoMessage(tx, state, next, now);
    return { kind: 'done', message: message(section(`❓ I asked ${v.requester.displayName} about ${itemLabel(item)}. When they answer, it comes back to you.`)) };
  });
}

/** The requester's answer: the item goes back to the PO, who gets the answer in a DM. */
export async function submitAnswer(ctx: CommandContext, deps: Deps, id: string | undefined, values: FormValues): Promise<FormOutcome> {
  const answer = validateNote(values.answer, 'An answer', 3000);
  if (!answer.ok) return { kind: 'invalid', errors: { answer: answer.problem } };
  const now = deps.clock.now();
  return withItem(ctx, deps, id, async ({ tx, state, caller }, item) => {
    const requesters = await tx.intake.requesters([item.id]);
    if (!requesters.some((r) => r.personId === caller.id)) throw new UserError('intake_not_requester', 'Only the people who asked for this request can answer the PO’s question about it.');
    if (item.status !== 'needs-info') throw new UserError('intake_no_question', `The PO has no open question about ${itemLabel(item)} any more (it is ${statusWords(item.status)}); nothing was sent.`);
    const next: IntakeItem = { ...item, status: 'new' };
    await tx.intake.update(item.id, { status: 'new' });
    await tx.intake.addEvent({ itemId: item.id, action: 'answered', actorId: caller.id, at: now, note: answer.text, details: {} });
    await tx.audit(state.id, caller.id, 'intake.answered', { item: item.id });
    const v = await itemView(tx, state, next, now, { suggestions: true });
    if (state.owner) await tellPeople(tx, state, [state.owner], undefined, () => answeredToPo(v, caller, answer.text));
    await refreshPoMessage(tx, state, next, now);
    return { kind: 'done', message: message(section(`Thanks! Your answer is with the PO, and ${itemLabel(item)} is back in their queue.`)) };
  });
}

/** #N is the same as #M: N's requesters join M's (remembered as via N), N keeps everything and is marked merged. */
export async function submitDuplicate(ctx: CommandContext, deps: Deps, id: string | undefined, values: FormValues): Promise<FormOutcome> {
  const targetId = values.target;
  if (!targetId) return { kind: 'invalid', errors: { target: 'Pick the request it is the same as.' } };
  const now = deps.clock.now();
  return withItem(ctx, deps, id, async (loaded, item) => {
    await checkDecision(loaded, item, 'duplicate', now);
    const { tx, state, caller } = loaded;
    let target = await tx.intake.get(state.id, targetId);
    // Merging into an item that was itself merged goes on to where that one went.
    for (let hops = 0; target?.status === 'duplicate' && target.duplicateOfId && hops < 10; hops++) target = await tx.intake.get(state.id, target.duplicateOfId);
    if (!target || target.id === item.id) return { kind: 'invalid', errors: { target: 'Pick another request: that one is this request itself, or gone.' } };
    if (!isOpen(target.status)) return { kind: 'invalid', errors: { target: `${itemLabel(target)} is ${statusWords(target.status)}: merge into an open request.` } };
    const mine = await tx.intake.requesters([item.id]);
    await tx.intake.addRequesters(target.id, [...new Set(mine.map((r) => r.personId))], item.id);
    const next: IntakeItem = { ...item, status: 'duplicate', duplicateOfId: target.id, decidedAt: now, decidedById: caller.id, backlogRank: undefined };
    await tx.intake.update(item.id, { status: 'duplicate', duplicateOfId: target.id, decidedAt: now, decidedById: caller.id, backlogRank: null });
    await recordDecision(tx, state, caller, item, 'merged', undefined, now, { into: target.id, intoNumber: target.number });
    const v = await itemView(tx, state, next, now);
    const tv = await itemView(tx, state, target, now);
    const theirs = new Set(mine.map((r) => r.personId));
    let told = await tellPeople(tx, state, v.requesters, caller.id, () => mergedNotice(v, tv));
    told += await tellPeople(tx, state, tv.requesters.filter((p) => !theirs.has(p.id)), caller.id, () => mergedIntoYoursNotice(v, tv));
    await refreshPoMessage(tx, state, next, now);
    await refreshPoMessage(tx, state, target, now);
    return done(`🔗 ${itemLabel(item)} is merged into ${itemLabel(target)}, which ${tv.requesters.length} people now ask for. Undo it with Undo merge on ${itemLabel(item)}.`, told);
  });
}

/** Undoes a merge: the requesters it brought leave the target, and the item is back where it was. */
export async function undoMerge(ctx: CommandContext, deps: Deps, id: string): Promise<Message> {
  const now = deps.clock.now();
  return withItem(ctx, deps, id, async ({ tx, state, caller }, item) => {
    if (!isOwner(state, caller.id)) throw onlyPo(state);
    if (item.status !== 'duplicate' || !item.duplicateOfId) throw new UserError('intake_not_merged', `${itemLabel(item)} is ${statusWords(item.status)}, not merged: there is nothing to undo.`);
    const target = await tx.intake.get(state.id, item.duplicateOfId);
    const merged = (await tx.intake.events([item.id])).filter((e) => e.action === 'merged').at(-1);
    const back = (merged?.details.from as IntakeItem['status'] | undefined) ?? 'new';
    const status = back === 'accepted' ? 'new' : back; // its backlog place was given up; the PO decides again
    if (target) await tx.intake.removeRequestersVia(target.id, item.id);
    const next: IntakeItem = { ...item, status, duplicateOfId: undefined, decidedAt: undefined, decidedById: undefined };
    await tx.intake.update(item.id, { status, duplicateOfId: null, decidedAt: null, decidedById: null });
    await recordDecision(tx, state, caller, item, 'unmerged', undefined, now, { from: 'duplicate', was: target?.id });
    const v = await itemView(tx, state, next, now);
    await tellPeople(tx, state, v.requesters, caller.id, () => unmergedNotice(v));
    await refreshPoMessage(tx, state, next, now);
    if (target) await refreshPoMessage(tx, state, target, now);
    return message(section(`↩️ ${itemLabel(item)} is separate again${target ? ` from ${itemLabel(target)}` : ''} and back in your queue; its requesters were told.`));
  });
}

export async function markShipped(ctx: CommandContext, deps: Deps, id: string): Promise<Message> {
  const now = deps.clock.now();
  return withItem(ctx, deps, id, async (loaded, item) => {
    await checkDecision(loaded, item, 'shipped', now);
    const { tx, state, caller } = loaded;
    const next: IntakeItem = { ...item, status: 'shipped', decidedAt: now, decidedById: caller.id, backlogRank: undefined };
    await tx.intake.update(item.id, { status: 'shipped', decidedAt: now, decidedById: caller.id, backlogRank: null });
    await recordDecision(tx, state, caller, item, 'shipped', undefined, now);
    const v = await itemView(tx, state, next, now);
    const told = await tellPeople(tx, state, v.requesters, caller.id, () => shippedNotice(v));
    await refreshPoMessage(tx, state, next, now);
    return doneMessage(`🚀 ${itemLabel(item)} is marked shipped.`, told);
  });
}

const doneMessage = (text: string, told: number): Message =>
  message(section(text), context(told === 0 ? 'Nobody else asked for it, so nobody else needed telling.' : `I told ${told === 1 ? 'the person' : `the ${told} people`} who asked for it in a direct message.`));

const done = (text: string, told: number): FormOutcome => ({ kind: 'done', message: doneMessage(text, told) });

