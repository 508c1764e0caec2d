import { availabilityAt, formatDuration, type BusinessCalendar } from '../../domain/business-time.js';
import { workingDayMs } from '../../domain/working-hours.js';
import { isOwner, teamOfChannel, type PersonRef } from '../../domain/product.js';
import { questionLabel, validateQuestionText, type QuestionSource } from '../../domain/question.js';
import { formatWorkingHours } from '../../domain/working-hours.js';
import { bold, code, context, message, section } from '../../messages/build.js';
import type { Message, Span } from '../../messages/model.js';
import { UserError } from '../../user-error.js';
import { withProduct, type CommandContext, type Deps } from '../context.js';
import { mention } from '../replies.js';
import { currentAbsence, notifyPo, poCalendar, teamWorkspace, viewOf } from './load.js';
import { anchorKeyOf, anchorMessage } from './question-messages.js';
import type { AbsenceRecord } from '../ports.js';

const WEEK = 7 * 24 * 60 * 60_000;

export const NOT_A_TEAM_CHANNEL = 'Questions to the PO are asked in a team’s channel, so the team sees the answer. This channel is not a team yet: run `/po team <name>` here first.';

/**
 * `/po ask`, the "Ask the PO" shortcut and an @mention ending in "?": the question goes into the team
 * channel as an anchor message, the PO gets it in a DM, and the asker is told honestly when to expect
 * an answer. `requestKey` identifies the platform request, so a retried one asks once.
 */
export async function askQuestion(
  ctx: CommandContext,
  deps: Deps,
  text: string,
  source: QuestionSource,
  requestKey?: string,
  /** A question from a Daily Scrum reminder is tagged and posted in the reminder's thread (`threadKey`). */
  options: { tag?: string; threadKey?: string } = {},
): Promise<Message> {
  const valid = validateQuestionText(text);
  if (!valid.ok) throw new UserError('question_invalid', `Sorry, ${valid.problem}.`);
  if (ctx.inDirectMessage) throw new UserError('question_needs_team', NOT_A_TEAM_CHANNEL);
  const now = deps.clock.now();
  const reply = await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller }) => {
    const team = teamOfChannel(state, ctx.channelId);
    if (!team) throw new UserError('question_needs_team', NOT_A_TEAM_CHANNEL);
    if (isOwner(state, caller.id)) {
      return message(section('You are the Product Owner: questions to the PO come to you. To talk to the team, just post in the channel.'));
    }
    // A retried or concurrent delivery of the same request finds the question already asked (created: false).
    const { question: q, created } = await tx.questions.create({ productId: state.id, teamId: team.id, askerId: caller.id, text: valid.text, source, askedAt: now, requestKey, tag: options.tag });
    const { cal, absences } = await poCalendar(tx, state, now);
    const median = await tx.questions.medianFirstResponseSec(state.id, new Date(now.getTime() - 4 * WEEK));
    if (created) {
      let view = await viewOf(tx, state, q);
      const ws = await teamWorkspace(tx, state, team.id);
      // If the channel refuses the anchor for good (po-desk not in it, archived), the asker is told why.
      const reportTo = { userId: ctx.userId, channelId: ctx.channelId, recipientName: `team ${team.name}’s channel`, platform: ctx.platform, workspaceExternalId: ctx.workspaceExternalId };
      await tx.enqueue(ws, { kind: 'post', channelId: team.channelId, messageKey: anchorKeyOf(q.id), message: anchorMessage(view), reportTo, ...(options.threadKey ? { threadKey: options.threadKey } : {}) });
      view = await notifyPo(tx, state, view, now, { anchorPosted: true });
      await tx.audit(state.id, caller.id, 'question.asked', { question: q.id, number: q.number, team: team.id, source });
    }
    if (!state.owner) {
      return message(
        section(`Your question is posted in the channel as ${questionLabel(q)}, but this product has no Product Owner yet, so nobody has been asked.`),
        section('Ask an admin to name one with ', code('/po owner @user'), ': the PO gets your question as soon as they are named. Nothing is lost.'),
      );
    }
    return message(
      section(`Sent to `, mention(state.owner), ` (the Product Owner) as ${questionLabel(q)}; it is posted in the channel so the team sees the answer.`),
      ...expectations(state.owner, cal, absences, median, now),
    );
  });
  if (!reply) throw new UserError('question_needs_team', NOT_A_TEAM_CHANNEL);
  return reply;
}

/** What to expect, honestly: the PO's usual response time and whether they are there right now. */
export function expectations(po: PersonRef, cal: BusinessCalendar, absences: AbsenceRecord[], medianSec: number | undefined, now: Date) {
  const dayMs = workingDayMs(cal.hours);
  const typical = medianSec === undefined
    ? section('There are no answered questions from the last 4 weeks yet, so I can’t say how long answers usually take.')
    : section(po.displayName, ' usually responds within ', bold(formatDuration(medianSec * 1000, { dayMs })), ' of working time (median of the last 4 weeks).');
  return [typical, context(...availabilitySpans(po, cal, absences, now))];
}

export function availabilitySpans(po: PersonRef, cal: BusinessCalendar, absences: AbsenceRecord[], now: Date): (string | Span)[] {
  const at = availabilityAt(cal, now);
  const back = (d: Date | undefined): (string | Span)[] => (d ? [{ type: 'date', at: d, timeZone: cal.hours.timeZone }] : ['a date not set yet']);
  if (at.working) return [`${po.displayName} is working now (${formatWorkingHours(cal.hours)}).`];
  if (at.reason === 'away') {
    const away = currentAbsence(absences, now);
    return [`${po.displayName} is away and back `, ...back(at.resumesAt), '. Your question waits in the queue until then', ...(away?.note ? ['. Note: ', { type: 'text' as const, text: away.note }] : []), '.'];
  }
  const why = at.reason === 'holiday' ? 'It is a holiday' : at.reason === 'day-off' ? `It is not one of ${po.displayName}’s working days` : `It is outside ${po.displayName}’s working hours`;
  return [`${why} (${formatWorkingHours(cal.hours)}); they start again `, ...back(at.resumesAt), '.'];
}
