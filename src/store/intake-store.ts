import { randomUUID } from 'node:crypto';
import type { IntakeChange, IntakeStore, Interception, NewIntakeItem, Platform } from '../app/ports.js';
import type { IntakeItem, IntakeSource, IntakeStatus, InterceptMode, Urgency } from '../domain/intake.js';
import type { RequestSignal } from '../domain/request-detector.js';
import type { Prisma } from '../generated/prisma/client.js';

type PrismaTx = Prisma.TransactionClient;
type Row = Prisma.IntakeItemGetPayload<object>;
type InterceptionRow = Prisma.InterceptionGetPayload<object>;

/** Trigram similarity from which two requests are worth showing side by side (1 = the same words). */
const SIMILAR_AT_LEAST = 0.25;

const u = <T>(v: T | null): T | undefined => v ?? undefined;

function toItem(r: Row): IntakeItem {
  return {
    id: r.id,
    productId: r.productId,
    number: r.number,
    title: r.title,
    problem: u(r.problem),
    value: u(r.value),
    urgency: r.urgency as Urgency,
    neededBy: u(r.neededBy),
    link: u(r.link),
    source: r.source as IntakeSource,
    teamId: u(r.teamId),
    requesterId: r.requesterId,
    createdById: r.createdById,
    status: r.status as IntakeStatus,
    createdAt: r.createdAt,
    poMessageKey: u(r.poMessageKey),
    poNotifiedAt: u(r.poNotifiedAt),
    decidedAt: u(r.decidedAt),
    decidedById: u(r.decidedById),
    backlogRank: u(r.backlogRank),
    duplicateOfId: u(r.duplicateOfId),
    lastFlaggedDay: u(r.lastFlaggedDay),
    origin:
      r.sourcePlatform && r.sourceWorkspaceId && r.sourceChannelId && r.sourceThreadId
        ? { platform: r.sourcePlatform, workspaceId: r.sourceWorkspaceId, channelId: r.sourceChannelId, threadId: r.sourceThreadId }
        : undefined,
  };
}

function toInterception(r: InterceptionRow): Interception {
  return {
    id: r.id,
    productId: r.productId,
    teamId: r.teamId,
    platform: r.platform as Platform,
    workspaceId: r.workspaceId,
    channelId: r.channelId,
    messageId: r.messageId,
    threadId: r.threadId,
    authorId: r.authorId,
    text: r.text,
    signals: r.signals as RequestSignal[],
    reason: r.reason,
    mode: r.mode as Interception['mode'],
    outcome: r.outcome as Interception['outcome'],
    itemId: u(r.itemId),
    at: r.at,
    undoneById: u(r.undoneById),
  };
}

export function intakeStore(db: PrismaTx): IntakeStore {
  return {
    async create(item: NewIntakeItem) {
      if (item.sourceKey) {
        const existing = await db.intakeItem.findUnique({ where: { sourceKey: item.sourceKey } });
        if (existing) return { item: toItem(existing), created: false };
      }
      // The counter row is locked by the update: concurrent requests get distinct numbers, and a concurrent
      // delivery of the same message waits here until the first commits (then finds its sourceKey taken).
      const product = await db.product.update({ where: { id: item.productId }, data: { intakeSeq: { increment: 1 } }, select: { intakeSeq: true } });
      const id = randomUUID();
      const inserted = await db.intakeItem.createMany({
        data: [{
          id,
          productId: item.productId,
          number: product.intakeSeq,
          title: item.title,
          problem: item.problem ?? null,
          value: item.value ?? null,
          urgency: item.urgency,
          neededBy: item.neededBy ?? null,
          link: item.link ?? null,
          source: item.source,
          teamId: item.teamId ?? null,
          requesterId: item.requesterId,
          createdById: item.createdById,
          sourceKey: item.sourceKey ?? null,
          sourcePlatform: item.origin?.platform ?? null,
          sourceWorkspaceId: item.origin?.workspaceId ?? null,
          sourceChannelId: item.origin?.channelId ?? null,
          sourceThreadId: item.origin?.threadId ?? null,
          createdAt: item.createdAt,
        }],
        skipDuplicates: true,
      });
      if (inserted.count === 0) {
        await db.product.update({ where: { id: item.productId }, data: { intakeSeq: { decrement: 1 } } });
        const existing = item.sourceKey ? await db.intakeItem.findUnique({ where: { sourceKey: item.sourceKey } }) : null;
        if (!existing) throw new Error(`intake item ${product.intakeSeq} of product ${item.productId} was not inserted, and no item has its source key`);
        return { item: toItem(existing), created: false };
      }
      await db.intakeRequester.create({ data: { itemId: id, personId: item.requesterId } });
      return { item: toItem(await db.intakeItem.findUniqueOrThrow({ where: { id } })), created: true };
    },

    async get(productId, id) {
      await db.$queryRaw`SELECT 1 FROM "IntakeItem" WHERE "id" = ${id} FOR UPDATE`;
      const row = await db.intakeItem.findFirst({ where: { id, productId } });
      return row ? toItem(row) : undefined;
    },

    async bySourceKey(sourceKey) {
      const row = await db.intakeItem.findUnique({ where: { sourceKey } });
      return row ? toItem(row) : undefined;
    },

    async update(id, change: IntakeChange) {
      await db.intakeItem.update({ where: { id }, data: change });
    },

    async list(productId, filter) {
      const rows = await db.intakeItem.findMany({
        where: {
          productId,
          ...(filter.statuses ? { status: { in: filter.statuses } } : {}),
          ...(filter.requesterId ? { requesters: { some: { personId: filter.requesterId } } } : {}),
          ...(filter.ids ? { id: { in: filter.ids } } : {}),
          ...(filter.duplicateOfId ? { duplicateOfId: filter.duplicateOfId } : {}),
          ...(filter.poMessageKey ? { poMessageKey: filter.poMessageKey } : {}),
        },
        orderBy: filter.newestFirst ? [{ createdAt: 'desc' }, { number: 'desc' }] : [{ createdAt: 'asc' }, { number: 'asc' }],
        ...(filter.limit !== undefined ? { take: filter.limit } : {}),
      });
      return rows.map(toItem);
    },

    async countByStatus(productId, statuses) {
      return db.intakeItem.count({ where: { productId, status: { in: statuses } } });
    },

    async countRequestedBy(productId, personId) {
      return db.intakeItem.count({ where: { productId, requesters: { some: { personId } } } });
    },

    async backlog(productId, limit) {
      const rows = await db.intakeItem.findMany({ where: { productId, status: 'accepted' }, orderBy: [{ backlogRank: 'asc' }, { number: 'asc' }], ...(limit !== undefined ? { take: limit } : {}) });
      return rows.map(toItem);
    },

    async similar(productId, probe, excludeIds, limit) {
      // pg_trgm lives in the public schema (the migration puts it there), whatever the search_path. Two
      // requests are alike when their titles are, or their whole texts are (a long story dilutes a title).
      // The statuses are OPEN_STATUSES; excluded ids are dropped afterwards (there are only a few).
      const rows = await db.$queryRaw<{ id: string; score: number }[]>`
        SELECT "id", score FROM (
          SELECT "id", "number", GREATEST(
            public.similarity(lower("title"), lower(${probe.title})),
            public.similarity(lower("title" || ' ' || coalesce("problem", '')), lower(${probe.text}))
          )::float8 AS score
          FROM "IntakeItem"
          WHERE "productId" = ${productId} AND "status" IN ('new', 'needs-info', 'accepted')
        ) AS alike
        WHERE score >= ${SIMILAR_AT_LEAST}
        ORDER BY score DESC, "number" ASC
        LIMIT ${limit + excludeIds.length}`.then((all) => all.filter((r) => !excludeIds.includes(r.id)).slice(0, limit));
      if (rows.length === 0) return [];
      const items = new Map((await db.intakeItem.findMany({ where: { id: { in: rows.map((r) => r.id) } } })).map((r) => [r.id, toItem(r)]));
      return rows.flatMap((r) => (items.has(r.id) ? [{ item: items.get(r.id)!, score: Number(r.score) }] : []));
    },

    async unnotified() {
      const rows = await db.intakeItem.findMany({ where: { poNotifiedAt: null, status: { in: ['new', 'needs-info'] } }, orderBy: { createdAt: 'asc' } });
      return rows.map(toItem);
    },

    async untriaged() {
      const rows = await db.intakeItem.findMany({ where: { status: 'new', poNotifiedAt: { not: null } }, orderBy: { createdAt: 'asc' } });
      return rows.map(toItem);
    },

    async requesters(itemIds) {
      if (itemIds.length === 0) return [];
      const rows = await db.intakeRequester.findMany({ where: { itemId: { in: itemIds } }, orderBy: { addedAt: 'asc' } });
      return rows.map((r) => ({ itemId: r.itemId, personId: r.personId, viaItemId: u(r.viaItemId) }));
    },

    async addRequesters(itemId, personIds, viaItemId) {
      if (personIds.length === 0) return;
      await db.intakeRequester.createMany({ data: personIds.map((personId) => ({ itemId, personId, viaItemId: viaItemId ?? null })), skipDuplicates: true });
    },

    async removeRequestersVia(itemId, viaItemId) {
      await db.intakeRequester.deleteMany({ where: { itemId, viaItemId } });
    },

    async addEvent(e) {
      await db.intakeEvent.create({
        data: { itemId: e.itemId, action: e.action, actorId: e.actorId ?? null, at: e.at, note: e.note ?? null, details: e.details as Prisma.InputJsonValue },
      });
    },

    async events(itemIds) {
      if (itemIds.length === 0) return [];
      const rows = await db.intakeEvent.findMany({ where: { itemId: { in: itemIds } }, orderBy: { id: 'asc' } });
      return rows.map((r) => ({ itemId: r.itemId, action: r.action, actorId: u(r.actorId), at: r.at, note: u(r.note), details: (r.details ?? {}) as Record<string, unknown> }));
    },

    async interceptMode(teamId) {
      const t = await db.team.findUniqueOrThrow({ where: { id: teamId }, select: { interceptMode: true } });
      return t.interceptMode as InterceptMode;
    },

    async setInterceptMode(teamId, mode) {
      await db.team.update({ where: { id: teamId }, data: { interceptMode: mode } });
    },

    async intercept(i) {
      const inserted = await db.interception.createMany({
        data: [{
          id: randomUUID(),
          productId: i.productId,
          teamId: i.teamId,
          sourceKey: i.sourceKey,
          platform: i.platform,
          workspaceId: i.workspaceId,
          channelId: i.channelId,
          messageId: i.messageId,
          threadId: i.threadId,
          authorId: i.authorId,
          text: i.text,
          signals: i.signals,
          reason: i.reason,
          mode: i.mode,
          outcome: i.outcome,
          itemId: i.itemId ?? null,
          at: i.at,
        }],
        skipDuplicates: true,
      });
      const row = await db.interception.findUniqueOrThrow({ where: { sourceKey: i.sourceKey } });
      return { interception: toInterception(row), created: inserted.count === 1 };
    },

    async interception(productId, id) {
      await db.$queryRaw`SELECT 1 FROM "Interception" WHERE "id" = ${id} FOR UPDATE`;
      const row = await db.interception.findFirst({ where: { id, productId } });
      return row ? toInterception(row) : undefined;
    },

    async interceptionOfItem(itemId) {
      const row = await db.interception.findFirst({ where: { itemId } });
      return row ? toInterception(row) : undefined;
    },

    async interceptionBySourceKey(sourceKey) {
      const row = await db.interception.findUnique({ where: { sourceKey } });
      return row ? toInterception(row) : undefined;
    },

    async updateInterception(id, change) {
      await db.interception.update({ where: { id }, data: change });
    },

    async periodFigures(productId, bounds) {
      // Three statements whatever the number of windows; width_bucket puts each row in its window.
      const windows = bounds.length - 1;
      if (windows < 1) return [];
      const params = [productId, bounds.map((b) => b.toISOString()), bounds[0]!.toISOString(), bounds[windows]!.toISOString()] as const;
      const items = await db.$queryRawUnsafe<{ part: number; created: number; sentProperly: number }[]>(
        `SELECT width_bucket("createdAt", $2::timestamp[]) AS part, count(*)::int AS created,
                (count(*) FILTER (WHERE "source" IN ('form', 'shortcut', 'reaction')))::int AS "sentProperly"
         FROM "IntakeItem" WHERE "productId" = $1 AND "createdAt" >= $3::timestamp AND "createdAt" < $4::timestamp
         GROUP BY 1`,
        ...params,
      );
      const decisions = await db.$queryRawUnsafe<{ part: number; action: string; n: number }[]>(
        `SELECT width_bucket("at", $2::timestamp[]) AS part, "action", count(*)::int AS n
         FROM "IntakeEvent"
         WHERE "productId" = $1 AND "at" >= $3::timestamp AND "at" < $4::timestamp AND "action" IN ('accepted', 'declined', 'merged', 'shipped')
         GROUP BY 1, 2`,
        ...params,
      );
      const caught = await db.$queryRawUnsafe<{ part: number; n: number }[]>(
        `SELECT width_bucket("at", $2::timestamp[]) AS part, count(*)::int AS n
         FROM "Interception" WHERE "productId" = $1 AND "at" >= $3::timestamp AND "at" < $4::timestamp AND "outcome" <> 'not-a-request'
         GROUP BY 1`,
        ...params,
      );
      return Array.from({ length: windows }, (_, i) => {
        const part = i + 1;
        const item = items.find((r) => Number(r.part) === part);
        const decided = (action: string) => Number(decisions.find((r) => Number(r.part) === part && r.action === action)?.n ?? 0);
        return {
          created: Number(item?.created ?? 0),
          accepted: decided('accepted'),
          declined: decided('declined'),
          merged: decided('merged'),
          shipped: decided('shipped'),
          intercepted: Number(caught.find((r) => Number(r.part) === part)?.n ?? 0),
          sentProperly: Number(item?.sentProperly ?? 0),
        };
      });
    },

    async mostDemanded(productId, limit) {
      // "demand" is kept by a trigger on IntakeRequester; its index gives the top without counting.
      const rows = await db.intakeItem.findMany({
        where: { productId, status: { in: ['new', 'needs-info', 'accepted'] } },
        orderBy: [{ demand: 'desc' }, { number: 'asc' }],
        take: limit,
      });
      return rows.map((r) => ({ item: toItem(r), demand: r.demand }));
    },

    async untriagedAges(productId, limit) {
      const count = await db.intakeItem.count({ where: { productId, status: 'new' } });
      const oldest = await db.intakeItem.findMany({ where: { productId, status: 'new' }, select: { createdAt: true }, orderBy: { createdAt: 'asc' }, take: limit });
      return { count, oldest: oldest.map((o) => o.createdAt) };
    },

    async isOwnMessage(platform, workspaceExternalId, channelId, messageId) {
      const n = await db.outboxMessage.count({ where: { platform, workspaceId: workspaceExternalId, platformChannelId: channelId, platformMessageId: messageId } });
      return n > 0;
    },
  };
}
