/**
 * `/po stats`: the shapes the store computes in SQL, and the rules that turn them into figures.
 */
import { percentileCont } from './percentile.js';

/** What to compute: weeks start on Monday in `timeZone`; `since` is the first week's start. */
export interface StatsQuery {
  since: Date;
  until: Date;
  timeZone: string;
  targetSec: number;
}

/** How many of a set of questions asked in the period were which: counts add up across sets. */
export interface QuestionCounts {
  asked: number;
  /** Questions with a first response. */
  responded: number;
  /** Questions still open without a first response (one resolved without a response is neither). */
  waiting: number;
  /** First responses within the target (business time). */
  withinTarget: number;
  /**
   * Questions without a first response that the team was told passed the target ("escalatedAt"),
   * resolved or not: they missed it as surely as a late response did.
   */
  overdue: number;
  /** Questions the PO handed to a customer or stakeholder. */
  handedOff: number;
}

const COUNTS = ['asked', 'responded', 'waiting', 'withinTarget', 'overdue', 'handedOff'] as const satisfies readonly (keyof QuestionCounts)[];

/** Figures for a set of questions asked in the period. Times are seconds to the first response. */
export interface LatencySummary extends QuestionCounts {
  medianBusinessSec: number | undefined;
  p90BusinessSec: number | undefined;
  medianWallSec: number | undefined;
  p90WallSec: number | undefined;
}

export interface QuestionStatsData {
  overall: LatencySummary;
  byTeam: (LatencySummary & { teamId: string; teamName: string })[];
  /** One entry per week of the period, oldest first, empty weeks included. */
  weeks: (LatencySummary & { weekStart: string })[];
  /** The weeks before the last one, taken together: exact percentiles, not a median of weekly medians. */
  earlier: LatencySummary;
}

/**
 * The digest's window: the period [since, until), the comparison [before, since), and weeks from
 * `weeksSince` (a Monday 00:00 in `timeZone`) to `until`. One pass over the questions of all three.
 */
export interface PeriodStatsQuery {
  before: Date;
  since: Date;
  until: Date;
  weeksSince: Date;
  timeZone: string;
  targetSec: number;
}

export interface PeriodStatsData {
  period: LatencySummary;
  /** The period's teams with questions. */
  byTeam: (LatencySummary & { teamId: string; teamName: string })[];
  before: LatencySummary;
  /** One entry per week from `weeksSince`, oldest first, empty weeks included. */
  weeks: (LatencySummary & { weekStart: string })[];
}

/** The most weeks `/po stats` looks back (half a year), and how many it shows by default. */
export const STATS_MAX_WEEKS = 26;
export const STATS_DEFAULT_WEEKS = 4;

/** `/po stats [weeks]`: the number of weeks, or undefined when the text is not 1…STATS_MAX_WEEKS. */
export function parseStatsWeeks(text: string | undefined): number | undefined {
  const t = (text ?? '').trim();
  if (t === '') return STATS_DEFAULT_WEEKS;
  if (!/^\d{1,3}$/.test(t)) return undefined;
  const weeks = Number(t);
  return weeks >= 1 && weeks <= STATS_MAX_WEEKS ? weeks : undefined;
}

export const noQuestions = (): QuestionCounts => ({ asked: 0, responded: 0, waiting: 0, withinTarget: 0, overdue: 0, handedOff: 0 });

export const emptySummary = (): LatencySummary => ({
  ...noQuestions(),
  medianBusinessSec: undefined,
  p90BusinessSec: undefined,
  medianWallSec: undefined,
  p90WallSec: undefined,
});

/** The questions of one team in one week, as SQL counts them: what summaries add up from. */
export interface StatsCell extends QuestionCounts {
  /** Seconds to the first response, business and wall-clock, each sorted ascending. */
  businessSec: Int32Array;
  wallSec: Int32Array;
}

/** The cells taken together: counts add up; percentiles are exact, of all the cells' times at once. */
export function summarizeCells(cells: readonly StatsCell[]): LatencySummary {
  const counts = noQuestions();
  for (const cell of cells) for (const key of COUNTS) counts[key] += cell[key];
  const business = cells.map((c) => c.businessSec);
  const wall = cells.map((c) => c.wallSec);
  return {
    ...counts,
    medianBusinessSec: wholeSeconds(percentileCont(business, 0.5)),
    p90BusinessSec: wholeSeconds(percentileCont(business, 0.9)),
    medianWallSec: wholeSeconds(percentileCont(wall, 0.5)),
    p90WallSec: wholeSeconds(percentileCont(wall, 0.9)),
  };
}

/** percentile_cont interpolates: whole seconds are all anyone reads. */
export const wholeSeconds = (v: number | undefined): number | undefined => (v === undefined ? undefined : Math.round(v));

/**
 * The questions the target share is of: every first response (within the target or not) and every
 * question that passed it without one. A question still waiting inside the target is not counted yet.
 */
export const targetBase = (s: Pick<LatencySummary, 'responded' | 'overdue'>): number => s.responded + s.overdue;

const BARS = '▁▂▃▄▅▆▇█';
/** What a sparkline shows for a week without data. */
export const SPARK_GAP = '·';

/**
 * One bar per value, scaled from the smallest (▁) to the largest (█); `SPARK_GAP` where there is no
 * value. When every value is the same there is nothing to compare, so all bars are the middle one.
 */
export function sparkline(values: readonly (number | undefined)[]): string {
  const known = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  const min = Math.min(...known);
  const max = Math.max(...known);
  const top = BARS.length - 1;
  return values
    .map((v) => {
      if (v === undefined || !Number.isFinite(v)) return SPARK_GAP;
      if (max === min) return BARS[3];
      return BARS[Math.round(((v - min) / (max - min)) * top)];
    })
    .join('');
}

/**
 * "87 %", or "–" when there is nothing to divide by. Never rounds to a misleading extreme: 199 of 200
 * is "99 %", not "100 %", and 1 of 1,000 is "1 %", not "0 %".
 */
export function percent(part: number, whole: number): string {
  if (!(whole > 0)) return '–';
  let p = Math.round((part / whole) * 100);
  if (p === 100 && part < whole) p = 99;
  if (p === 0 && part > 0) p = 1;
  return `${p} %`;
}
