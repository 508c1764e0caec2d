import { formatDuration } from '../../domain/business-time.js';
import { HELP } from '../../domain/command.js';
import { itemLabel, statusWords } from '../../domain/intake.js';
import { isOwner, type PersonRef, type ProductState } from '../../domain/product.js';
import { questionLabel, statusOf, waitOf } from '../../domain/question.js';
import { sparkline } from '../../domain/question-stats.js';
import { RSVP_WORDS } from '../../domain/sprint-review.js';
import { workingDayMs } from '../../domain/working-hours.js';
import { addDays, isoWeekday, localDate, zonedInstant } from '../../domain/zoned-time.js';
import { actions, bold, code, context, header, message, rich, section } from '../../messages/build.js';
import type { Block, Message } from '../../messages/model.js';
import { truncate } from '../../messages/render-common.js';
import { withProduct, type CommandContext, type Deps } from '../context.js';
import type { Tx } from '../ports.js';
import { helpLine, NOT_SET_UP } from '../replies.js';
import { triageButtons } from '../intake/intake-messages.js';
import { queueLines } from '../intake/show-queue.js';
import { poCalendar, viewsOf } from '../questions/load.js';
import { QUESTION_ACTIONS, questionLine } from '../questions/question-messages.js';
import { nextReview } from '../ceremonies/sprint-reviews.js';

export const DASHBOARD_ACTIONS = { refresh: 'dashboard.refresh' } as const;
/** Items shown with their buttons per list; the rest are counted with the command that lists them all. */
const SHOWN = 5;

/**
 * The dashboard (Slack's App Home, Teams' `dashboard`): for the PO, open questions with Answer, the
 * untriaged intake with the decisions, this week's response times and the next review; for anyone
 * else, their own open questions and requests, and the commands. Read after the product is loaded,
 * outside its transaction (store.reads), so the lists' independent queries run side by side.
 */
export async function dashboard(ctx: CommandContext, deps: Deps): Promise<Message> {
  const now = deps.clock.now();
  const who = await withProduct(ctx, deps, { create: false }, async ({ state, caller }) => ({ state, caller }));
  if (!who) return NOT_SET_UP;
  return deps.store.reads((r) => (isOwner(who.state, who.caller.id) ? poDashboard(r, who.state, now) : personalDashboard(r, who.state, who.caller)));
}

const more = (n: number, command: string): Block[] => (n > 0 ? [context(`and ${n} more — `, code(command))] : []);
const refresh: Block = actions({ actionId: DASHBOARD_ACTIONS.refresh, label: 'Refresh', value: 'dashboard' });

async function poDashboard(r: Tx, state: ProductState, now: Date): Promise<Message> {
  const since = new Date(now.getTime() - 35 * 86_400_000);
  const [{ cal, weeks }, { open, views }, waiting, { untriaged, lines }, review] = await Promise.all([
    Promise.all([poCalendar(r, state, since), r.calendar.responseTargetMin(state.id)]).then(async ([{ cal }, targetMin]) => {
      const tz = cal.hours.timeZone;
      const today = localDate(now, tz);
      const monday = addDays(today, 1 - isoWeekday(today));
      return { cal, weeks: await r.questions.weekly(state.id, { since: zonedInstant(addDays(monday, -28), 0, tz), until: now, timeZone: tz, targetSec: targetMin * 60 }) };
    }),
    r.questions.openPage(state.id, {}, SHOWN).then(async (open) => ({ open, views: await viewsOf(r, state, open.oldest) })),
    r.intake.untriagedAges(state.id, 0),
    r.intake.list(state.id, { statuses: ['new'], limit: SHOWN }).then(async (untriaged) => ({ untriaged, lines: await queueLines(r, state, untriaged, now) })),
    nextReviewLine(r, state, now),
  ]);
  const dayMs = workingDayMs(cal.hours);
  const blocks: Block[] = [header('Your front desk'), context('Updated ', { type: 'date', at: now, timeZone: cal.hours.timeZone })];

  blocks.push(section(bold(`Open questions: ${open.count}`), open.count > 0 ? ' (oldest first)' : ''));
  for (const [i, q] of open.oldest.entries()) {
    const v = views[i]!;
    const w = waitOf(q, cal, now);
    blocks.push(section(...questionLine(v, `${statusOf(q) === 'waiting' ? 'waiting' : 'open'} ${formatDuration(w.businessMs, { dayMs })}`)));
    blocks.push(actions(
      { actionId: QUESTION_ACTIONS.answer, label: 'Answer', value: q.id, style: 'primary', opensForm: true },
      ...(statusOf(q) === 'waiting' ? [{ actionId: QUESTION_ACTIONS.onIt, label: 'I’m on it', value: q.id }] : []),
    ));
  }
  blocks.push(...more(open.count - SHOWN, '/po questions'));

  blocks.push({ type: 'divider' }, section(bold(`Waiting for your decision: ${waiting.count}`)));
  untriaged.forEach((item, n) => blocks.push(section(...lines[n]!), actions(...triageButtons({ item }))));
  blocks.push(...more(waiting.count - SHOWN, '/po queue'));

  const week = weeks.at(-1);
  blocks.push({ type: 'divider' }, section(bold('This week')));
  blocks.push(context(
    week && week.asked > 0
      ? `${week.asked} asked · ${week.responded} responded · median ${week.medianBusinessSec === undefined ? '–' : formatDuration(week.medianBusinessSec * 1000, { dayMs })} of working time`
      : 'No questions yet this week.',
    ` · 5 weeks: ${sparkline(weeks.slice(-5).map((w) => w.medianBusinessSec))}`,
  ));
  blocks.push(...review, refresh);
  return message(...blocks);
}

/** The next review with its answers and agenda, if a cadence is set. */
async function nextReviewLine(r: Tx, state: ProductState, now: Date): Promise<Block[]> {
  const cadence = await r.ceremonies.cadence(state.id);
  const next = cadence ? await nextReview(r, state.id, cadence, now) : undefined;
  if (!next) return [];
  const [rsvps, topics] = await Promise.all([r.ceremonies.rsvps(next.id), r.ceremonies.topics(next.id)]);
  const count = (a: 'yes' | 'maybe' | 'no') => `${RSVP_WORDS[a]} ${rsvps.filter((x) => x.answer === a).length}`;
  return [
    { type: 'divider' },
    section(bold(`Next review: Sprint ${next.sprintNumber}`), ', ', next.cancelled ? 'cancelled' : { type: 'date', at: next.at, timeZone: next.timeZone }),
    context(`${count('yes')} · ${count('maybe')} · ${count('no')} · ${topics.length} agenda topics`),
  ];
}

async function personalDashboard(r: Tx, state: ProductState, caller: PersonRef): Promise<Message> {
  const [questions, requested, requests] = await Promise.all([
    r.questions.openPage(state.id, { askerId: caller.id }, 10),
    r.intake.countRequestedBy(state.id, caller.id),
    r.intake.list(state.id, { requesterId: caller.id, limit: 10, newestFirst: true }),
  ]);
  const blocks: Block[] = [header('po-desk')];
  blocks.push(section(bold(`Your open questions to the PO: ${questions.count}`)));
  if (questions.count > 0) {
    blocks.push({ type: 'list', items: questions.oldest.map((q) => rich(bold(questionLabel(q)), ' ', { type: 'text', text: truncate(q.text, 120) }, ` — ${statusOf(q).replace('-', ' ')}`)) });
  }
  blocks.push(...more(questions.count - 10, '/po questions'));
  blocks.push(section(bold(`Your requests: ${requested}`)));
  if (requests.length > 0) {
    blocks.push({ type: 'list', items: requests.map((i) => rich(bold(itemLabel(i)), ' ', { type: 'text', text: truncate(i.title, 120) }, ` — ${statusWords(i.status)}`)) });
  }
  blocks.push(...more(requested - 10, '/po queue'));
  blocks.push({ type: 'divider' }, section(bold('What you can do')), { type: 'list', items: HELP.filter((h) => h.available).map(helpLine) }, refresh);
  return message(...blocks);
}
