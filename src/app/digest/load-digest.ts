import type { BusinessCalendar } from '../../domain/business-time.js';
import { ageOf } from '../../domain/intake.js';
import type { DigestData } from '../../domain/digest.js';
import type { ProductState } from '../../domain/product.js';
import { questionLabel, waitOf } from '../../domain/question.js';
import { workingDayMs } from '../../domain/working-hours.js';
import { addDays, isoWeekday, localDate, zonedInstant } from '../../domain/zoned-time.js';
import type { Tx } from '../ports.js';
import { poCalendar } from '../questions/load.js';
import { anchorKeyOf } from '../questions/question-messages.js';
import { DAILY_TAG } from '../ceremonies/daily-scrum.js';
import { nextReview } from '../ceremonies/sprint-reviews.js';

const DAY = 24 * 3_600_000;

/**
 * Everything the digest says, gathered for the 7 days before `now` (the PO's local days) and the 4
 * weeks before them. Read-only, a handful of aggregate queries (one pass each). Given `store.reads`, the
 * independent ones run side by side, each on a connection of its own: the figures need not be one
 * snapshot, and one after another on PostgreSQL they took 130-170 ms at 100,000 questions.
 */
export async function loadDigestData(r: Tx, state: ProductState, now: Date): Promise<DigestData> {
  const [{ cal }, targetMin] = await Promise.all([poCalendar(r, state, new Date(now.getTime() - 35 * DAY)), r.calendar.responseTargetMin(state.id)]);
  const tz = cal.hours.timeZone;
  const today = localDate(now, tz);
  const since = zonedInstant(addDays(today, -7), 0, tz);
  const fiveWeeksAgo = zonedInstant(addDays(today, -35), 0, tz);
  const dayMs = workingDayMs(cal.hours);
  const targetSec = targetMin * 60;
  const thisMonday = addDays(today, 1 - isoWeekday(today));

  const [stats, oldestOpen, overADay, [earlier, figures], untriaged, demanded, review, daily] = await Promise.all([
    r.questions.periodStats(state.id, { before: fiveWeeksAgo, since, until: now, weeksSince: zonedInstant(addDays(thisMonday, -28), 0, tz), timeZone: tz, targetSec }),
    oldestWaiting(r, state, cal, now),
    slowerThanADay(r, state.id, cal, since, now, dayMs),
    r.intake.periodFigures(state.id, [fiveWeeksAgo, since, now]),
    r.intake.untriagedAges(state.id, 500),
    r.intake.mostDemanded(state.id, 3),
    reviewFigures(r, state, now),
    dailyAsks(r, state, since, now),
  ]);
  const aging = prefixLength(untriaged.oldest, (c) => ageOf(c, cal, now).aging);

  return {
    productName: state.name,
    from: addDays(today, -7),
    to: addDays(today, -1),
    dayMs,
    targetSec,
    questions: { period: stats.period, byTeam: stats.byTeam, weeks: stats.weeks.slice(-5), before: stats.before, oldestOpen, overADay },
    intake: {
      ...figures!,
      untriaged: untriaged.count,
      aging,
      mostDemanded: demanded.filter((d) => d.demand > 1).map((d) => ({ number: d.item.number, title: d.item.title, demand: d.demand })),
      interceptedBefore: earlier!.intercepted,
      sentProperlyBefore: earlier!.sentProperly,
    },
    review,
    daily,
  };
}

/** The three questions waiting longest, with who asked. */
async function oldestWaiting(r: Tx, state: ProductState, cal: BusinessCalendar, now: Date): Promise<DigestData['questions']['oldestOpen']> {
  const open = await r.questions.oldestOpen(state.id, { waiting: true }, 3);
  const people = new Map((await r.personsByIds(state.id, open.map((q) => q.askerId))).map((p) => [p.id, p]));
  return open.map((q) => ({
    label: questionLabel(q),
    teamName: state.teams.find((t) => t.id === q.teamId)?.name ?? 'a team',
    askerName: people.get(q.askerId)?.displayName ?? 'someone',
    text: q.text.length > 120 ? `${q.text.slice(0, 119)}…` : q.text,
    waitedMs: waitOf(q, cal, now).businessMs,
    linkKey: anchorKeyOf(q.id),
  }));
}

/** Questions of the period answered after more than a working day, and those still waiting that long. */
async function slowerThanADay(r: Tx, productId: string, cal: BusinessCalendar, since: Date, now: Date, dayMs: number): Promise<number> {
  const [answeredLate, waitingNow] = await Promise.all([
    r.questions.countSlowerThan(productId, since, now, dayMs / 1000),
    // Waiting questions of the period (a week's worth at most): those past a working day count as slow too.
    r.questions.oldestOpen(productId, { waiting: true, askedSince: since }, 1000),
  ]);
  // Oldest first, so those waiting past a day come first: found with a few business-time computations.
  return answeredLate + prefixLength(waitingNow, (q) => waitOf(q, cal, now).businessMs > dayMs);
}

async function reviewFigures(r: Tx, state: ProductState, now: Date): Promise<DigestData['review']> {
  const cadence = await r.ceremonies.cadence(state.id);
  if (!cadence) return undefined;
  const next = await nextReview(r, state.id, cadence, now);
  if (!next) return undefined;
  const [rsvps, topics, past] = await Promise.all([r.ceremonies.rsvps(next.id), r.ceremonies.topics(next.id), r.ceremonies.reviewsBefore(state.id, now, 3)]);
  const count = (a: 'yes' | 'maybe' | 'no') => rsvps.filter((x) => x.answer === a).length;
  let disengaged: string[] = [];
  if (past.length === 3) {
    const engaged = new Set<string>();
    const answers = await Promise.all(past.flatMap((p) => [r.ceremonies.rsvps(p.id), r.ceremonies.topics(p.id)]));
    for (const list of answers) for (const x of list) if (!('answer' in x) || x.answer !== 'no') engaged.add(x.personId);
    disengaged = state.stakeholders.filter((s) => !engaged.has(s.id)).map((s) => s.displayName);
  }
  return {
    sprintNumber: next.sprintNumber,
    at: next.at,
    timeZone: next.timeZone,
    cancelled: next.cancelled,
    rsvps: { yes: count('yes'), maybe: count('maybe'), no: count('no') },
    silent: state.stakeholders.filter((s) => !rsvps.some((x) => x.personId === s.id)).length,
    topics: topics.length,
    disengaged,
  };
}

async function dailyAsks(r: Tx, state: ProductState, since: Date, now: Date): Promise<DigestData['daily']> {
  const asked = await r.questions.tagged(state.id, DAILY_TAG, since, now);
  return state.teams
    .map((t) => ({ teamName: t.name, asks: asked.filter((q) => q.teamId === t.id).map((q) => (q.text.length > 80 ? `${q.text.slice(0, 79)}…` : q.text)) }))
    .filter((t) => t.asks.length > 0);
}

/**
 * How many of `oldestFirst` pass `holds`, when those that do come first (older waits longer): a binary
 * search finds them with a few business-time computations instead of one per item (each spans weeks of
 * calendar; a thousand waiting questions took 10 ms).
 */
function prefixLength<T>(oldestFirst: T[], holds: (x: T) => boolean): number {
  let lo = 0;
  let hi = oldestFirst.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (holds(oldestFirst[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
