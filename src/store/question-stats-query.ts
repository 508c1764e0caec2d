/**
 * `/po stats` in SQL and a little arithmetic. `/po stats 26` reads up to half a year of a product's
 * questions (100,000 in the benchmark); no question is ever loaded as a row of its own.
 *
 * `questionStats` has SQL count one cell per team and week, with the cell's times to a first response
 * as text, and adds the cells up four ways here — overall, per team, per week, and the weeks before the
 * last one — with exact percentiles of the cells' times taken together (percentileCont: the same figures
 * as PostgreSQL's percentile_cont). Asked to do the four groupings itself (GROUPING SETS with four
 * percentile_cont), PostgreSQL sorted the 100,000 rows by text keys four times and the times eight
 * times: 250–310 ms for 26 weeks on PostgreSQL, against ~65 ms this way (~45 ms of it the statement).
 * The times travel as comma-separated text (string_agg): through Prisma's raw queries, bytea and int[]
 * took twice as long to arrive.
 *
 * Weeks start on Monday 00:00 in the PO's time zone. Their boundaries are computed here, DST included
 * (zonedInstant), so the weeks SQL counts are by construction the weeks listed. STATS_SQL joins the
 * questions with the weeks, one range of the index on ("productId", "askedAt") per week: the planner
 * then knows how many cells to expect and hashes them (~50 ms), where with width_bucket it could not
 * tell and sorted them on disk (120 ms). The period's own bounds are repeated on the scan: without them,
 * for `/po stats 4` PGlite (no visibility map, so no cheap index-only scan) read all 100,000 questions
 * and tested each against every week (75 ms, against 30 ms with them). PERIOD_STATS_SQL and WEEKLY_SQL
 * bucket with width_bucket, the same answer as date_trunc('week', "askedAt" AT TIME ZONE 'UTC' AT TIME ZONE tz), ~25 % faster at
 * 100,000 rows. "askedAt" is UTC without a zone, so instants are passed as ISO strings cast to
 * `timestamp`: nothing depends on the session's TimeZone.
 */
import { addDays, isoWeekday, localDate, zonedInstant } from '../domain/zoned-time.js';
import {
  emptySummary,
  summarizeCells,
  type QuestionCounts,
  wholeSeconds,
  type LatencySummary,
  type PeriodStatsData,
  type PeriodStatsQuery,
  type QuestionStatsData,
  type StatsCell,
  type StatsQuery,
} from '../domain/question-stats.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { Db } from './database.js';
import { parseSortedInts } from './sorted-int-list.js';

type Client = Prisma.TransactionClient | Db;

/** A value as either driver returns it: counts are cast to int, but stay safe for bigint/numeric/text. */
type Raw = number | bigint | string | { toString(): string } | null;

/** The columns `counts()` makes. */
type CountsRow = Record<keyof QuestionCounts, Raw>;

interface Row extends CountsRow {
  /** GROUPING(…): which grouping set the row belongs to. */
  grouping: Raw;
  team: string | null;
  teamName: string | null;
  /** 1 for the period's first week. */
  week: Raw;
  medianBusinessSec: Raw;
  p90BusinessSec: Raw;
  medianWallSec: Raw;
  p90WallSec: Raw;
}

/** Each question's fields the figures are made of. */
const QUESTION_COLUMNS = `"teamId" AS team,
         "firstResponseAt" IS NOT NULL AS responded,
         "resolvedAt" IS NULL AS open,
         "firstResponseBusinessSec" AS b,
         "firstResponseWallSec" AS w,
         "handedToId" IS NOT NULL AS handed,
         "escalatedAt" IS NOT NULL AS escalated`;

/**
 * A LatencySummary's counts; `target` is the parameter holding the target in seconds.
 *
 * "withinTarget" counts responded questions only. "overdue" counts questions without a first response
 * that the nudge job escalated ("escalatedAt": it found the target passed, working hours, holidays and
 * absences included, which SQL does not know), resolved or not. The share within target is
 * withinTarget / (responded + overdue), so ignored questions count against it.
 */
const counts = (target: string) => `count(*)::int AS asked,
         (count(*) FILTER (WHERE responded))::int AS responded,
         (count(*) FILTER (WHERE NOT responded AND open))::int AS waiting,
         (count(*) FILTER (WHERE responded AND b <= ${target}::int))::int AS "withinTarget",
         (count(*) FILTER (WHERE NOT responded AND escalated))::int AS overdue,
         (count(*) FILTER (WHERE handed))::int AS "handedOff"`;

/** A LatencySummary's aggregates: its counts and its percentiles. */
const aggregates = (target: string) => `${counts(target)},
         percentile_cont(0.5) WITHIN GROUP (ORDER BY b) AS "medianBusinessSec",
         percentile_cont(0.9) WITHIN GROUP (ORDER BY b) AS "p90BusinessSec",
         percentile_cont(0.5) WITHIN GROUP (ORDER BY w) AS "medianWallSec",
         percentile_cont(0.9) WITHIN GROUP (ORDER BY w) AS "p90WallSec"`;

/**
 * The statement `questionStats` runs (exported so the benchmark can EXPLAIN it): one row per team and
 * week with questions, its counts, and its times to a first response as text ("1200,60,…", unordered;
 * NULL when none). Parameters: productId, the weeks' starts (instants, oldest first), since, until, the
 * target in seconds. A week runs from its start (or `since`) to the next one's (or `until`).
 */
export const STATS_SQL = `
WITH weeks AS (
  SELECT n::int AS week, s AS start, coalesce(lead(s) OVER (ORDER BY n), $4::timestamp) AS stop
  FROM unnest($2::timestamp[]) WITH ORDINALITY AS u(s, n)
), q AS (
  SELECT ${QUESTION_COLUMNS},
         weeks.week
  FROM weeks JOIN "Question"
    ON "productId" = $1 AND "askedAt" >= $3::timestamp AND "askedAt" < $4::timestamp
       AND "askedAt" >= greatest(weeks.start, $3::timestamp) AND "askedAt" < weeks.stop
), cells AS (
  SELECT team,
         week,
         ${counts('$5')},
         string_agg(b::text, ',') AS "businessSec",
         string_agg(w::text, ',') AS "wallSec"
  FROM q
  GROUP BY team, week
)
SELECT cells.*, t."name" AS "teamName"
FROM cells LEFT JOIN "Team" t ON t."id" = cells.team`;

/**
 * The digest's statement: one scan of [before or the first week, until), grouped by part of the window
 * (the period, the weeks before it), by team within each part, and by week. Parameters: productId, the
 * weeks' starts, the scan's start, before, since, until, the target in seconds. Questions before
 * `before` count only in their week; a week bucket 0 (before the first week) is ignored.
 */
export const PERIOD_STATS_SQL = `
WITH q AS (
  SELECT ${QUESTION_COLUMNS},
         width_bucket("askedAt", $2::timestamp[]) AS week,
         CASE WHEN "askedAt" >= $5::timestamp THEN 'period' WHEN "askedAt" >= $4::timestamp THEN 'before' END AS part
  FROM "Question"
  WHERE "productId" = $1 AND "askedAt" >= $3::timestamp AND "askedAt" < $6::timestamp
), g AS (
  SELECT GROUPING(part, team, week)::int AS grouping,
         part,
         team,
         week,
         ${aggregates('$7')}
  FROM q
  GROUP BY GROUPING SETS ((part), (part, team), (week))
)
SELECT g.*, t."name" AS "teamName"
FROM g LEFT JOIN "Team" t ON t."id" = g.team`;

/** Only the weeks: what the dashboard shows. Parameters as STATS_SQL's. */
export const WEEKLY_SQL = `
WITH q AS (
  SELECT ${QUESTION_COLUMNS},
         width_bucket("askedAt", $2::timestamp[]) AS week
  FROM "Question"
  WHERE "productId" = $1 AND "askedAt" >= $3::timestamp AND "askedAt" < $4::timestamp
)
SELECT week, ${aggregates('$5')}
FROM q
GROUP BY week`;

/** A row of STATS_SQL. */
interface CellRow extends CountsRow {
  team: string;
  teamName: string | null;
  /** 1 for the period's first week. */
  week: Raw;
  businessSec: string | null;
  wallSec: string | null;
}

type Cell = StatsCell & { teamId: string; teamName: string; week: number };

/**
 * Asked, responded, within target, overdue, handed off and the percentiles of first responses: overall, per team,
 * per week, and for the weeks before the last one.
 */
export async function questionStats(db: Client, productId: string, query: StatsQuery): Promise<QuestionStatsData> {
  const starts = weekStarts(query);
  if (starts.length === 0) return { overall: emptySummary(), byTeam: [], weeks: [], earlier: emptySummary() };
  const rows = await db.$queryRawUnsafe<CellRow[]>(STATS_SQL, ...statsParams(productId, query, starts));
  const cells = rows.map(toCell);
  const byTeam = new Map<string, Cell[]>();
  const byWeek = starts.map((): Cell[] => []);
  for (const cell of cells) {
    const team = byTeam.get(cell.teamId);
    if (team) team.push(cell);
    else byTeam.set(cell.teamId, [cell]);
    byWeek[cell.week - 1]!.push(cell);
  }
  return {
    overall: summarizeCells(cells),
    byTeam: [...byTeam.values()].map((team) => ({ ...summarizeCells(team), teamId: team[0]!.teamId, teamName: team[0]!.teamName })).sort(byTeamName),
    weeks: starts.map((weekStart, i) => ({ ...summarizeCells(byWeek[i]!), weekStart })),
    earlier: summarizeCells(cells.filter((cell) => cell.week < starts.length)),
  };
}

// GROUPING(part, team, week) of PERIOD_STATS_SQL's sets.
const BY_PART = 3;
const BY_PART_TEAM = 1;
const BY_PART_WEEK = 6;

/** The digest's questions: its period overall and per team, the weeks before it together, and its weeks. */
export async function periodStats(db: Client, productId: string, query: PeriodStatsQuery): Promise<PeriodStatsData> {
  const starts = weekStarts({ since: query.weeksSince, until: query.until, timeZone: query.timeZone });
  const from = query.before < query.weeksSince ? query.before : query.weeksSince;
  const rows = await db.$queryRawUnsafe<(Row & { part: string | null })[]>(
    PERIOD_STATS_SQL,
    productId,
    starts.map((week) => zonedInstant(week, 0, query.timeZone).toISOString()),
    from.toISOString(),
    query.before.toISOString(),
    query.since.toISOString(),
    query.until.toISOString(),
    Math.floor(query.targetSec),
  );
  let period = emptySummary();
  let before = emptySummary();
  const byTeam: PeriodStatsData['byTeam'] = [];
  const byWeek = new Map<number, LatencySummary>();
  for (const row of rows) {
    const grouping = Number(row.grouping);
    if (grouping === BY_PART && row.part === 'period') period = toSummary(row);
    else if (grouping === BY_PART && row.part === 'before') before = toSummary(row);
    else if (grouping === BY_PART_TEAM && row.part === 'period' && row.team !== null) byTeam.push({ ...toSummary(row), teamId: row.team, teamName: row.teamName ?? '' });
    else if (grouping === BY_PART_WEEK && row.week !== null) byWeek.set(Number(row.week), toSummary(row));
  }
  byTeam.sort(byTeamName);
  return { period, byTeam, before, weeks: starts.map((weekStart, i) => ({ ...(byWeek.get(i + 1) ?? emptySummary()), weekStart })) };
}

/** `questionStats(…).weeks` alone, at a fraction of the cost. */
export async function weeklyStats(db: Client, productId: string, query: StatsQuery): Promise<QuestionStatsData['weeks']> {
  const starts = weekStarts(query);
  if (starts.length === 0) return [];
  const rows = await db.$queryRawUnsafe<Row[]>(WEEKLY_SQL, ...statsParams(productId, query, starts));
  const byWeek = new Map(rows.map((row) => [Number(row.week), toSummary(row)]));
  return starts.map((weekStart, i) => ({ ...(byWeek.get(i + 1) ?? emptySummary()), weekStart }));
}

/** STATS_SQL's parameters (WEEKLY_SQL's too). */
export function statsParams(productId: string, query: StatsQuery, starts = weekStarts(query)): unknown[] {
  return [productId, starts.map((week) => zonedInstant(week, 0, query.timeZone).toISOString()), query.since.toISOString(), query.until.toISOString(), Math.floor(query.targetSec)];
}

/** Median business seconds to a first response of the product's questions asked since `since` (responded ones). */
export async function medianFirstResponseSec(db: Client, productId: string, since: Date): Promise<number | undefined> {
  const [row] = await db.$queryRawUnsafe<{ median: Raw }[]>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY "firstResponseBusinessSec") AS median
     FROM "Question"
     WHERE "productId" = $1 AND "askedAt" >= $2::timestamp AND "firstResponseAt" IS NOT NULL`,
    productId,
    since.toISOString(),
  );
  return seconds(row?.median ?? null);
}

/** The local dates of the Mondays that start the period's weeks, oldest first. */
export function weekStarts(query: Pick<StatsQuery, 'since' | 'until' | 'timeZone'>): string[] {
  const first = localDate(query.since, query.timeZone);
  const out: string[] = [];
  for (let week = addDays(first, 1 - isoWeekday(first)); zonedInstant(week, 0, query.timeZone) < query.until; week = addDays(week, 7)) {
    out.push(week);
  }
  return out;
}

function toCounts(row: CountsRow): QuestionCounts {
  return {
    asked: count(row.asked),
    responded: count(row.responded),
    waiting: count(row.waiting),
    withinTarget: count(row.withinTarget),
    overdue: count(row.overdue),
    handedOff: count(row.handedOff),
  };
}

function toSummary(row: Row): LatencySummary {
  return {
    ...toCounts(row),
    medianBusinessSec: seconds(row.medianBusinessSec),
    p90BusinessSec: seconds(row.p90BusinessSec),
    medianWallSec: seconds(row.medianWallSec),
    p90WallSec: seconds(row.p90WallSec),
  };
}

function toCell(row: CellRow): Cell {
  return {
    teamId: row.team,
    teamName: row.teamName ?? '',
    week: Number(row.week),
    ...toCounts(row),
    businessSec: parseSortedInts(row.businessSec),
    wallSec: parseSortedInts(row.wallSec),
  };
}

const byTeamName = (a: { teamId: string; teamName: string }, b: { teamId: string; teamName: string }): number =>
  a.teamName.localeCompare(b.teamName) || a.teamId.localeCompare(b.teamId);

const count = (v: Raw): number => (v === null ? 0 : Number(v));

const seconds = (v: Raw): number | undefined => wholeSeconds(v === null ? undefined : Number(v));
