import { formatDuration } from '../../domain/business-time.js';
import { workingDayMs } from '../../domain/working-hours.js';
import { NOT_SET_UP } from '../replies.js';
import { parseStatsWeeks, percent, SPARK_GAP, sparkline, STATS_MAX_WEEKS, targetBase, type LatencySummary } from '../../domain/question-stats.js';
import { DEFAULT_WORKING_HOURS } from '../../domain/working-hours.js';
import { addDays, isoWeekday, localDate, zonedInstant } from '../../domain/zoned-time.js';
import { bold, code, context, header, message, rich, section } from '../../messages/build.js';
import type { Block, Message, Rich } from '../../messages/model.js';
import { UserError } from '../../user-error.js';
import { withProduct, type CommandContext, type Deps } from '../context.js';

const HANDOFF_HINT =
  'Handing a question to the customer or stakeholder who knows lets the team clarify with them directly — healthy. A PO who relays every answer becomes a bottleneck.';


/**
 * `/po stats [weeks]`: the PO's time to first response over this week and the weeks before it, overall,
 * per week and per team. Anyone in the product may look: response times are there to be seen.
 */
export async function showStats(ctx: CommandContext, deps: Deps, weeksText: string | undefined): Promise<Message> {
  const weeks = parseStatsWeeks(weeksText);
  if (weeks === undefined) {
    throw new UserError('stats_weeks', `Sorry, the number of weeks must be a whole number from 1 to ${STATS_MAX_WEEKS}, e.g. \`/po stats 8\` (the default is 4).`);
  }
  const now = deps.clock.now();
  const reply = await withProduct(ctx, deps, { create: false }, async ({ tx, state }) => {
    const hours = state.owner ? await tx.workingHours(state.owner.id) : { ...DEFAULT_WORKING_HOURS, timeZone: 'UTC' };
    const timeZone = hours.timeZone;
    const today = localDate(now, timeZone);
    const thisMonday = addDays(today, 1 - isoWeekday(today));
    const firstMonday = addDays(thisMonday, -7 * (weeks - 1));
    const targetMin = await tx.calendar.responseTargetMin(state.id);
    const stats = await tx.questions.stats(state.id, { since: zonedInstant(firstMonday, 0, timeZone), until: now, timeZone, targetSec: targetMin * 60 });

    const title = `PO response times — ${weeks === 1 ? 'this week' : `last ${weeks} weeks`}`;
    if (stats.overall.asked === 0) {
      return message(
        header(title),
        section(`No questions to the PO ${weeks === 1 ? 'this week' : `in the last ${weeks} weeks`}, so there is nothing to measure yet.`),
        context('Team members ask from their team channel with ', code('/po ask <question>'), '; the PO’s response times show up here.'),
      );
    }

    // Business durations count working days of the PO's length ("1 d 2 h" is a working day and two hours).
    const dayMs = workingDayMs(hours);
    const business = (sec: number | undefined) => (sec === undefined ? '–' : formatDuration(sec * 1000, { dayMs }));
    const wall = (sec: number | undefined) => (sec === undefined ? '–' : formatDuration(sec * 1000));
    const { overall } = stats;
    const target = formatDuration(targetMin * 60_000, { dayMs });

    const blocks: Block[] = [
      header(title),
      {
        type: 'fields',
        fields: [
          { label: 'Median to first response', value: rich(`${business(overall.medianBusinessSec)} working time · ${wall(overall.medianWallSec)} in all`) },
          { label: '90th percentile', value: rich(`${business(overall.p90BusinessSec)} working time · ${wall(overall.p90WallSec)} in all`) },
          // Of the responses and the questions escalated without one: an absent PO does not look punctual.
          { label: `Within the target (${target})`, value: rich(withinTarget(overall)) },
          { label: 'Questions', value: rich(questionCounts(overall)) },
        ],
      },
      // Handing off is one kind of first response, so its share is of the questions responded to.
      section(bold('Handed to a customer or stakeholder: '), ofResponded(overall.handedOff, overall.responded)),
      context(HANDOFF_HINT),
      section(bold('Weekly median (working time): '), code(sparkline(stats.weeks.map((w) => w.medianBusinessSec))), `  ${trend(stats.weeks.at(-1), stats.earlier, weeks, business)}`),
      context(`Weeks start on Monday (${timeZone}); the first one is ${dayLabel(firstMonday)}. ${SPARK_GAP} marks a week without responses.`),
      { type: 'divider' },
      section(bold('Per team')),
      { type: 'list', items: stats.byTeam.map((t) => teamLine(t.teamName, t, business)) },
    ];
    const quiet = state.teams.filter((t) => !stats.byTeam.some((s) => s.teamId === t.id)).map((t) => t.name);
    if (quiet.length > 0) blocks.push(context(`No questions from: ${quiet.join(', ')}.`));
    return message(...blocks);
  });
  return reply ?? NOT_SET_UP;
}

/** "this week 45 min · previous 3 weeks 1 h 20 min" */
function trend(thisWeek: LatencySummary | undefined, earlier: LatencySummary, weeks: number, business: (sec: number | undefined) => string): string {
  const now = `this week ${thisWeek?.medianBusinessSec === undefined ? 'no responses yet' : business(thisWeek.medianBusinessSec)}`;
  if (weeks === 1) return now;
  const before = weeks === 2 ? 'previous week' : `previous ${weeks - 1} weeks`;
  return `${now} · ${before} ${earlier.medianBusinessSec === undefined ? 'no responses' : business(earlier.medianBusinessSec)}`;
}

/** One team: its name as text (people typed it), then its figures. */
function teamLine(name: string, s: LatencySummary, business: (sec: number | undefined) => string): Rich {
  const figures =
    s.responded === 0
      ? [`${s.asked} asked`, s.waiting > 0 ? 'no responses yet' : 'resolved without a response']
      : [`median ${business(s.medianBusinessSec)}`, `90th percentile ${business(s.p90BusinessSec)}`, `${s.asked} asked`, ...(s.waiting > 0 ? [`${s.waiting} waiting`] : [])];
  if (targetBase(s) > 0) figures.push(`${percent(s.withinTarget, targetBase(s))} within target${pastIt(s.overdue)}`);
  if (s.handedOff > 0) figures.push(`${s.handedOff} handed off`);
  return rich(bold(name), ` — ${figures.join(' · ')}`);
}

/** "75 % of 4 responses", or with questions that passed the target unanswered: "50 % of 4 questions (2 past it without a response)" */
function withinTarget(s: LatencySummary): string {
  if (s.overdue === 0) return ofResponded(s.withinTarget, s.responded);
  const base = targetBase(s);
  return `${percent(s.withinTarget, base)} of ${base} ${base === 1 ? 'question' : 'questions'}${pastIt(s.overdue)}`;
}

/** " (2 past it without a response)", or nothing when none is. */
const pastIt = (overdue: number): string => (overdue > 0 ? ` (${overdue} past it without a response)` : '');

/** "5 asked · 3 responded · 1 waiting · 1 resolved without a response" */
function questionCounts(s: LatencySummary): string {
  const unanswered = s.asked - s.responded - s.waiting;
  return `${s.asked} asked · ${s.responded} responded · ${s.waiting} waiting${unanswered > 0 ? ` · ${unanswered} resolved without a response` : ''}`;
}

/** "75 % of 4 responses" */
function ofResponded(part: number, responded: number): string {
  return responded === 0 ? 'no responses yet' : `${percent(part, responded)} of ${responded} ${responded === 1 ? 'response' : 'responses'}`;
}

/** "Mon 19 Oct" for a local date. */
function dayLabel(date: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(`${date}T00:00:00Z`));
}
