import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewQuestion, Store } from '../../src/app/ports.js';
import { prismaStore } from '../../src/store/prisma-store.js';
import { RecentMedians } from '../../src/store/question-store.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/test-database.js';

describe.each(testDatabaseKinds())('questions in the store (%s)', (kind) => {
  let database: TestDatabase;
  let store: Store;
  let base: Omit<NewQuestion, 'requestKey' | 'text'>;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = prismaStore(database.db.prisma);
    const prisma = database.db.prisma;
    const ws = await prisma.workspace.create({ data: { platform: 'slack', externalId: 'T-STORE' } });
    const product = await prisma.product.create({ data: { name: 'p', workspaces: { connect: { id: ws.id } } } });
    const asker = await prisma.person.create({ data: { productId: product.id, workspaceId: ws.id, platformUserId: 'U-ASKER', displayName: 'Asker' } });
    const team = await prisma.team.create({ data: { productId: product.id, workspaceId: ws.id, channelId: 'C1', name: 'Apollo' } });
    base = { productId: product.id, teamId: team.id, askerId: asker.id, source: 'command', askedAt: new Date('2026-11-23T09:00:00Z') };
  });
  afterAll(async () => database.drop());

  it('creates one question for one request, even when a second delivery overlaps the first transaction', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstCreated!: () => void;
    const created = new Promise<void>((resolve) => (firstCreated = resolve));
    const first = store.transaction(async (tx) => {
      const out = await tx.questions.create({ ...base, text: 'Same request?', requestKey: 'slack:command:T:trigger-1' });
      firstCreated();
      await held; // still uncommitted while the second delivery arrives
      return out;
    });
    await created;
    // On PostgreSQL the second one misses the uncommitted row, waits on the counter, then skips the insert.
    const second = store.transaction((tx) => tx.questions.create({ ...base, text: 'Same request?', requestKey: 'slack:command:T:trigger-1' }));
    await new Promise((r) => setTimeout(r, 100));
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(a.created).toBe(true);
    expect(b).toEqual({ question: a.question, created: false });
    expect(await database.db.prisma.question.count({ where: { requestKey: 'slack:command:T:trigger-1' } })).toBe(1);

    // The number the duplicate took was given back: the next question follows on.
    const next = await store.transaction((tx) => tx.questions.create({ ...base, text: 'Another?', requestKey: 'slack:command:T:trigger-2' }));
    expect(next.question.number).toBe(a.question.number + 1);
  });

  it('quotes the four-week median for a minute, and anew once this process records a first response', async () => {
    const since = new Date('2026-11-01T00:00:00Z');
    const later = (ms: number) => new Date(since.getTime() + ms);
    const median = (at: Date) => store.transaction((tx) => tx.questions.medianFirstResponseSec(base.productId, at));
    const answer = async (s: Store, text: string, businessSec: number) => {
      const { question } = await s.transaction((tx) => tx.questions.create({ ...base, text, requestKey: undefined }));
      await s.transaction((tx) => tx.questions.recordFirstResponse(question.id, { at: new Date('2026-11-23T10:00:00Z'), kind: 'answer', businessSec, wallSec: businessSec }));
    };
    await answer(store, 'First?', 600);
    expect(await median(since)).toBe(600);

    // Another replica (its own store) answers: this one quotes what it read until the minute is up.
    await answer(prismaStore(database.db.prisma), 'Second?', 1800);
    expect(await median(later(59_000))).toBe(600);
    expect(await median(later(60_000))).toBe(1200);

    // Answered here: quoted at once.
    await answer(store, 'Third?', 3000);
    expect(await median(later(60_000))).toBe(1800);
  });
});

describe('RecentMedians', () => {
  it('keeps nothing read while a first response was recorded', async () => {
    const medians = new RecentMedians();
    const since = new Date('2026-11-01T00:00:00Z');
    let reads = 0;
    let finishRead!: (median: number) => void;
    const first = medians.get('p', since, () => {
      reads += 1;
      return new Promise<number>((resolve) => (finishRead = resolve));
    });
    medians.forget(); // an answer recorded while that read ran
    finishRead(600);
    expect(await first).toBe(600);
    expect(await medians.get('p', since, async () => (reads += 1, 900))).toBe(900);
    expect(await medians.get('p', since, async () => (reads += 1, 1200))).toBe(900);
    expect(reads).toBe(2);
  });
});
