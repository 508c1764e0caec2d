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
 * weeks before them. Read-only: one transaction, a handful of aggregate queries (one pass each).
 */
export async function loadDigestData(tx: Tx, state: ProductState, now: Date): Promise<DigestData> {
  const { cal } = await poCalendar(tx, state, new Date(now.getTime() - 35 * DAY));
  const tz = cal.hours.timeZone;
  const today = localDate(now, tz);
  const since = zonedInstant(addDays(today, -7), 0, tz);
  const fiveWeeksAgo = zonedInstant(addDays(today, -35), 0, tz);
  const dayMs = workingDayMs(cal.hours);
  const targetSec = (await tx.calendar.responseTargetMin(state.id)) * 60;

  const thisMonday = addDays(today, 1 - isoWeekday(today));
  const stats = await tx.questions.periodStats(state.id, { before: fiveWeeksAgo, since, until: now, weeksSince: zonedInstant(addDays(thisMonday, -28), 0, tz), timeZone: tz, targetSec });
  const open = await tx.questions.oldestOpen(state.id, { waiting: true }, 3);
  const people = new Map((await tx.personsByIds(state.id, open.map((q) => q.askerId))).map((p) => [p.id, p]));
  const oldestOpen = open.map((q) => ({
    label: questionLabel(q),
    teamName: state.teams.find((t) => t.id === q.teamId)?.name ?? 'a team',
    askerName: people.get(q.askerId)?.displayName ?? 'someone',
    text: q.text.length > 120 ? `${q.text.slice(0, 119)}…` : q.text,
    waitedMs: waitOf(q, cal, now).businessMs,
    linkKey: anchorKeyOf(q.id),
  }));
  // Waiting questions of the period (a week's worth at most): those past a working day count as slow too.
  const waitingNow = await tx.questions.oldestOpen(state.id, { waiting: true, askedSince: since }, 1000);
  const waitingOverADay = waitingNow.filter((q) => waitOf(q, cal, now).businessMs > dayMs).length;
  const overADay = (await tx.questions.countSlowerThan(state.id, since, now, dayMs / 1000)) + waitingOverADay;

  const [earlier, figures] = await tx.intake.periodFigures(state.id, [fiveWeeksAgo, since, now]);
  const untriaged = await tx.intake.untriagedAges(state.id, 500);
  const aging = agingPrefix(untriaged.oldest, (c) => ageOf(c, cal, now).aging);
  const demanded = await tx.intake.mostDemanded(state.id, 3);

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
    review: await reviewFigures(tx, state, now),
    daily: await dailyAsks(tx, state, since, now),
  };
}

async function reviewFigures(tx: Tx, state: ProductState, now: Date): Promise<DigestData['review']> {
  const cadence = await tx.ceremonies.cadence(state.id);
  if (!cadence) return undefined;
  const next = await nextReview(tx, state.id, cadence, now);
  if (!next) return undefined;
  const rsvps = await tx.ceremonies.rsvps(next.id);
  const count = (a: 'yes' | 'maybe' | 'no') => rsvps.filter((r) => r.answer === a).length;
  const past = await tx.ceremonies.reviewsBefore(state.id, now, 3);
  let disengaged: string[] = [];
  if (past.length === 3) {
    const engaged = new Set<string>();
    for (const r of past) {
      for (const x of await tx.ceremonies.rsvps(r.id)) if (x.answer !== 'no') engaged.add(x.personId);
      for (const x of await tx.ceremonies.topics(r.id)) engaged.add(x.personId);
    }
    disengaged = state.stakeholders.filter((s) => !engaged.has(s.id)).map((s) => s.displayName);
  }
  return {
    sprintNumber: next.sprintNumber,
    at: next.at,
    timeZone: next.timeZone,
    cancelled: next.cancelled,
    rsvps: { yes: count('yes'), maybe: count('maybe'), no: count('no') },
    silent: state.stakeholders.filter((s) => !rsvps.some((r) => r.personId === s.id)).length,
    topics: (await tx.ceremonies.topics(next.id)).length,
    disengaged,
  };
}

async function dailyAsks(tx: Tx, state: ProductState, since: Date, now: Date): Promise<DigestData['daily']> {
  const asked = await tx.questions.tagged(state.id, DAILY_TAG, since, now);
  return state.teams
    .map((t) => ({ teamName: t.name, asks: asked.filter((q) => q.teamId === t.id).map((q) => (q.text.length > 80 ? `${q.text.slice(0, 79)}…` : q.text)) }))
    .filter((t) => t.asks.length > 0);
}

/**
 * How many of `oldestFirst` are aging: they form a prefix (older waits longer), so a binary search finds
 * it with a few business-time computations instead of one per item (each spans weeks of calendar).
 */
function agingPrefix(oldestFirst: Date[], aging: (createdAt: Date) => boolean): number {
  let lo = 0;
  let hi = oldestFirst.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (aging(oldestFirst[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
