import { randomUUID } from 'node:crypto';
import type { NewQuestion, Platform, QuestionChange, QuestionStore } from '../app/ports.js';
import type { FirstResponseKind, Question, QuestionSource } from '../domain/question.js';
import type { Prisma } from '../generated/prisma/client.js';
import { utcTimestamp } from './database.js';
import { medianFirstResponseSec, periodStats, questionStats, weeklyStats } from './question-stats-query.js';

type PrismaTx = Prisma.TransactionClient;
type Row = Prisma.QuestionGetPayload<object>;

const u = <T>(v: T | null): T | undefined => v ?? undefined;

function toQuestion(r: Row): Question {
  return {
    id: r.id,
    number: r.number,
    productId: r.productId,
    teamId: r.teamId,
    askerId: r.askerId,
    text: r.text,
    source: r.source as QuestionSource,
    askedAt: r.askedAt,
    poNotifiedAt: u(r.poNotifiedAt),
    firstResponseAt: u(r.firstResponseAt),
    firstResponseKind: u(r.firstResponseKind) as FirstResponseKind | undefined,
    answeredAt: u(r.answeredAt),
    answeredById: u(r.answeredById),
    answerText: u(r.answerText),
    handedToId: u(r.handedToId),
    handedOffAt: u(r.handedOffAt),
    resolvedAt: u(r.resolvedAt),
    resolvedById: u(r.resolvedById),
    lastNudgedDay: u(r.lastNudgedDay),
    escalatedAt: u(r.escalatedAt),
    tag: u(r.tag),
  };
}

/**
 * The four-week median every ask quotes ("usually responds within …"), kept a minute per product. It reads
 * every answered question of those weeks: on a busy product (100,000 questions over half a year) that is
 * 15,000 rows and 4-6 ms on PostgreSQL, 20-25 ms on PGlite, for each question asked. Forgotten whenever
 * this process records a first response (the only write that changes it); another replica's answer is
 * quoted within the minute.
 */
export class RecentMedians {
  private readonly byProduct = new Map<string, { sinceMs: number; median: number | undefined }>();
  private generation = 0;

  constructor(private readonly maxAgeMs = 60_000) {}

  async get(productId: string, since: Date, read: () => Promise<number | undefined>): Promise<number | undefined> {
    const known = this.byProduct.get(productId);
    const age = since.getTime() - (known?.sinceMs ?? -Infinity);
    if (known && age >= 0 && age < this.maxAgeMs) return known.median;
    const generation = this.generation;
    const median = await read();
    // A first response recorded while this read ran may be missing from it: keep nothing then.
    if (generation === this.generation) this.byProduct.set(productId, { sinceMs: since.getTime(), median });
    return median;
  }

  forget(): void {
    this.generation += 1;
    this.byProduct.clear();
  }
}

export function questionStore(db: PrismaTx, medians = new RecentMedians()): QuestionStore {
  return {
    async create(q: NewQuestion) {
      // The counter row is locked by the update, so concurrent questions get distinct numbers, and a
      // concurrent delivery of the same request waits here until the first one commits.
      const product = await db.product.update({ where: { id: q.productId }, data: { questionSeq: { increment: 1 } }, select: { questionSeq: true } });
      // Raw SQL: every question asked comes this way, and Prisma compiles each statement on the event loop.
      // ON CONFLICT DO NOTHING: a redelivered request (same requestKey) inserts nothing and returns no row.
      const [row] = await db.$queryRawUnsafe<Row[]>(
        `INSERT INTO "Question" ("id", "productId", "number", "teamId", "askerId", "text", "source", "askedAt", "requestKey", "tag")
         VALUES ($1, $2, $3, $4, $5, $6, $7, ${utcTimestamp('$8')}, $9, $10) ON CONFLICT DO NOTHING RETURNING *`,
        randomUUID(),
        q.productId,
        product.questionSeq,
        q.teamId,
        q.askerId,
        q.text,
        q.source,
        q.askedAt.toISOString(),
        q.requestKey ?? null,
        q.tag ?? null,
      );
      if (!row) {
        // Give the number back (the counter is still locked by this transaction), and answer with the question
        // the same request already created.
        await db.product.update({ where: { id: q.productId }, data: { questionSeq: { decrement: 1 } } });
        const existing = q.requestKey ? await db.question.findUnique({ where: { requestKey: q.requestKey } }) : null;
        if (!existing) throw new Error(`question ${product.questionSeq} of product ${q.productId} was not inserted, and no question has its request key`);
        return { question: toQuestion(existing), created: false };
      }
      return { question: toQuestion(row), created: true };
    },

    async byRequestKey(requestKey) {
      const row = await db.question.findUnique({ where: { requestKey } });
      return row ? toQuestion(row) : undefined;
    },

    async get(productId, id) {
      // Locks the row for the rest of the transaction: two clicks on one question take turns, and the
      // second sees what the first did.
      await db.$queryRaw`SELECT 1 FROM "Question" WHERE "id" = ${id} FOR UPDATE`;
      const row = await db.question.findFirst({ where: { id, productId } });
      return row ? toQuestion(row) : undefined;
    },

    async byAnchor(platform: Platform, workspaceExternalId, channelId, messageId) {
      const anchors = await db.outboxMessage.findMany({
        where: { platform, workspaceId: workspaceExternalId, platformChannelId: channelId, platformMessageId: messageId, kind: 'post', messageKey: { startsWith: 'question:' } },
        select: { messageKey: true },
      });
      const key = anchors.map((a) => a.messageKey!).find((k) => /^question:[^:]+$/.test(k));
      if (!key) return undefined;
      const row = await db.question.findUnique({ where: { id: key.slice('question:'.length) } });
      return row ? toQuestion(row) : undefined;
    },

    async update(id, change: QuestionChange) {
      await db.question.update({ where: { id }, data: change });
    },

    async recordFirstResponse(id, r) {
      medians.forget();
      const done = await db.question.updateMany({
        where: { id, firstResponseAt: null },
        data: { firstResponseAt: r.at, firstResponseKind: r.kind, firstResponseBusinessSec: r.businessSec, firstResponseWallSec: r.wallSec },
      });
      return done.count === 1;
    },

    async open(productId, filter) {
      const rows = await db.question.findMany({
        where: { productId, resolvedAt: null, ...(filter.teamId ? { teamId: filter.teamId } : {}), ...(filter.askerId ? { askerId: filter.askerId } : {}) },
        orderBy: { askedAt: 'asc' },
      });
      return rows.map(toQuestion);
    },

    async openPage(productId, filter, limit) {
      const where = {
        productId,
        resolvedAt: null,
        ...(filter.askerId ? { askerId: filter.askerId } : {}),
        ...(filter.waiting ? { firstResponseAt: null } : {}),
        ...(filter.askedSince ? { askedAt: { gte: filter.askedSince } } : {}),
      };
      // One after the other: a transaction is one connection, and pg queues concurrent queries on it (deprecated).
      const count = await db.question.count({ where });
      const rows = await db.question.findMany({ where, orderBy: { askedAt: 'asc' }, take: limit });
      return { count, oldest: rows.map(toQuestion) };
    },

    async oldestOpen(productId, filter, limit) {
      const rows = await db.question.findMany({
        where: { productId, resolvedAt: null, ...(filter.waiting ? { firstResponseAt: null } : {}), ...(filter.askedSince ? { askedAt: { gte: filter.askedSince } } : {}) },
        orderBy: { askedAt: 'asc' },
        take: limit,
      });
      return rows.map(toQuestion);
    },

    async unnotified(productId) {
      const rows = await db.question.findMany({ where: { productId, poNotifiedAt: null, resolvedAt: null }, orderBy: { askedAt: 'asc' } });
      return rows.map(toQuestion);
    },

    async awaitingFirstResponse() {
      const rows = await db.question.findMany({ where: { firstResponseAt: null, resolvedAt: null, poNotifiedAt: { not: null } }, orderBy: { askedAt: 'asc' } });
      return rows.map(toQuestion);
    },

    async countSlowerThan(productId, since, until, businessSec) {
      return db.question.count({ where: { productId, askedAt: { gte: since, lt: until }, firstResponseBusinessSec: { gt: businessSec } } });
    },

    async tagged(productId, tag, since, until) {
      const rows = await db.question.findMany({ where: { productId, tag, askedAt: { gte: since, lt: until } }, orderBy: { askedAt: 'asc' } });
      return rows.map(toQuestion);
    },

    stats: (productId, query) => questionStats(db, productId, query),
    periodStats: (productId, query) => periodStats(db, productId, query),
    weekly: (productId, query) => weeklyStats(db, productId, query),
    medianFirstResponseSec: (productId, since) => medians.get(productId, since, () => medianFirstResponseSec(db, productId, since)),
  };
}
