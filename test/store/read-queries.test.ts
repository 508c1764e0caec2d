import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/app/ports.js';
import { prismaStore } from '../../src/store/prisma-store.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/test-database.js';

/** The digest's reads that replaced counting and per-period queries: known rows, known answers. */
describe.each(testDatabaseKinds())('the digest’s reads in the store (%s)', (kind) => {
  let database: TestDatabase;
  let store: Store;
  let productId: string;
  let otherProductId: string;
  const at = (iso: string) => new Date(iso);

  async function seedProduct(name: string) {
    const prisma = database.db.prisma;
    const ws = await prisma.workspace.create({ data: { platform: 'slack', externalId: `T-${name}` } });
    const product = await prisma.product.create({ data: { name, workspaces: { connect: { id: ws.id } } } });
    const person = await prisma.person.create({ data: { productId: product.id, workspaceId: ws.id, platformUserId: 'U-1', displayName: 'Sam' } });
    const team = await prisma.team.create({ data: { productId: product.id, workspaceId: ws.id, channelId: 'C1', name: 'Apollo' } });
    return { productId: product.id, personId: person.id, teamId: team.id };
  }

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = prismaStore(database.db.prisma);
    const prisma = database.db.prisma;
    const main = await seedProduct('reads-main');
    const other = await seedProduct('reads-other');
    productId = main.productId;
    otherProductId = other.productId;

    const question = (p: typeof main, number: number, askedAt: string, extra: { firstResponseAt?: string; resolvedAt?: string } = {}) => ({
      productId: p.productId,
      number,
      teamId: p.teamId,
      askerId: p.personId,
      text: `Q${number}`,
      source: 'command',
      askedAt: at(askedAt),
      firstResponseAt: extra.firstResponseAt ? at(extra.firstResponseAt) : null,
      resolvedAt: extra.resolvedAt ? at(extra.resolvedAt) : null,
    });
    await prisma.question.createMany({
      data: [
        question(main, 1, '2026-11-02T09:00:00Z', { resolvedAt: '2026-11-02T10:00:00Z' }), // resolved: never open
        question(main, 2, '2026-11-03T09:00:00Z'), // waiting, the oldest open
        question(main, 3, '2026-11-04T09:00:00Z', { firstResponseAt: '2026-11-04T09:05:00Z' }), // open, responded
        question(main, 4, '2026-11-10T09:00:00Z'), // waiting, this week
        question(main, 5, '2026-11-11T09:00:00Z'), // waiting, this week
        question(other, 1, '2026-11-01T09:00:00Z'), // another product's
      ],
    });

    const item = (p: typeof main, number: number, createdAt: string, source: string, status = 'new') => ({
      id: `item-${p.productId}-${number}`,
      productId: p.productId,
      number,
      title: `R${number}`,
      source,
      requesterId: p.personId,
      createdById: p.personId,
      status,
      createdAt: at(createdAt),
    });
    await prisma.intakeItem.createMany({
      data: [
        item(main, 1, '2026-10-20T09:00:00Z', 'form', 'accepted'), // before the first window
        item(main, 2, '2026-10-28T09:00:00Z', 'shortcut', 'declined'), // first window
        item(main, 3, '2026-10-29T09:00:00Z', 'intercept', 'duplicate'), // first window, caught
        item(main, 4, '2026-11-09T23:00:00Z', 'reaction'), // second window, at its first instant
        item(main, 5, '2026-11-12T09:00:00Z', 'form'), // second window
        item(main, 6, '2026-11-16T00:00:00Z', 'form'), // at the last bound: outside
        item(other, 1, '2026-11-10T09:00:00Z', 'form', 'accepted'),
      ],
    });
    const event = (p: typeof main, number: number, action: string, iso: string) => ({ itemId: `item-${p.productId}-${number}`, action, actorId: p.personId, at: at(iso) });
    await prisma.intakeEvent.createMany({
      data: [
        event(main, 1, 'accepted', '2026-10-21T09:00:00Z'), // before the windows
        event(main, 2, 'declined', '2026-10-30T09:00:00Z'),
        event(main, 3, 'merged', '2026-10-30T10:00:00Z'),
        event(main, 1, 'shipped', '2026-11-10T09:00:00Z'),
        event(main, 2, 'asked', '2026-11-10T09:00:00Z'), // not a decision
        event(main, 3, 'accepted', '2026-11-11T09:00:00Z'),
        event(other, 1, 'accepted', '2026-11-10T09:00:00Z'),
      ],
    });
    const interception = (p: typeof main, n: number, iso: string, outcome: string) => ({
      productId: p.productId, teamId: p.teamId, sourceKey: `${p.productId}:${n}`, platform: 'slack', workspaceId: 'T', channelId: 'C1', messageId: `${n}`, threadId: `${n}`,
      authorId: 'U-1', text: 'Can you add it?', signals: ['add'], reason: 'asks to add something', mode: 'nudge', outcome, at: at(iso),
    });
    await prisma.interception.createMany({
      data: [
        interception(main, 1, '2026-10-29T09:00:00Z', 'sent'),
        interception(main, 2, '2026-10-29T10:00:00Z', 'not-a-request'), // not counted
        interception(main, 3, '2026-11-11T09:00:00Z', 'nudged'),
        interception(main, 4, '2026-11-12T09:00:00Z', 'auto'),
        interception(other, 1, '2026-11-11T09:00:00Z', 'sent'),
      ],
    });
  });
  afterAll(async () => database?.drop());

  it('lists the oldest open questions without counting them, waiting ones or those asked since an instant', async () => {
    const numbers = (qs: { number: number }[]) => qs.map((q) => q.number);
    await store.transaction(async (tx) => {
      expect(numbers(await tx.questions.oldestOpen(productId, {}, 10))).toEqual([2, 3, 4, 5]);
      expect(numbers(await tx.questions.oldestOpen(productId, { waiting: true }, 2))).toEqual([2, 4]);
      expect(numbers(await tx.questions.oldestOpen(productId, { waiting: true, askedSince: at('2026-11-09T23:00:00Z') }, 1000))).toEqual([4, 5]);
      // The same questions openPage lists.
      expect(numbers(await tx.questions.oldestOpen(productId, { waiting: true }, 3))).toEqual(numbers((await tx.questions.openPage(productId, { waiting: true }, 3)).oldest));
    });
  });

  it('gives each window’s intake figures in one pass per table, this product’s only', async () => {
    const bounds = [at('2026-10-26T23:00:00Z'), at('2026-11-09T23:00:00Z'), at('2026-11-16T00:00:00Z')];
    const figures = await store.transaction((tx) => tx.intake.periodFigures(productId, bounds));
    expect(figures).toEqual([
      { created: 2, accepted: 0, declined: 1, merged: 1, shipped: 0, intercepted: 1, sentProperly: 1 },
      { created: 2, accepted: 1, declined: 0, merged: 0, shipped: 1, intercepted: 2, sentProperly: 2 },
    ]);
    expect(await store.transaction((tx) => tx.intake.periodFigures(otherProductId, bounds))).toEqual([
      { created: 0, accepted: 0, declined: 0, merged: 0, shipped: 0, intercepted: 0, sentProperly: 0 },
      { created: 1, accepted: 1, declined: 0, merged: 0, shipped: 0, intercepted: 1, sentProperly: 1 },
    ]);
    expect(await store.transaction((tx) => tx.intake.periodFigures(productId, bounds.slice(0, 1)))).toEqual([]);
  });

  it('ranks open requests by how many people ask, the count following requesters as they come and go', async () => {
    const prisma = database.db.prisma;
    const p = await seedProduct('reads-demand');
    const ws = (await prisma.person.findUniqueOrThrow({ where: { id: p.personId } })).workspaceId;
    const [b, c, d] = await Promise.all(['U-2', 'U-3', 'U-4'].map((u) => prisma.person.create({ data: { productId: p.productId, workspaceId: ws, platformUserId: `${u}-demand`, displayName: u } })));
    const item = (title: string) => ({
      productId: p.productId, title, problem: undefined, value: undefined, urgency: 'normal' as const, neededBy: undefined, link: undefined, source: 'form' as const,
      teamId: undefined, requesterId: p.personId, createdById: p.personId, createdAt: at('2026-11-10T09:00:00Z'), origin: undefined, sourceKey: undefined,
    });
    await store.transaction(async (tx) => {
      const one = (await tx.intake.create(item('One'))).item;
      const two = (await tx.intake.create(item('Two'))).item;
      const three = (await tx.intake.create(item('Three'))).item;
      await tx.intake.addRequesters(two.id, [b!.id, c!.id], undefined);
      await tx.intake.addRequesters(two.id, [b!.id], undefined); // already there: not counted twice
      await tx.intake.addRequesters(three.id, [d!.id], one.id); // merged from #1
      expect((await tx.intake.mostDemanded(p.productId, 3)).map((m) => [m.item.title, m.demand])).toEqual([['Two', 3], ['Three', 2], ['One', 1]]);
      await tx.intake.removeRequestersVia(three.id, one.id); // the merge undone
      await tx.intake.update(two.id, { status: 'declined' }); // no longer open
      expect((await tx.intake.mostDemanded(p.productId, 3)).map((m) => [m.item.title, m.demand])).toEqual([['One', 1], ['Three', 1]]);
    });
    // Declined, #2 keeps its three; every item's count is its requester rows.
    const rows = await prisma.intakeItem.findMany({ where: { productId: p.productId }, include: { _count: { select: { requesters: true } } }, orderBy: { number: 'asc' } });
    expect(rows.map((r) => [r.title, r.demand, r._count.requesters])).toEqual([['One', 1, 1], ['Two', 3, 3], ['Three', 1, 1]]);
  });
});
