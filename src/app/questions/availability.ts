import { formatDuration } from '../../domain/business-time.js';
import { NOT_SET_UP } from '../replies.js';
import { authorize, isOwner } from '../../domain/product.js';
import { addDays, isDate, localDate, zonedInstant } from '../../domain/zoned-time.js';
import { code, context, message, section } from '../../messages/build.js';
import type { Message } from '../../messages/model.js';
import { UserError } from '../../user-error.js';
import { withProduct, type CommandContext, type Deps } from '../context.js';
import { refusalMessage } from '../replies.js';

const MAX_NOTE = 300;
const MAX_AWAY_DAYS = 366;

/** `/po away <last day> [note]`: the PO is away through that day (in the PO's time zone). */
export async function goAway(ctx: CommandContext, deps: Deps, lastDay: string | undefined, note: string | undefined): Promise<Message> {
  if (!lastDay || !isDate(lastDay)) {
    throw new UserError('away_date', 'Sorry, give the last day you are away as YYYY-MM-DD, e.g. `/po away 2026-12-04 Conference`.');
  }
  if (note && note.length > MAX_NOTE) throw new UserError('away_note', `Sorry, the note is at most ${MAX_NOTE} characters (this one has ${note.length}).`);
  const now = deps.clock.now();
  const reply = await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller }) => {
    if (!isOwner(state, caller.id)) return refusalMessage('set the PO away', `the Product Owner${state.owner ? ` (${state.owner.displayName})` : ''}`);
    const hours = await tx.workingHours(caller.id);
    const today = localDate(now, hours.timeZone);
    if (lastDay < today) throw new UserError('away_past', `Sorry, ${lastDay} has passed (today is ${today} in ${hours.timeZone}).`);
    if (lastDay > addDays(today, MAX_AWAY_DAYS)) throw new UserError('away_far', 'Sorry, an absence is at most a year: pick a nearer last day.');
    const until = zonedInstant(addDays(lastDay, 1), 0, hours.timeZone);
    await tx.calendar.endAbsences(state.id, caller.id, now);
    await tx.calendar.startAbsence({ productId: state.id, personId: caller.id, from: now, until, lastDay, note });
    await tx.audit(state.id, caller.id, 'po.away', { lastDay, note });
    return message(
      section(`You are away until the end of ${dayName(lastDay)} (${hours.timeZone}). Askers are told when you are back, your response clock pauses, and I send no nudges.`),
      context('Questions still queue: see them with ', code('/po questions'), '. Back early? ', code('/po back'), '.'),
    );
  });
  return reply ?? NOT_SET_UP;
}

/** "Fri 4 Dec 2026": a calendar date as people say it, with no time of day. */
const dayName = (date: string) =>
  new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`)).replace(',', '');

/** `/po back`: ends the PO's absence now. */
export async function comeBack(ctx: CommandContext, deps: Deps): Promise<Message> {
  const now = deps.clock.now();
  const reply = await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller }) => {
    if (!isOwner(state, caller.id)) return refusalMessage('end the PO’s absence', `the Product Owner${state.owner ? ` (${state.owner.displayName})` : ''}`);
    const ended = await tx.calendar.endAbsences(state.id, caller.id, now);
    const waiting = (await tx.questions.open(state.id, {})).filter((q) => !q.firstResponseAt).length;
    if (ended > 0) await tx.audit(state.id, caller.id, 'po.back', {});
    return message(
      section(ended > 0 ? 'Welcome back! ' : 'You were not marked away. ', waiting > 0 ? `${waiting} question${waiting === 1 ? ' is' : 's are'} waiting for you: ` : 'No questions are waiting.', ...(waiting > 0 ? [code('/po questions')] : [])),
    );
  });
  return reply ?? NOT_SET_UP;
}

/** `/po holiday add|remove|list`: product-wide days off, in the PO's time zone. */
export async function manageHolidays(
  ctx: CommandContext,
  deps: Deps,
  c: { op: 'list' } | { op: 'add'; date: string; label: string | undefined } | { op: 'remove'; date: string },
): Promise<Message> {
  if (c.op !== 'list' && !isDate(c.date)) throw new UserError('holiday_date', `Sorry, ${c.date} is not a date: use YYYY-MM-DD.`);
  if (c.op === 'add' && c.label && c.label.length > 80) throw new UserError('holiday_name', 'Sorry, a holiday’s name is at most 80 characters.');
  const reply = await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller, actor }) => {
    if (c.op !== 'list') {
      const decision = authorize(state, actor, { kind: 'product' });
      if (!decision.allowed) return refusalMessage('change holidays', decision.whoMay);
    }
    if (c.op === 'add') {
      const added = await tx.calendar.addHoliday(state.id, c.date, c.label);
      if (added) await tx.audit(state.id, caller.id, 'holiday.added', { date: c.date });
      return message(section(added ? `${c.date}${c.label ? ` (${c.label})` : ''} is now a holiday: response times skip it.` : `${c.date} was already a holiday.`));
    }
    if (c.op === 'remove') {
      const removed = await tx.calendar.removeHoliday(state.id, c.date);
      if (removed) await tx.audit(state.id, caller.id, 'holiday.removed', { date: c.date });
      return message(section(removed ? `${c.date} is no longer a holiday.` : `${c.date} was not a holiday.`));
    }
    const list = await tx.calendar.holidays(state.id);
    if (list.length === 0) return message(section('No holidays yet. Add one with ', code('/po holiday add 2026-12-25 Christmas'), '.'));
    return message(section(`Holidays (${list.length}):`), { type: 'list', items: list.map((h) => [{ type: 'text', text: h.name ? `${h.date} — ${h.name}` : h.date }]) });
  });
  return reply ?? NOT_SET_UP;
}

/** `/po target [hours]`: the response target, in working hours. */
export async function responseTarget(ctx: CommandContext, deps: Deps, text: string | undefined): Promise<Message> {
  let minutes: number | undefined;
  if (text !== undefined) {
    const m = /^(\d+(?:[.,]\d+)?)\s*(h|hours?|m|min|minutes?)?$/i.exec(text.trim());
    const value = m ? Number(m[1]!.replace(',', '.')) : NaN;
    minutes = m && /^m/i.test(m[2] ?? '') ? Math.round(value) : Math.round(value * 60);
    if (!Number.isFinite(minutes) || minutes < 15 || minutes > 40 * 60) {
      throw new UserError('target_invalid', 'Sorry, give the target in working hours between 0.25 and 40, e.g. `/po target 4` or `/po target 90m`.');
    }
  }
  const reply = await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller, actor }) => {
    const current = await tx.calendar.responseTargetMin(state.id);
    if (minutes === undefined) {
      return message(section(`The response target is ${formatDuration(current * 60_000)} of working time: at half of it the PO is nudged once; at the target the team is told the PO was reminded.`));
    }
    const decision = authorize(state, actor, { kind: 'product' });
    if (!decision.allowed) return refusalMessage('change the response target', decision.whoMay);
    await tx.calendar.setResponseTargetMin(state.id, minutes);
    await tx.audit(state.id, caller.id, 'target.changed', { from: current, to: minutes });
    return message(section(`The response target is now ${formatDuration(minutes * 60_000)} of working time (was ${formatDuration(current * 60_000)}).`));
  });
  return reply ?? NOT_SET_UP;
}
