import type { Logger } from 'pino';
import { isAdmin, isOwner, type PersonRef, type ProductState } from '../../domain/product.js';
import { sprintAt, sprintsFrom } from '../../domain/sprint-calendar.js';
import { parseMove, promptsDue, promptWindows, reviewsAround, RSVP_WORDS, type ReviewCadence, type RsvpAnswer } from '../../domain/sprint-review.js';
import { canonicalTimeZone, parseClock, weekdayName } from '../../domain/working-hours.js';
import { daysBetween, isDate } from '../../domain/zoned-time.js';
import { actions, bold, code, context, message, section } from '../../messages/build.js';
import type { FormValues, Message } from '../../messages/model.js';
import { UserError } from '../../user-error.js';
import { withProduct, type CommandContext, type Deps, type Loaded } from '../context.js';
import type { FormOutcome } from '../interactions.js';
import type { ReviewRecord, Store, Tx } from '../ports.js';
import { NOT_SET_UP } from '../replies.js';
import { personWorkspace, teamWorkspace } from '../questions/load.js';
import { recordCreated } from '../intake/request-work.js';
import {
  agendaPost, feedbackForm, feedbackPrompt, FEEDBACK_TAG, inviteMessage, REVIEW_ACTIONS, reviewReminder, sprintForm, summaryMessage, topicForm,
} from './review-messages.js';

const poOrAdmin = (l: Loaded) => isOwner(l.state, l.caller.id) || isAdmin(l.state, l.actor);
const refuse = (state: ProductState) => new UserError('sprint_po_only', `Only the Product Owner${state.owner ? ` (${state.owner.displayName})` : ''} or an admin can change the sprint cadence and reviews.`);

/** `/po sprint`: the form when there is no cadence yet; afterwards the current sprint, the next review and its RSVPs. */
export async function showSprint(ctx: CommandContext, deps: Deps): Promise<{ kind: 'form'; form: ReturnType<typeof sprintForm> } | { kind: 'reply'; message: Message }> {
  const now = deps.clock.now();
  const out = await withProduct(ctx, deps, { create: false }, async (loaded) => {
    const { tx, state } = loaded;
    const cadence = await tx.ceremonies.cadence(state.id);
    if (!cadence) {
      if (!poOrAdmin(loaded)) return { kind: 'reply' as const, message: message(section('This product has no sprint cadence yet.'), context('The PO or an admin sets it with ', code('/po sprint'), '.')) };
      return { kind: 'form' as const, form: sprintForm() };
    }
    const [current] = sprintsFrom(cadence, now, 1);
    const review = await nextReview(tx, state.id, cadence, now);
    const lines = [
      section(bold(`Sprint ${current!.number}`), ` runs ${current!.start} to ${current!.end} (${cadence.weeks}-week sprints).`),
    ];
    if (review) {
      const rsvps = await tx.ceremonies.rsvps(review.id);
      const count = (a: RsvpAnswer) => rsvps.filter((r) => r.answer === a).length;
      const topics = await tx.ceremonies.topics(review.id);
      lines.push(
        section('Next review: ', bold(`Sprint ${review.sprintNumber}`), ', ', review.cancelled ? 'cancelled' : { type: 'date', at: review.at, timeZone: review.timeZone }, review.moved ? ' (moved)' : '', review.location ? ` · ${review.location}` : ''),
        context(`RSVPs: ${count('yes')} attending, ${count('maybe')} maybe, ${count('no')} can’t make it, ${Math.max(0, state.stakeholders.length - rsvps.length)} no answer yet · ${topics.length} agenda topic${topics.length === 1 ? '' : 's'}`),
      );
    }
    const m = message(...lines, ...(poOrAdmin(loaded) ? [actions({ actionId: REVIEW_ACTIONS.edit, label: 'Change the cadence', value: state.id, opensForm: true })] : []));
    return { kind: 'reply' as const, message: m };
  });
  return out ?? { kind: 'reply', message: NOT_SET_UP };
}

/** The cadence form, filled in with the current cadence (the "Change the cadence" button). */
export async function cadenceForm(ctx: CommandContext, deps: Deps) {
  const out = await withProduct(ctx, deps, { create: false }, async (loaded) => {
    if (!poOrAdmin(loaded)) throw refuse(loaded.state);
    return sprintForm(await loaded.tx.ceremonies.cadence(loaded.state.id));
  });
  if (!out) throw new UserError('not_set_up', 'po-desk is not set up in this workspace yet.');
  return out;
}

export async function submitSprintForm(ctx: CommandContext, deps: Deps, values: FormValues): Promise<FormOutcome> {
  const errors: Record<string, string> = {};
  const start = values.start ?? '';
  if (!isDate(start)) errors.start = 'Pick the first day of the first sprint.';
  const weeks = Number(values.weeks);
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > 4) errors.weeks = 'Sprints are 1 to 4 weeks long.';
  const weekday = Number(values.weekday);
  if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) errors.weekday = 'Pick the review’s weekday.';
  const minutes = parseClock(values.time ?? '');
  if (minutes === undefined || minutes >= 24 * 60) errors.time = 'Give the review’s time as HH:MM.';
  const timeZone = canonicalTimeZone((values.timeZone ?? '').trim());
  if (!timeZone) errors.timeZone = 'That is not a time zone: use a name like Europe/Berlin or America/New_York.';
  const location = values.location?.trim() || undefined;
  const inviteDays = values.inviteDays ? Number(values.inviteDays) : undefined;
  if (inviteDays !== undefined && (!Number.isInteger(inviteDays) || inviteDays < 1 || inviteDays > 5)) errors.inviteDays = 'Invite 1 to 5 working days before.';
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  const now = deps.clock.now();
  const out = await withProduct(ctx, deps, { create: false }, async (loaded) => {
    if (!poOrAdmin(loaded)) throw refuse(loaded.state);
    const previous = await loaded.tx.ceremonies.cadence(loaded.state.id);
    const cadence: ReviewCadence = { firstSprintStart: start, firstNumber: 1, weeks, reviewWeekday: weekday, reviewTime: values.time!, timeZone: timeZone!, location, inviteDaysBefore: inviteDays ?? previous?.inviteDaysBefore ?? 2 };
    await loaded.tx.ceremonies.setCadence(loaded.state.id, cadence);
    await loaded.tx.audit(loaded.state.id, loaded.caller.id, 'sprint.cadence', { ...cadence });
    const [current] = sprintsFrom(cadence, now, 2);
    const next = sprintsFrom(cadence, now, 2).find((s) => s.review > now) ?? current!;
    return {
      kind: 'done' as const,
      message: message(
        section(`Saved: ${weeks}-week sprints from ${start}, reviews on the sprint’s last ${weekdayName(weekday)} at ${values.time} (${timeZone}).`),
        context('Next review: ', bold(`Sprint ${next.number}`), ', ', { type: 'date', at: next.review, timeZone: timeZone! }, `. Stakeholders are invited ${cadence.inviteDaysBefore} working day${cadence.inviteDaysBefore > 1 ? 's' : ''} before.`),
      ),
    };
  });
  if (!out) throw new UserError('not_set_up', 'po-desk is not set up in this workspace yet.');
  return out;
}

/** The next review not yet over (made from the cadence if it has no row yet). */
export async function nextReview(tx: Tx, productId: string, cadence: ReviewCadence, now: Date): Promise<ReviewRecord | undefined> {
  for (const plan of reviewsAround(cadence, now)) {
    const r = await tx.ceremonies.ensureReview(productId, { ...plan, location: cadence.location });
    if (r.at > now || (r.cancelled && plan.at > now)) return r;
  }
  return undefined;
}

/** `/po review move YYYY-MM-DD HH:MM | cancel | note <text>`: the next review only. */
export async function changeReview(ctx: CommandContext, deps: Deps, op: 'move' | 'cancel' | 'note' | 'show', text: string): Promise<Message> {
  const now = deps.clock.now();
  const out = await withProduct(ctx, deps, { create: false }, async (loaded) => {
    const { tx, state, caller } = loaded;
    const cadence = await tx.ceremonies.cadence(state.id);
    if (!cadence) throw new UserError('no_cadence', 'There is no sprint cadence yet: the PO sets it with `/po sprint`.');
    const review = await nextReview(tx, state.id, cadence, now);
    if (!review) throw new UserError('no_review', 'There is no upcoming review.');
    if (op === 'show') return message(section(bold(`Sprint ${review.sprintNumber} review`), ': ', review.cancelled ? 'cancelled' : { type: 'date', at: review.at, timeZone: review.timeZone }, review.note ? ` · ${review.note}` : ''));
    if (!poOrAdmin(loaded)) throw refuse(state);
    if (op === 'cancel') {
      await tx.ceremonies.updateReview(review.id, { cancelled: true });
      await tx.audit(state.id, caller.id, 'review.cancelled', { review: review.id });
      return message(section(`Done: the Sprint ${review.sprintNumber} review is cancelled; nobody is invited or reminded.`), context('To hold it after all: ', code(`/po review move ${localDateTime(review)}`), '.'));
    }
    if (op === 'note') {
      const note = text.trim();
      if (note === '' || note.length > 1000) throw new UserError('review_note', 'Write what the teams plan to show (at most 1,000 characters), e.g. `/po review note The new checkout and gift cards`.');
      await tx.ceremonies.updateReview(review.id, { note });
      return message(section(`Done: stakeholders’ invitations to the Sprint ${review.sprintNumber} review say what the teams plan to show.`));
    }
    const at = parseMove(text, review.timeZone);
    if (!at) throw new UserError('review_move', `Give the new date and time as YYYY-MM-DD HH:MM (in ${review.timeZone}), e.g. \`/po review move ${localDateTime(review)}\`.`);
    if (at <= now) throw new UserError('review_move_past', 'That time has passed: pick a time to come.');
    const sprint = sprintAt(cadence, review.sprintNumber - cadence.firstNumber);
    if (Math.abs(daysBetween(sprint.end, localDateTime({ ...review, at }).slice(0, 10))) > 14) throw new UserError('review_move_far', 'A review moves at most two weeks from its sprint’s end.');
    await tx.ceremonies.updateReview(review.id, { at, moved: true, cancelled: false });
    await tx.audit(state.id, caller.id, 'review.moved', { review: review.id, from: review.at, to: at });
    return message(section(`Done: the Sprint ${review.sprintNumber} review is now `, { type: 'date', at, timeZone: review.timeZone }, '.'), context('Invitations and reminders follow the new time.'));
  });
  return out ?? NOT_SET_UP;
}

function localDateTime(r: Pick<ReviewRecord, 'at' | 'timeZone'>): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: r.timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(r.at);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

// ---------------------------------------------------------------------------------------------
// Stakeholders' answers
// ---------------------------------------------------------------------------------------------

async function withReview<T>(ctx: CommandContext, deps: Deps, id: string | undefined, fn: (l: Loaded, r: ReviewRecord) => Promise<T>): Promise<T> {
  const out = await withProduct(ctx, deps, { create: false }, async (l) => {
    const r = id ? await l.tx.ceremonies.review(l.state.id, id) : undefined;
    if (!r) throw new UserError('review_gone', 'That review no longer exists.');
    return fn(l, r);
  });
  if (out === undefined) throw new UserError('review_gone', 'That review no longer exists.');
  return out;
}

/** Attending / Maybe / Can't make it: recorded (a later click changes it), the invitation shows the answer. */
export async function answerRsvp(ctx: CommandContext, deps: Deps, value: string): Promise<Message> {
  const [id, answer] = value.split(':') as [string, RsvpAnswer | undefined];
  if (!answer || !(answer in RSVP_WORDS)) throw new UserError('rsvp_unknown', 'That answer is not one po-desk knows.');
  const now = deps.clock.now();
  return withReview(ctx, deps, id, async ({ tx, state, caller }, r) => {
    if (r.cancelled) return message(section(`The Sprint ${r.sprintNumber} review is cancelled.`));
    if (r.at <= now) return inviteMessage(r, state.owner, (await tx.ceremonies.rsvps(r.id)).find((x) => x.personId === caller.id)?.answer);
    await tx.ceremonies.setRsvp(r.id, caller.id, answer, now);
    await tx.audit(state.id, caller.id, 'review.rsvp', { review: r.id, answer });
    return inviteMessage(r, state.owner, answer);
  });
}

export async function openTopicForm(ctx: CommandContext, deps: Deps, id: string) {
  return withReview(ctx, deps, id, async (_l, r) => topicForm(r));
}

export async function submitTopic(ctx: CommandContext, deps: Deps, id: string | undefined, values: FormValues): Promise<FormOutcome> {
  const text = values.topic?.trim() ?? '';
  if (text === '') return { kind: 'invalid', errors: { topic: 'Say what you would like to see.' } };
  const now = deps.clock.now();
  return withReview(ctx, deps, id, async ({ tx, state, caller }, r) => {
    await tx.ceremonies.addTopic(r.id, caller.id, text.slice(0, 1000), now);
    await tx.audit(state.id, caller.id, 'review.topic', { review: r.id });
    return { kind: 'done', message: message(section(`Thanks: it is on the Sprint ${r.sprintNumber} review’s agenda. The PO and the teams see it the day before.`)) };
  });
}

export async function openFeedbackForm(ctx: CommandContext, deps: Deps, id: string) {
  return withReview(ctx, deps, id, async (_l, r) => feedbackForm(r));
}

/** "How did it go?": the answer becomes an intake item tagged "sprint review feedback" for the PO. */
export async function submitFeedback(ctx: CommandContext, deps: Deps, id: string | undefined, values: FormValues): Promise<FormOutcome> {
  const text = values.feedback?.trim() ?? '';
  if (text === '') return { kind: 'invalid', errors: { feedback: 'Say how it went, or what should change.' } };
  const now = deps.clock.now();
  return withReview(ctx, deps, id, async ({ tx, state, caller }, r) => {
    const first = text.split('\n')[0]!.slice(0, 120);
    const { item, created } = await tx.intake.create({
      productId: state.id,
      title: `Sprint ${r.sprintNumber} review feedback: ${first}`.slice(0, 150),
      problem: text.slice(0, 3000),
      value: undefined,
      urgency: 'normal',
      neededBy: undefined,
      link: undefined,
      source: 'review',
      teamId: undefined,
      requesterId: caller.id,
      createdById: caller.id,
      createdAt: now,
      origin: undefined,
      sourceKey: ctx.requestKey,
    });
    if (created) await recordCreated(tx, state, item, caller, 'review');
    return { kind: 'done', message: message(section(`Thank you! Your feedback is in the PO’s intake as #${item.number} (${FEEDBACK_TAG}); you hear what the PO decides.`)) };
  });
}

// ---------------------------------------------------------------------------------------------
// The prompts, sent by the scheduler
// ---------------------------------------------------------------------------------------------

/**
 * Every minute: for each product's reviews around now, the prompts whose time has come go out, each
 * claimed in the database per person (or per team channel), so none is sent twice across restarts and
 * replicas, and one missed while po-desk was down goes out late only while it still makes sense.
 */
export async function sendReviewPrompts(store: Store, now: Date, log: Logger): Promise<number> {
  const products = await store.transaction((tx) => tx.ceremonies.cadences());
  let sent = 0;
  for (const { productId, cadence } of products) {
    await store.transaction(async (tx) => {
      const state = await tx.productState(productId);
      const holidays = new Set((await tx.calendar.holidays(productId)).map((h) => h.date));
      for (const plan of reviewsAround(cadence, now)) {
        const r = await tx.ceremonies.ensureReview(productId, { ...plan, location: cadence.location });
        if (r.cancelled) continue;
        const due = promptsDue(promptWindows(r.at, r.timeZone, cadence.inviteDaysBefore, holidays), now);
        for (const kind of due) sent += await sendPrompt(tx, state, r, kind, now);
      }
    }).catch((error: unknown) => log.error({ err: error, product: productId }, 'reviews: could not send review prompts; the next run tries again'));
  }
  if (sent > 0) log.info({ sent }, 'reviews: sent review prompts');
  return sent;
}

async function sendPrompt(tx: Tx, state: ProductState, r: ReviewRecord, kind: ReturnType<typeof promptsDue>[number], now: Date): Promise<number> {
  const rsvps = await tx.ceremonies.rsvps(r.id);
  const dm = async (p: PersonRef, m: Message) => {
    if (!(await tx.ceremonies.claimPrompt(r.id, kind, p.id, now))) return 0;
    await tx.enqueue(await personWorkspace(tx, state, p.id), { kind: 'dm', userId: p.platformUserId, message: m });
    return 1;
  };
  let n = 0;
  switch (kind) {
    case 'invite':
      for (const s of state.stakeholders) n += await dm(s, inviteMessage(r, state.owner, rsvps.find((x) => x.personId === s.id)?.answer));
      return n;
    case 'reminder':
      for (const s of state.stakeholders) if (rsvps.some((x) => x.personId === s.id && x.answer !== 'no')) n += await dm(s, reviewReminder(r));
      return n;
    case 'feedback':
      for (const s of state.stakeholders) if (rsvps.some((x) => x.personId === s.id && x.answer === 'yes')) n += await dm(s, feedbackPrompt(r));
      return n;
    case 'summary': {
      if (!state.owner) return 0;
      const people = new Map((await tx.personsByIds(state.id, [...rsvps.map((x) => x.personId), ...(await tx.ceremonies.topics(r.id)).map((t) => t.personId)])).map((p) => [p.id, p]));
      const topics = (await tx.ceremonies.topics(r.id)).flatMap((t) => (people.has(t.personId) ? [{ person: people.get(t.personId)!, text: t.text }] : []));
      const answered = rsvps.flatMap((x) => (people.has(x.personId) ? [{ person: people.get(x.personId)!, answer: x.answer }] : []));
      const silent = state.stakeholders.filter((s) => !rsvps.some((x) => x.personId === s.id));
      return dm(state.owner, summaryMessage(r, answered, topics, silent));
    }
    case 'agenda': {
      const raw = await tx.ceremonies.topics(r.id);
      if (raw.length === 0) return 0;
      const people = new Map((await tx.personsByIds(state.id, raw.map((t) => t.personId))).map((p) => [p.id, p]));
      const topics = raw.flatMap((t) => (people.has(t.personId) ? [{ person: people.get(t.personId)!, text: t.text }] : []));
      for (const team of state.teams) {
        if (!(await tx.ceremonies.claimPrompt(r.id, 'agenda', team.id, now))) continue;
        await tx.enqueue(await teamWorkspace(tx, state, team.id), { kind: 'post', channelId: team.channelId, message: agendaPost(r, topics) });
        n++;
      }
      return n;
    }
  }
}
