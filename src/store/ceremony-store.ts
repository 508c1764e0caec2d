import type { CeremonyStore, Platform, ReviewRecord } from '../app/ports.js';
import type { DailySetting } from '../domain/daily-scrum.js';
import type { ReviewCadence, RsvpAnswer } from '../domain/sprint-review.js';
import type { Prisma } from '../generated/prisma/client.js';
import { utcTimestamp } from './database.js';

type PrismaTx = Prisma.TransactionClient;
type ReviewRow = Prisma.ReviewGetPayload<object>;
type CadenceRow = Prisma.SprintCadenceGetPayload<object>;

const u = <T>(v: T | null): T | undefined => v ?? undefined;

function toReview(r: ReviewRow): ReviewRecord {
  return { id: r.id, productId: r.productId, sprintNumber: r.sprintNumber, at: r.at, timeZone: r.timeZone, location: u(r.location), note: u(r.note), cancelled: r.cancelled, moved: r.moved };
}

function toCadence(r: CadenceRow): ReviewCadence {
  return {
    firstSprintStart: r.firstSprintStart,
    firstNumber: r.firstNumber,
    weeks: r.weeks,
    reviewWeekday: r.reviewWeekday,
    reviewTime: r.reviewTime,
    timeZone: r.timeZone,
    location: u(r.location),
    inviteDaysBefore: r.inviteDaysBefore,
  };
}

const dailyOf = (t: { dailyTimeMin: number | null; dailyDays: number[]; dailyTimeZone: string | null; dailyLeadMin: number }): DailySetting | undefined =>
  t.dailyTimeMin === null || !t.dailyTimeZone ? undefined : { timeMin: t.dailyTimeMin, days: t.dailyDays, timeZone: t.dailyTimeZone, leadMin: t.dailyLeadMin };

export function ceremonyStore(db: PrismaTx): CeremonyStore {
  return {
    async daily(teamId) {
      return dailyOf(await db.team.findUniqueOrThrow({ where: { id: teamId } }));
    },

    async setDaily(teamId, s) {
      await db.team.update({
        where: { id: teamId },
        data: s ? { dailyTimeMin: s.timeMin, dailyDays: s.days, dailyTimeZone: s.timeZone, dailyLeadMin: s.leadMin } : { dailyTimeMin: null },
      });
    },

    async teamsWithDaily() {
      // Raw SQL: this runs every minute over every team with a reminder, and Prisma's findMany with the
      // workspace included took 180-250 ms for 2,000 teams, the first thing a minute of reminders waits for.
      // One order for every replica: their batched claims then wait on each other instead of deadlocking.
      const rows = await db.$queryRawUnsafe<
        { id: string; productId: string; name: string; channelId: string; dailyTimeMin: number | null; dailyDays: number[] | null; dailyTimeZone: string | null; dailyLeadMin: number; refineNote: string | null; refineUntil: Date | null; workspaceId: string; platform: string; externalId: string }[]
      >(
        `SELECT t."id", t."productId", t."name", t."channelId", t."dailyTimeMin", t."dailyDays", t."dailyTimeZone", t."dailyLeadMin", t."refineNote", t."refineUntil",
                w."id" AS "workspaceId", w."platform", w."externalId"
         FROM "Team" t JOIN "Workspace" w ON w."id" = t."workspaceId"
         WHERE t."dailyTimeMin" IS NOT NULL
         ORDER BY t."createdAt", t."id"`,
      );
      return rows.flatMap((t) => {
        const setting = dailyOf({ ...t, dailyDays: t.dailyDays ?? [] });
        const workspace = { id: t.workspaceId, platform: t.platform as Platform, externalId: t.externalId };
        const refine = t.refineNote && t.refineUntil ? { note: t.refineNote, until: new Date(t.refineUntil) } : undefined;
        return setting ? [{ teamId: t.id, productId: t.productId, name: t.name, channelId: t.channelId, workspace, setting, refine }] : [];
      });
    },

    async claimDailyReminders(claims, postedAt) {
      if (claims.length === 0) return new Set();
      // Raw SQL, one statement of arrays: up to 200 claims at a time, and Prisma's createManyAndReturn
      // spends ~0.25 ms of CPU per row compiling it while the dispatcher waits for the event loop.
      const made = await db.$queryRawUnsafe<{ teamId: string }[]>(
        `INSERT INTO "DailyReminder" ("teamId", "date", "meetingAt", "postedAt")
         SELECT c.team, c.day, ${utcTimestamp('c.meeting')}, ${utcTimestamp('$4')}
         FROM unnest($1::text[], $2::text[], $3::text[]) AS c(team, day, meeting)
         ON CONFLICT DO NOTHING
         RETURNING "teamId"`,
        claims.map((c) => c.teamId),
        claims.map((c) => c.date),
        claims.map((c) => c.meetingAt.toISOString()),
        postedAt.toISOString(),
      );
      return new Set(made.map((r) => r.teamId));
    },

    async refineNote(teamId) {
      const t = await db.team.findUniqueOrThrow({ where: { id: teamId }, select: { refineNote: true, refineUntil: true } });
      return t.refineNote && t.refineUntil ? { note: t.refineNote, until: t.refineUntil } : undefined;
    },

    async setRefineNote(teamId, note) {
      await db.team.update({ where: { id: teamId }, data: { refineNote: note?.note ?? null, refineUntil: note?.until ?? null } });
    },

    async cadence(productId) {
      const row = await db.sprintCadence.findUnique({ where: { productId } });
      return row ? toCadence(row) : undefined;
    },

    async setCadence(productId, c) {
      const data = { ...c, location: c.location ?? null };
      await db.sprintCadence.upsert({ where: { productId }, create: { productId, ...data }, update: data });
    },

    async cadences() {
      const rows = await db.sprintCadence.findMany();
      return rows.map((r) => ({ productId: r.productId, cadence: toCadence(r) }));
    },

    async ensureReview(productId, plan) {
      await db.review.createMany({
        data: [{ productId, sprintNumber: plan.sprintNumber, at: plan.at, timeZone: plan.timeZone, location: plan.location ?? null }],
        skipDuplicates: true,
      });
      return toReview(await db.review.findUniqueOrThrow({ where: { productId_sprintNumber: { productId, sprintNumber: plan.sprintNumber } } }));
    },

    async review(productId, id) {
      await db.$queryRaw`SELECT 1 FROM "Review" WHERE "id" = ${id} FOR UPDATE`;
      const row = await db.review.findFirst({ where: { id, productId } });
      return row ? toReview(row) : undefined;
    },

    async updateReview(id, change) {
      await db.review.update({ where: { id }, data: change });
    },

    async setRsvp(reviewId, personId, answer, at) {
      await db.reviewRsvp.upsert({ where: { reviewId_personId: { reviewId, personId } }, create: { reviewId, personId, answer, at }, update: { answer, at } });
    },

    async rsvps(reviewId) {
      const rows = await db.reviewRsvp.findMany({ where: { reviewId }, orderBy: { at: 'asc' } });
      return rows.map((r) => ({ personId: r.personId, answer: r.answer as RsvpAnswer, at: r.at }));
    },

    async addTopic(reviewId, personId, text, at) {
      await db.reviewTopic.create({ data: { reviewId, personId, text, at } });
    },

    async topics(reviewId) {
      const rows = await db.reviewTopic.findMany({ where: { reviewId }, orderBy: { id: 'asc' } });
      return rows.map((r) => ({ personId: r.personId, text: r.text, at: r.at }));
    },

    async claimPrompt(reviewId, kind, personId, at) {
      const done = await db.reviewPrompt.createMany({ data: [{ reviewId, kind, personId, sentAt: at }], skipDuplicates: true });
      return done.count === 1;
    },

    async reviewsBefore(productId, before, limit) {
      const rows = await db.review.findMany({ where: { productId, at: { lt: before }, cancelled: false }, orderBy: { at: 'desc' }, take: limit });
      return rows.map(toReview);
    },

    async digestSchedule(productId) {
      const p = await db.product.findUniqueOrThrow({ where: { id: productId }, select: { digestWeekday: true, digestTimeMin: true, lastDigestDay: true, owner: { select: { assignedAt: true } } } });
      return { weekday: p.digestWeekday, timeMin: p.digestTimeMin, lastDay: u(p.lastDigestDay), ownerSince: p.owner?.assignedAt };
    },

    async setDigestSchedule(productId, weekday, timeMin) {
      await db.product.update({ where: { id: productId }, data: { digestWeekday: weekday, digestTimeMin: timeMin } });
    },

    async claimDigest(productId, day) {
      // Conditional update: of two replicas (or two runs), only the first moves lastDigestDay to this day.
      const done = await db.product.updateMany({ where: { id: productId, OR: [{ lastDigestDay: null }, { lastDigestDay: { not: day } }] }, data: { lastDigestDay: day } });
      return done.count === 1;
    },

    async productsWithOwner() {
      const rows = await db.productOwner.findMany({ select: { productId: true } });
      return rows.map((r) => r.productId);
    },

    async reviewsFrom(productId, from) {
      const rows = await db.review.findMany({ where: { productId, at: { gte: from } }, orderBy: { at: 'asc' } });
      return rows.map(toReview);
    },
  };
}
