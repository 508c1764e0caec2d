import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { percentileCont } from '../../src/domain/percentile.js';
import type { LatencySummary, StatsQuery } from '../../src/domain/question-stats.js';
import { medianFirstResponseSec, periodStats, questionStats, weeklyStats, weekStarts } from '../../src/store/question-stats-query.js';
import { parseSortedInts } from '../../src/store/sorted-int-list.js';
import { seededRandom } from '../support/seeded-random.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/test-database.js';

const TZ = 'Europe/Berlin';
const HOUR = 3600;

/** Four weeks in Berlin, across the end of summer time (Sunday 25 October 2026, 03:00 → 02:00). */
const QUERY: StatsQuery = {
  since: new Date('2026-10-18T22:00:00Z'), // Monday 19 October, 00:00 summer time
  until: new Date('2026-11-11T12:00:00Z'), // "now": Wednesday of the fourth week
  timeZone: TZ,
  targetSec: 4 * HOUR,
};

interface Seed {
  team: 'apollo' | 'zephyr';
  askedAt: string;
  businessSec?: number;
  wallSec?: number;
  handed?: boolean;
  /** Resolved (by the asker, say) without a response from the PO. */
  resolved?: boolean;
  /** The nudge job told the team the target passed (five hours after asking). */
  escalated?: boolean;
}

/** Known questions; the comments give the PO's wall clock in Berlin. */
const SEEDS: Seed[] = [
  // Week of 19 October
  { team: 'apollo', askedAt: '2026-10-18T21:59:59Z', businessSec: 999_999, wallSec: 999_999 }, // Sun 23:59:59: before the period
  { team: 'apollo', askedAt: '2026-10-18T22:00:00Z', businessSec: 60, wallSec: 60 }, // Mon 00:00: the first instant
  { team: 'zephyr', askedAt: '2026-10-21T10:00:00Z', businessSec: 600, wallSec: 2 * HOUR, handed: true },
  { team: 'apollo', askedAt: '2026-10-25T22:59:00Z', businessSec: 1200, wallSec: 1200 }, // Sun 23:59 winter time
  // Week of 26 October
  { team: 'apollo', askedAt: '2026-10-25T23:30:00Z', businessSec: 300, wallSec: 300 }, // Mon 00:30: a Sunday in UTC
  { team: 'apollo', askedAt: '2026-10-27T09:00:00Z', escalated: true }, // still waiting, past the target: overdue
  { team: 'apollo', askedAt: '2026-10-29T09:00:00Z', resolved: true, escalated: true }, // resolved without a response after passing the target: overdue
  { team: 'zephyr', askedAt: '2026-10-28T09:00:00Z', businessSec: 5 * HOUR, wallSec: 25 * HOUR, escalated: true }, // over the target, then responded: late, not overdue
  // Week of 2 November: nothing
  // Week of 9 November (this week)
  { team: 'zephyr', askedAt: '2026-11-10T08:00:00Z', businessSec: 4 * HOUR, wallSec: 4 * HOUR, handed: true }, // exactly the target
  { team: 'apollo', askedAt: '2026-11-11T11:59:59Z' }, // still waiting
  { team: 'apollo', askedAt: '2026-11-11T12:00:00Z', businessSec: 1, wallSec: 1 }, // at `until`: not yet in the period
];

describe.each(testDatabaseKinds())('question statistics in SQL (%s)', (kind) => {
  let database: TestDatabase;
  let productId: string;
  let emptyProductId: string;
  const teamIds = { apollo: '', zephyr: '' };
  const prisma = () => database.db.prisma;

  async function seedProduct(name: string, teams: string[]) {
    const ws = await prisma().workspace.create({ data: { platform: 'slack', externalId: `T-${name}-${Math.random().toString(36).slice(2, 8)}` } });
    const product = await prisma().product.create({ data: { name, workspaces: { connect: { id: ws.id } } } });
    const asker = await prisma().person.create({ data: { productId: product.id, workspaceId: ws.id, platformUserId: 'U-ASKER', displayName: 'Asker' } });
    const ids: string[] = [];
    for (const [i, team] of teams.entries()) {
      ids.push((await prisma().team.create({ data: { productId: product.id, workspaceId: ws.id, channelId: `C${i}`, name: team } })).id);
    }
    return { productId: product.id, askerId: asker.id, teamIds: ids };
  }

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const main = await seedProduct('main', ['Apollo', 'Zephyr <b>']);
    productId = main.productId;
    teamIds.apollo = main.teamIds[0]!;
    teamIds.zephyr = main.teamIds[1]!;
    await prisma().question.createMany({
      data: SEEDS.map((s, i) => ({
        productId,
        number: i + 1,
        teamId: teamIds[s.team],
        askerId: main.askerId,
        text: `question ${i + 1}`,
        source: 'command',
        askedAt: new Date(s.askedAt),
        firstResponseAt: s.businessSec === undefined ? null : new Date(Date.parse(s.askedAt) + s.wallSec! * 1000),
        firstResponseKind: s.businessSec === undefined ? null : s.handed ? 'handoff' : 'answer',
        firstResponseBusinessSec: s.businessSec ?? null,
        firstResponseWallSec: s.wallSec ?? null,
        handedToId: s.handed ? main.askerId : null,
        resolvedAt: s.resolved ? new Date(Date.parse(s.askedAt) + (s.escalated ? 6 * HOUR : 60) * 1000) : null,
        escalatedAt: s.escalated ? new Date(Date.parse(s.askedAt) + 5 * HOUR * 1000) : null,
      })),
    });
    // Another product's questions in the same period never count.
    const other = await seedProduct('other', ['Apollo']);
    await prisma().question.create({
      data: { productId: other.productId, number: 1, teamId: other.teamIds[0]!, askerId: other.askerId, text: 'x', source: 'command', askedAt: new Date('2026-10-20T10:00:00Z'), firstResponseAt: new Date('2026-10-20T10:00:05Z'), firstResponseBusinessSec: 5, firstResponseWallSec: 5 },
    });
    emptyProductId = (await seedProduct('empty', ['Lonely'])).productId;
  });
  afterAll(async () => database?.drop());

  it('gives medians, 90th percentiles and counts over the whole period', async () => {
    const stats = await questionStats(prisma(), productId, QUERY);
    // Business: 60, 300, 600, 1200, 14400, 18000. Wall: 60, 300, 1200, 7200, 14400, 90000.
    expect(stats.overall).toEqual({
      asked: 9,
      responded: 6,
      waiting: 2,
      withinTarget: 5,
      overdue: 2,
      handedOff: 2,
      medianBusinessSec: 900,
      p90BusinessSec: 16_200,
      medianWallSec: 4200,
      p90WallSec: 52_200,
    });
  });

  it('splits by team, sorted by name, with the team names as stored', async () => {
    const stats = await questionStats(prisma(), productId, QUERY);
    expect(stats.byTeam).toEqual([
      { teamId: teamIds.apollo, teamName: 'Apollo', asked: 6, responded: 3, waiting: 2, withinTarget: 3, overdue: 2, handedOff: 0, medianBusinessSec: 300, p90BusinessSec: 1020, medianWallSec: 300, p90WallSec: 1020 },
      { teamId: teamIds.zephyr, teamName: 'Zephyr <b>', asked: 3, responded: 3, waiting: 0, withinTarget: 2, overdue: 0, handedOff: 2, medianBusinessSec: 14_400, p90BusinessSec: 17_280, medianWallSec: 14_400, p90WallSec: 74_880 },
    ]);
  });

  it('splits by week starting Monday 00:00 in the PO’s zone, across a DST change, with empty weeks filled in', async () => {
    const stats = await questionStats(prisma(), productId, QUERY);
    expect(stats.weeks).toEqual([
      { weekStart: '2026-10-19', asked: 3, responded: 3, waiting: 0, withinTarget: 3, overdue: 0, handedOff: 1, medianBusinessSec: 600, p90BusinessSec: 1080, medianWallSec: 1200, p90WallSec: 6000 },
      { weekStart: '2026-10-26', asked: 4, responded: 2, waiting: 1, withinTarget: 1, overdue: 2, handedOff: 0, medianBusinessSec: 9150, p90BusinessSec: 16_230, medianWallSec: 45_150, p90WallSec: 81_030 },
      { weekStart: '2026-11-02', asked: 0, responded: 0, waiting: 0, withinTarget: 0, overdue: 0, handedOff: 0, medianBusinessSec: undefined, p90BusinessSec: undefined, medianWallSec: undefined, p90WallSec: undefined },
      { weekStart: '2026-11-09', asked: 2, responded: 1, waiting: 1, withinTarget: 1, overdue: 0, handedOff: 1, medianBusinessSec: 14_400, p90BusinessSec: 14_400, medianWallSec: 14_400, p90WallSec: 14_400 },
    ]);
  });

  it('takes the weeks before this one together, for "this week vs the previous ones"', async () => {
    const stats = await questionStats(prisma(), productId, QUERY);
    // Business: 60, 300, 600, 1200, 18000. Wall: 60, 300, 1200, 7200, 90000.
    expect(stats.earlier).toEqual({ asked: 7, responded: 5, waiting: 1, withinTarget: 4, overdue: 2, handedOff: 1, medianBusinessSec: 600, p90BusinessSec: 11_280, medianWallSec: 1200, p90WallSec: 56_880 });
  });

  it('puts the same instants in other weeks for a PO in another zone', async () => {
    // In UTC, Monday 00:30 Berlin (Sunday 23:30 UTC) still belongs to the week of 19 October, and
    // Monday 00:00 Berlin (Sunday 22:00 UTC) is before the period.
    const stats = await questionStats(prisma(), productId, { ...QUERY, since: new Date('2026-10-19T00:00:00Z'), timeZone: 'UTC' });
    expect(stats.weeks.map((w) => [w.weekStart, w.asked])).toEqual([
      ['2026-10-19', 3],
      ['2026-10-26', 3],
      ['2026-11-02', 0],
      ['2026-11-09', 2],
    ]);
  });

  it('answers an empty period with zeros, no teams and every week', async () => {
    const stats = await questionStats(prisma(), emptyProductId, QUERY);
    expect(stats.overall).toMatchObject({ asked: 0, responded: 0, overdue: 0, medianBusinessSec: undefined, p90WallSec: undefined });
    expect(stats.byTeam).toEqual([]);
    expect(stats.earlier.asked).toBe(0);
    expect(stats.weeks.map((w) => w.weekStart)).toEqual(['2026-10-19', '2026-10-26', '2026-11-02', '2026-11-09']);
    expect(stats.weeks.every((w) => w.asked === 0)).toBe(true);
  });

  it('answers an empty period (until before since) without asking the database', async () => {
    const stats = await questionStats(prisma(), productId, { ...QUERY, until: QUERY.since });
    expect(stats).toEqual({ overall: expect.objectContaining({ asked: 0 }), byTeam: [], weeks: [], earlier: expect.objectContaining({ asked: 0 }) });
  });

  it('gives the median business time to a first response since an instant', async () => {
    // No upper bound: the question asked at `until` (1 s) counts too. 1, 60, 300, 600, 1200, 14400, 18000.
    expect(await medianFirstResponseSec(prisma(), productId, QUERY.since)).toBe(600);
    // Responded questions asked from Monday 26 October 00:00 UTC: 18000 and 14400 and the one at `until`, 1.
    expect(await medianFirstResponseSec(prisma(), productId, new Date('2026-10-26T00:00:00Z'))).toBe(14_400);
    expect(await medianFirstResponseSec(prisma(), emptyProductId, QUERY.since)).toBeUndefined();
  });

  it('gives the digest’s period, the weeks before it and its weeks in one pass, as three separate queries would', async () => {
    // The period: Thursday 5 November 00:00 Berlin to `until`; the weeks before it from 8 October; weeks from 19 October.
    const since = new Date('2026-11-04T23:00:00Z');
    const before = new Date('2026-10-07T22:00:00Z');
    const got = await periodStats(prisma(), productId, { before, since, until: QUERY.until, weeksSince: QUERY.since, timeZone: TZ, targetSec: QUERY.targetSec });
    const period = await questionStats(prisma(), productId, { ...QUERY, since });
    const earlier = await questionStats(prisma(), productId, { ...QUERY, since: before, until: since });
    expect(got).toEqual({ period: period.overall, byTeam: period.byTeam, before: earlier.overall, weeks: (await questionStats(prisma(), productId, QUERY)).weeks });
    // Written out: the period holds this week's two (one waiting), the 4 weeks before everything else, the 23:59:59 one included.
    expect(got.period).toMatchObject({ asked: 2, responded: 1, waiting: 1, medianBusinessSec: 14_400 });
    expect(got.byTeam.map((t) => [t.teamName, t.asked])).toEqual([['Apollo', 1], ['Zephyr <b>', 1]]);
    expect(got.before).toMatchObject({ asked: 8, responded: 6, waiting: 1, overdue: 2, medianBusinessSec: 900 });
  });

  it('counts a question before `before` only in its week, and one before the first week nowhere', async () => {
    // The weeks start before `before`: Sunday 23:59:59 (before the weeks) is in neither; Monday 00:00 is in its week only.
    const before = new Date('2026-10-19T00:00:00Z');
    const got = await periodStats(prisma(), productId, { before, since: QUERY.since, until: QUERY.until, weeksSince: QUERY.since, timeZone: TZ, targetSec: QUERY.targetSec });
    expect(got.before.asked).toBe(0);
    expect(got.period.asked).toBe(9);
    expect(got.weeks.map((w) => w.asked)).toEqual([3, 4, 0, 2]);
  });

  it('gives the weeks alone as the full statistics do, and every week of an empty product', async () => {
    expect(await weeklyStats(prisma(), productId, QUERY)).toEqual((await questionStats(prisma(), productId, QUERY)).weeks);
    expect((await weeklyStats(prisma(), emptyProductId, QUERY)).map((w) => [w.weekStart, w.asked])).toEqual([['2026-10-19', 0], ['2026-10-26', 0], ['2026-11-02', 0], ['2026-11-09', 0]]);
    expect(await weeklyStats(prisma(), productId, { ...QUERY, until: QUERY.since })).toEqual([]);
  });

  it('runs in an interactive transaction, whatever the session’s time zone', async () => {
    const inAuckland = await prisma().$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL TIME ZONE 'Pacific/Auckland'`);
      return questionStats(tx, productId, QUERY);
    });
    expect(inAuckland).toEqual(await questionStats(prisma(), productId, QUERY));
  });

  describe('against PostgreSQL’s own percentile_cont, over many questions', () => {
    // Five weeks in UTC from Monday 2 March 2026; "now" is Wednesday noon of the fifth.
    const DAY_MS = 86_400_000;
    const since = new Date('2026-03-02T00:00:00Z');
    const weekStart = (i: number) => new Date(since.getTime() + i * 7 * DAY_MS);
    const until = new Date(weekStart(4).getTime() + 2.5 * DAY_MS);
    const query: StatsQuery = { since, until, timeZone: 'UTC', targetSec: 2 * HOUR };
    let manyId: string;
    const manyTeams: { id: string; name: string }[] = [];

    beforeAll(async () => {
      const names = ['Cygnus', 'Apollo', 'Borealis', 'Silent'];
      const product = await seedProduct('many', names);
      manyId = product.productId;
      manyTeams.push(...names.map((name, i) => ({ id: product.teamIds[i]!, name })));
      const random = seededRandom(20_261_212);
      const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
      const rows: { team: number; askedAt: Date; businessSec?: number; wallSec?: number; handed?: boolean; resolved?: boolean; escalated?: boolean }[] = [];
      // Weeks 1, 2 and 5 busy, teams unevenly so (Silent never responds). Business times spread wide,
      // so that taking a neighbour of the right value shows; wall-clock times in whole hours, so that
      // most percentiles fall among ties.
      for (let n = 0; n < 1500; n++) {
        const week = pick([0, 1, 4]);
        const span = week === 4 ? until.getTime() - weekStart(4).getTime() : 7 * DAY_MS;
        const askedAt = new Date(weekStart(week).getTime() + Math.floor(random() * span));
        const team = pick([0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3]);
        if (team === 3 || random() < 0.15) {
          rows.push({ team, askedAt, resolved: random() < 0.3, escalated: random() < 0.5 });
          continue;
        }
        const businessSec = random() < 0.2 ? pick([60, 600, 3600, 7200]) : 1 + Math.floor(random() * 100_000);
        const wallSec = HOUR * Math.ceil((businessSec * pick([1, 1, 2, 3])) / HOUR);
        rows.push({ team, askedAt, businessSec, wallSec, handed: random() < 0.15, escalated: businessSec > 2 * HOUR && random() < 0.5 });
      }
      // Week 3: one response and two waiting; week 4: nothing.
      rows.push({ team: 1, askedAt: new Date(weekStart(2).getTime() + 3 * DAY_MS), businessSec: 777, wallSec: 999 });
      rows.push({ team: 0, askedAt: new Date(weekStart(2).getTime() + 4 * DAY_MS) }, { team: 0, askedAt: new Date(weekStart(3).getTime() - 1) });
      // Just outside the period.
      rows.push({ team: 0, askedAt: new Date(since.getTime() - 1), businessSec: 1, wallSec: 1 }, { team: 0, askedAt: until, businessSec: 1, wallSec: 1 });
      await prisma().question.createMany({
        data: rows.map((r, i) => ({
          productId: manyId,
          number: i + 1,
          teamId: manyTeams[r.team]!.id,
          askerId: product.askerId,
          text: `question ${i + 1}`,
          source: 'command',
          askedAt: r.askedAt,
          firstResponseAt: r.businessSec === undefined ? null : new Date(r.askedAt.getTime() + r.wallSec! * 1000),
          firstResponseBusinessSec: r.businessSec ?? null,
          firstResponseWallSec: r.wallSec ?? null,
          handedToId: r.handed ? product.askerId : null,
          resolvedAt: r.resolved ? new Date(r.askedAt.getTime() + 6 * HOUR * 1000) : null,
          escalatedAt: r.escalated ? new Date(r.askedAt.getTime() + 2 * HOUR * 1000) : null,
        })),
      });
    });

    /** The figures for the period's questions asked in [from, to) (of one team), straight from PostgreSQL. */
    async function expected(from: Date, to: Date, teamId?: string): Promise<LatencySummary> {
      const [row] = await prisma().$queryRawUnsafe<Record<keyof LatencySummary, number | null>[]>(
        `SELECT count(*)::int AS asked,
                count("firstResponseAt")::int AS responded,
                (count(*) FILTER (WHERE "firstResponseAt" IS NULL AND "resolvedAt" IS NULL))::int AS waiting,
                (count(*) FILTER (WHERE "firstResponseAt" IS NOT NULL AND "firstResponseBusinessSec" <= $5))::int AS "withinTarget",
                (count(*) FILTER (WHERE "firstResponseAt" IS NULL AND "escalatedAt" IS NOT NULL))::int AS overdue,
                count("handedToId")::int AS "handedOff",
                percentile_cont(0.5) WITHIN GROUP (ORDER BY "firstResponseBusinessSec") AS "medianBusinessSec",
                percentile_cont(0.9) WITHIN GROUP (ORDER BY "firstResponseBusinessSec") AS "p90BusinessSec",
                percentile_cont(0.5) WITHIN GROUP (ORDER BY "firstResponseWallSec") AS "medianWallSec",
                percentile_cont(0.9) WITHIN GROUP (ORDER BY "firstResponseWallSec") AS "p90WallSec"
         FROM "Question"
         WHERE "productId" = $1 AND "askedAt" >= $2::timestamp AND "askedAt" < $3::timestamp AND ($4::text IS NULL OR "teamId" = $4)`,
        manyId,
        (from < since ? since : from).toISOString(),
        (to > until ? until : to).toISOString(),
        teamId ?? null,
        query.targetSec,
      );
      const round = (v: number | null) => (v === null ? undefined : Math.round(Number(v)));
      return { ...row!, medianBusinessSec: round(row!.medianBusinessSec), p90BusinessSec: round(row!.p90BusinessSec), medianWallSec: round(row!.medianWallSec), p90WallSec: round(row!.p90WallSec) } as LatencySummary;
    }

    it('gives the same figures overall, per team, per week and for the earlier weeks', async () => {
      const stats = await questionStats(prisma(), manyId, query);
      expect(stats.overall).toEqual(await expected(since, until));
      const sorted = [...manyTeams].sort((a, b) => a.name.localeCompare(b.name));
      expect(stats.byTeam).toEqual(await Promise.all(sorted.map(async (t) => ({ ...(await expected(since, until, t.id)), teamId: t.id, teamName: t.name }))));
      expect(stats.weeks).toEqual(await Promise.all(stats.weeks.map(async (_, i) => ({ ...(await expected(weekStart(i), weekStart(i + 1))), weekStart: weekStart(i).toISOString().slice(0, 10) }))));
      expect(stats.earlier).toEqual(await expected(since, weekStart(4)));
      // What the seeds promise: a team without responses, a week with one, an empty week.
      expect(stats.overall.asked).toBeGreaterThan(1400);
      expect(stats.byTeam.find((t) => t.teamName === 'Silent')).toMatchObject({ responded: 0, medianBusinessSec: undefined, p90WallSec: undefined });
      expect(stats.byTeam.find((t) => t.teamName === 'Silent')!.asked).toBeGreaterThan(0);
      expect(stats.weeks[2]).toMatchObject({ asked: 3, responded: 1, waiting: 2, medianBusinessSec: 777, p90BusinessSec: 777, medianWallSec: 999, p90WallSec: 999 });
      expect(stats.weeks[3]!.asked).toBe(0);
    });

    it('takes percentiles of several lists as percentile_cont does of all their values, bit for bit', async () => {
      const fractions = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1];
      const rows = await prisma().$queryRawUnsafe<{ times: string | null }[]>(
        `SELECT string_agg("firstResponseBusinessSec"::text, ',') AS times FROM "Question" WHERE "productId" = $1 GROUP BY "teamId", "askedAt" < $2::timestamp`,
        manyId,
        weekStart(2).toISOString(),
      );
      const [row] = await prisma().$queryRawUnsafe<Record<string, number | null>[]>(
        `SELECT ${fractions.map((p, i) => `percentile_cont(${p}) WITHIN GROUP (ORDER BY "firstResponseBusinessSec") AS p${i}`).join(', ')} FROM "Question" WHERE "productId" = $1`,
        manyId,
      );
      const lists = rows.map((r) => parseSortedInts(r.times));
      expect(lists.length).toBeGreaterThan(4);
      expect(fractions.map((p) => percentileCont(lists, p))).toEqual(fractions.map((_, i) => Number(row![`p${i}`])));
    });
  });
});

describe('weekStarts', () => {
  it('lists the Mondays from the week of `since` up to the week holding `until`', () => {
    expect(weekStarts(QUERY)).toEqual(['2026-10-19', '2026-10-26', '2026-11-02', '2026-11-09']);
    // `since` mid-week is read as its week.
    expect(weekStarts({ since: new Date('2026-10-21T12:00:00Z'), until: new Date('2026-10-27T00:00:00Z'), timeZone: TZ })).toEqual(['2026-10-19', '2026-10-26']);
    // `until` exactly at a Monday 00:00 does not open that week.
    expect(weekStarts({ since: QUERY.since, until: new Date('2026-10-25T23:00:00Z'), timeZone: TZ })).toEqual(['2026-10-19']);
  });
});
