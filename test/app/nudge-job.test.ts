import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/app/ports.js';
import { nudgeWaitingQuestions } from '../../src/app/questions/nudge-job.js';
import { prismaStore } from '../../src/store/prisma-store.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** Wednesday 11 November 2026, 13:00 in Berlin: the PO (09:00–17:00, Monday to Friday) is working. */
const NOW = new Date('2026-11-11T12:00:00Z');
const WAITING = 40;

describe('the nudge job with many questions waiting', () => {
  let database: TestDatabase;
  let store: Store;
  let transactions = 0;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    const inner = prismaStore(database.db.prisma);
    store = {
      transaction: (fn) => {
        transactions++;
        return inner.transaction(fn);
      },
      reads: (fn) => inner.reads(fn),
    };
    const { productId, teamId, poId, devId } = await inner.transaction(async (tx) => {
      const ws = await tx.workspace('slack', 'T-NUDGE', 'acme');
      const productId = await tx.createProduct(ws.id, 'acme');
      const [po, dev] = await tx.ensurePersons(productId, ws.id, [
        { platformUserId: 'U-PO', displayName: 'pat', timeZone: 'Europe/Berlin' },
        { platformUserId: 'U-DEV', displayName: 'dev', timeZone: 'Europe/Berlin' },
      ]);
      await tx.setOwner(productId, po!.id, undefined);
      await tx.setWorkingHours(po!.id, { timeZone: 'Europe/Berlin', startMin: 9 * 60, endMin: 17 * 60, days: [1, 2, 3, 4, 5] });
      const teamId = await tx.createTeam(productId, ws.id, 'C-TEAM', 'Checkout');
      return { productId, teamId, poId: po!.id, devId: dev!.id };
    });
    expect(poId).not.toBe(devId);
    const question = (n: number, askedAt: Date) => ({
      productId, number: n, teamId, askerId: devId, text: `question ${n}`, source: 'command', askedAt, poNotifiedAt: askedAt,
    });
    await database.db.prisma.question.createMany({
      data: [
        // Monday 09:00 in Berlin: two working days without a response, past any target.
        question(1, new Date('2026-11-09T08:00:00Z')),
        // Asked ten minutes ago: nothing is due for these yet.
        ...Array.from({ length: WAITING }, (_, i) => question(i + 2, new Date(NOW.getTime() - 10 * 60_000))),
      ],
    });
  });
  afterAll(async () => database.drop());

  it('nudges the PO about the question past its target, and opens no transaction for those not due', async () => {
    transactions = 0;
    const outcome = await nudgeWaitingQuestions(store, NOW, pino({ level: 'silent' }));
    expect(outcome).toEqual({ nudged: 1, escalated: 1 });
    // One to list the waiting questions, one for the question due: not one per waiting question.
    expect(transactions).toBe(2);
    const queued = await database.db.prisma.outboxMessage.findMany({ orderBy: { id: 'asc' } });
    expect(queued.map((m) => [m.kind, m.userId ?? m.channelId])).toEqual([['dm', 'U-PO'], ['post', 'C-TEAM']]);
    expect(JSON.stringify(queued[0]!.payload)).toContain('Q1');
    const q1 = await database.db.prisma.question.findFirstOrThrow({ where: { number: 1 } });
    expect(q1.escalatedAt?.toISOString()).toBe(NOW.toISOString());

    // The next run finds the PO reminded today: nothing more, still without a transaction per question.
    transactions = 0;
    expect(await nudgeWaitingQuestions(store, new Date(NOW.getTime() + 5 * 60_000), pino({ level: 'silent' }))).toEqual({ nudged: 0, escalated: 0 });
    expect(transactions).toBe(1);
  });
});
