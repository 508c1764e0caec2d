import type { BusinessCalendar } from '../../domain/business-time.js';
import type { PersonRef, ProductState } from '../../domain/product.js';
import type { Question } from '../../domain/question.js';
import { DEFAULT_WORKING_HOURS } from '../../domain/working-hours.js';
import type { AbsenceRecord, Tx, WorkspaceRef } from '../ports.js';
import { anchorKeyOf, anchorMessage, poKeyOf, poMessage, type QuestionView } from './question-messages.js';

const DAY = 24 * 60 * 60_000;

/** The PO's business calendar: working hours, the product's holidays and the PO's absences since `since`. */
export async function poCalendar(tx: Tx, state: ProductState, since: Date): Promise<{ cal: BusinessCalendar; absences: AbsenceRecord[] }> {
  const hours = state.owner ? await tx.workingHours(state.owner.id) : { ...DEFAULT_WORKING_HOURS, timeZone: 'UTC' };
  const holidays = (await tx.calendar.holidays(state.id)).map((h) => h.date);
  const absences = state.owner ? await tx.calendar.absences(state.id, state.owner.id, new Date(since.getTime() - DAY)) : [];
  return { cal: { hours, holidays, absences }, absences };
}

/** The absence running at `now`, if any. */
export const currentAbsence = (absences: AbsenceRecord[], now: Date) =>
  absences.find((a) => a.from <= now && (a.until === undefined || a.until > now));

export async function viewOf(tx: Tx, state: ProductState, q: Question): Promise<QuestionView> {
  return (await viewsOf(tx, state, [q]))[0]!;
}

/** viewOf for a list: one read of everyone involved and of the PO's zone, not two reads per question. */
export async function viewsOf(tx: Tx, state: ProductState, qs: Question[]): Promise<QuestionView[]> {
  if (qs.length === 0) return [];
  const teams = qs.map((q) => {
    const team = state.teams.find((t) => t.id === q.teamId);
    if (!team) throw new Error(`question ${q.id}: team ${q.teamId} is not in product ${state.id}`);
    return team;
  });
  const ids = [...new Set(qs.flatMap((q) => [q.askerId, q.answeredById, q.handedToId, q.resolvedById]).filter((id): id is string => id !== undefined))];
  const people = new Map((await tx.personsByIds(state.id, ids)).map((p) => [p.id, p]));
  const find = (id: string | undefined): PersonRef | undefined => (id ? people.get(id) : undefined);
  const timeZone = state.owner ? (await tx.workingHours(state.owner.id)).timeZone : 'UTC';
  return qs.map((q, i) => {
    const asker = find(q.askerId) ?? { id: q.askerId, platformUserId: '', displayName: 'someone' };
    return { q, team: teams[i]!, asker, po: state.owner, answeredBy: find(q.answeredById), handedTo: find(q.handedToId), resolvedBy: find(q.resolvedById), timeZone };
  });
}

/** The workspace a team's channel is in (the anchor and its thread live there). */
export async function teamWorkspace(tx: Tx, state: ProductState, teamId: string): Promise<WorkspaceRef> {
  const ws = await tx.teamWorkspace(teamId);
  return { ...ws, productId: state.id };
}

/** Queues the anchor's and the PO's copy's new look after the question changed. */
export async function refreshQuestionMessages(tx: Tx, state: ProductState, v: QuestionView, options: { anchor?: boolean; po?: boolean } = {}): Promise<void> {
  if (options.anchor !== false) {
    await tx.enqueue(await teamWorkspace(tx, state, v.q.teamId), { kind: 'update', messageKey: anchorKeyOf(v.q.id), message: anchorMessage(v) });
  }
  if (options.po !== false && v.q.poNotifiedAt && state.owner) {
    await tx.enqueue(await personWorkspace(tx, state, state.owner.id), { kind: 'update', messageKey: poKeyOf(v.q.id, state.owner.id), message: poMessage(v) });
  }
}

/** The workspace of a person's account: an edit of their DM goes to the platform the DM went to. */
export async function personWorkspace(tx: Tx, state: ProductState, personId: string): Promise<WorkspaceRef> {
  const ws = await tx.workspaceOfPerson(personId);
  return { ...ws, productId: state.id };
}

/**
 * Sends the PO the question (a DM through the outbox) and records that it was sent. The anchor is
 * updated too: a question kept from before there was a PO still says no PO is named. `anchorPosted`
 * skips that for a question whose anchor is posted in the same transaction, already with the PO.
 */
export async function notifyPo(tx: Tx, state: ProductState, v: QuestionView, now: Date, options: { anchorPosted?: boolean } = {}): Promise<QuestionView> {
  if (!state.owner) return v;
  const ws = await teamWorkspace(tx, state, v.q.teamId);
  const q = { ...v.q, poNotifiedAt: now };
  await tx.questions.update(q.id, { poNotifiedAt: now });
  const next = { ...v, q };
  await tx.enqueue(ws, { kind: 'dm', userId: state.owner.platformUserId, messageKey: poKeyOf(q.id, state.owner.id), message: poMessage(next) });
  if (!options.anchorPosted) await tx.enqueue(ws, { kind: 'update', messageKey: anchorKeyOf(q.id), message: anchorMessage(next) });
  return next;
}
