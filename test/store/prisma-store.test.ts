import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store, WorkspaceRef } from '../../src/app/ports.js';
import { message, section } from '../../src/messages/build.js';
import { loadMigrations, MigrationError } from '../../src/store/migrate.js';
import { openDatabase } from '../../src/store/database.js';
import { prismaStore } from '../../src/store/prisma-store.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/test-database.js';

describe.each(testDatabaseKinds())('store and migrations (%s)', (kind) => {
  let database: TestDatabase;
  let store: Store;
  let notified = 0;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = prismaStore(database.db.prisma, () => notified++);
  });
  afterAll(async () => database.drop());
  const prisma = () => database.db.prisma;

  async function product(): Promise<{ workspace: WorkspaceRef; productId: string }> {
    return store.transaction(async (tx) => {
      const ws = await tx.workspace('slack', `T${Math.random().toString(36).slice(2, 10)}`, 'acme');
      const productId = await tx.createProduct(ws.id, 'acme');
      return { workspace: { ...ws, productId }, productId };
    });
  }

  it('commits a change and its outgoing message together, or neither', async () => {
    const { workspace, productId } = await product();
    const before = notified;
    await expect(
      store.transaction(async (tx) => {
        await tx.ensurePersons(productId, workspace.id, [{ platformUserId: 'U0ROLLBACK', displayName: 'rb', timeZone: 'UTC' }]);
        await tx.enqueue(workspace, { kind: 'dm', userId: 'U0ROLLBACK', message: message(section('never sent')) });
        throw new Error('the use case failed after enqueueing');
      }),
    ).rejects.toThrow('the use case failed');
    expect(await prisma().person.count({ where: { platformUserId: 'U0ROLLBACK' } })).toBe(0);
    expect(await prisma().outboxMessage.count({ where: { userId: 'U0ROLLBACK' } })).toBe(0);
    expect(notified).toBe(before); // the dispatcher is woken only after a commit

    await store.transaction(async (tx) => {
      await tx.ensurePersons(productId, workspace.id, [{ platformUserId: 'U0COMMIT01', displayName: 'c', timeZone: 'UTC' }]);
      await tx.enqueue(workspace, { kind: 'dm', userId: 'U0COMMIT01', message: message(section('sent')) });
    });
    expect(await prisma().outboxMessage.findFirstOrThrow({ where: { userId: 'U0COMMIT01' } })).toMatchObject({ kind: 'dm', status: 'pending', workspaceId: workspace.externalId });
    expect(notified).toBe(before + 1);
  });

  it('queues many posts in one statement as one at a time would, in order, stamped now to the millisecond', async () => {
    const { workspace } = await product();
    const reportTo = { userId: 'U0ASKER001', channelId: 'C0TEAM0001', recipientName: 'team Rocket’s channel', platform: 'slack' as const, workspaceExternalId: workspace.externalId };
    const posts = [
      { kind: 'post' as const, channelId: 'C0MANY0001', message: message(section('first “quoted” \\ 🚀 \'single\'')), messageKey: 'daily:t1:2027-03-08', reportTo },
      { kind: 'post' as const, channelId: 'C0MANY0002', message: message(section('second')), threadKey: 'daily:t1:2027-03-08' },
      { kind: 'post' as const, channelId: 'C0MANY0003', message: message(section('third')), threadId: '1700000000.000100' },
    ];
    await store.transaction(async (tx) => {
      for (const delivery of posts) await tx.enqueue(workspace, { ...delivery, channelId: delivery.channelId.replace('MANY', 'ONE0') });
    });
    const before = Date.now();
    await store.transaction((tx) => tx.enqueuePosts(posts.map((delivery) => ({ workspace, delivery }))));
    const after = Date.now();

    const rows = (channel: string) => prisma().outboxMessage.findMany({ where: { channelId: { startsWith: channel } }, orderBy: { id: 'asc' } });
    const many = await rows('C0MANY');
    const single = await rows('C0ONE0');
    const comparable = ({ id: _id, createdAt: _c, nextAttemptAt: _n, channelId, ...rest }: (typeof many)[number]) => ({ ...rest, channelId: channelId!.slice(-4) });
    expect(many.map((r) => r.channelId)).toEqual(['C0MANY0001', 'C0MANY0002', 'C0MANY0003']);
    expect(many.map(comparable)).toEqual(single.map(comparable));
    expect(many[0]).toMatchObject({ status: 'pending', attempts: 0, messageKey: 'daily:t1:2027-03-08', reportTo, payload: posts[0]!.message });
    for (const row of many) {
      expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(row.createdAt.getTime()).toBeLessThanOrEqual(after);
      expect(row.nextAttemptAt.getTime()).toBe(row.createdAt.getTime());
    }
  });

  it('claims a Daily Scrum reminder once per team and date, keeping the meeting time to the millisecond', async () => {
    const { workspace, productId } = await product();
    const teamIds = await store.transaction(async (tx) => {
      const a = await tx.createTeam(productId, workspace.id, 'C0CLAIM001', 'Claim A');
      const b = await tx.createTeam(productId, workspace.id, 'C0CLAIM002', 'Claim B');
      return [a, b];
    });
    const meetingAt = new Date('2027-03-08T08:30:00.250Z');
    const postedAt = new Date('2027-03-08T08:20:00.125Z');
    const first = await store.transaction((tx) => tx.ceremonies.claimDailyReminders([{ teamId: teamIds[0]!, date: '2027-03-08', meetingAt }], postedAt));
    const second = await store.transaction((tx) =>
      tx.ceremonies.claimDailyReminders(teamIds.map((teamId) => ({ teamId, date: '2027-03-08', meetingAt })), postedAt),
    );
    expect([...first]).toEqual([teamIds[0]]);
    expect([...second]).toEqual([teamIds[1]]);
    const claims = await prisma().dailyReminder.findMany({ where: { teamId: { in: teamIds } } });
    expect(claims.map((c) => [c.meetingAt.toISOString(), c.postedAt.toISOString()])).toEqual([
      [meetingAt.toISOString(), postedAt.toISOString()],
      [meetingAt.toISOString(), postedAt.toISOString()],
    ]);
  });

  it('reads side by side outside a transaction, and refuses to queue a message there before writing it', async () => {
    const { workspace, productId } = await product();
    const [a, b] = await store.reads((r) => Promise.all([r.productState(productId), r.productState(productId)]));
    expect(a!.id).toBe(productId);
    expect(b).toEqual(a);
    const before = notified;
    await expect(store.reads((r) => r.enqueue(workspace, { kind: 'dm', userId: 'U0READONLY', message: message(section('never')) }))).rejects.toThrow('store.reads is for reading');
    await expect(store.reads((r) => r.enqueuePosts([{ workspace, delivery: { kind: 'post', channelId: 'C0READONLY', message: message(section('never')) } }]))).rejects.toThrow('store.reads is for reading');
    expect(await prisma().outboxMessage.count({ where: { OR: [{ userId: 'U0READONLY' }, { channelId: 'C0READONLY' }] } })).toBe(0);
    expect(notified).toBe(before);
  });

  it('keeps one person per platform user, updates the name, keeps their own time zone', async () => {
    const { workspace, productId } = await product();
    const [first] = await store.transaction((tx) => tx.ensurePersons(productId, workspace.id, [{ platformUserId: 'U0SAME0001', displayName: 'Al', timeZone: 'Europe/Berlin' }]));
    await store.transaction((tx) => tx.setWorkingHours(first!.id, { timeZone: 'Asia/Tokyo', startMin: 600, endMin: 1080, days: [1, 2, 3] }));
    const [again] = await store.transaction((tx) => tx.ensurePersons(productId, workspace.id, [{ platformUserId: 'U0SAME0001', displayName: 'Alice', timeZone: 'UTC' }]));
    expect(again).toEqual({ id: first!.id, platformUserId: 'U0SAME0001', displayName: 'Alice' });
    expect(await store.transaction((tx) => tx.workingHours(first!.id))).toEqual({ timeZone: 'Asia/Tokyo', startMin: 600, endMin: 1080, days: [1, 2, 3] });
  });

  it('replaces the one PO, ignores duplicate members and stakeholders, and reads the product back', async () => {
    const { workspace, productId } = await product();
    const state = await store.transaction(async (tx) => {
      const [a, b, c] = await tx.ensurePersons(productId, workspace.id, ['U0A', 'U0B', 'U0C'].map((id) => ({ platformUserId: id, displayName: id, timeZone: undefined })));
      await tx.setOwner(productId, a!.id, undefined);
      await tx.setOwner(productId, b!.id, a!.id);
      await tx.addAdmin(productId, a!.id);
      await tx.addAdmin(productId, a!.id);
      const team = await tx.createTeam(productId, workspace.id, 'C0X', 'X');
      await tx.addMembers(team, [a!.id, c!.id]);
      await tx.addMembers(team, [c!.id]);
      await tx.addStakeholders(productId, [c!.id, c!.id]);
      await tx.removeFromAllTeams(productId, a!.id);
      return tx.productState(productId);
    });
    expect(state.owner?.platformUserId).toBe('U0B');
    expect(state.admins.map((p) => p.platformUserId)).toEqual(['U0A']);
    expect(state.teams).toHaveLength(1);
    expect(state.teams[0]!.memberIds).toHaveLength(1);
    expect(state.stakeholders.map((p) => p.platformUserId)).toEqual(['U0C']);
    expect(await prisma().productOwner.count({ where: { productId } })).toBe(1);
  });

  it('refuses a second team on the same channel and a second team of the same name', async () => {
    const { workspace, productId } = await product();
    await store.transaction((tx) => tx.createTeam(productId, workspace.id, 'C0DUP', 'Dup'));
    await expect(store.transaction((tx) => tx.createTeam(productId, workspace.id, 'C0DUP', 'Other'))).rejects.toThrow();
    await expect(store.transaction((tx) => tx.createTeam(productId, workspace.id, 'C0DUP2', 'Dup'))).rejects.toThrow();
  });

  it('applies migrations once: a second run applies nothing and the database is ready', async () => {
    expect(await database.db.migrate()).toEqual([]);
    expect(await database.db.ready()).toBe(true);
    const rows = await prisma().$queryRawUnsafe<{ migration_name: string; checksum: string }[]>('SELECT migration_name, checksum FROM "_prisma_migrations"');
    const committed = await loadMigrations();
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(committed.map((m) => [m.name, m.checksum]));
  });

  it('refuses to start on a migration edited after it was applied', async () => {
    const committed = await loadMigrations();
    const edited = committed.map((m, i) => (i === 0 ? { ...m, checksum: 'f'.repeat(64) } : m));
    // A second connection to the same database (on PGlite: the same instance, so it is not closed here).
    const db = await openDatabase(database.options(), edited);
    try {
      await expect(db.migrate()).rejects.toThrow(MigrationError);
      await expect(db.migrate()).rejects.toThrow(/was changed after it was applied/);
    } finally {
      if (kind === 'postgres') await db.close();
    }
  });

  it.runIf(kind === 'postgres')('replicas migrating a new database at once apply each migration exactly once', async () => {
    const fresh = await createTestDatabaseWithoutMigrations();
    try {
      const replicas = await Promise.all([0, 1, 2].map(() => openDatabase(fresh.options)));
      const applied = await Promise.all(replicas.map((r) => r.migrate()));
      expect(applied.flat()).toEqual((await loadMigrations()).map((m) => m.name));
      for (const r of replicas) expect(await r.ready()).toBe(true);
      await Promise.all(replicas.map((r) => r.close()));
    } finally {
      await fresh.drop();
    }
  });
});

async function createTestDatabaseWithoutMigrations() {
  const { randomBytes } = await import('node:crypto');
  const pg = (await import('pg')).default;
  const url = process.env.TEST_DATABASE_URL!;
  const schema = `t_${randomBytes(6).toString('hex')}`;
  return {
    options: { kind: 'postgres' as const, url, schema, poolSize: 2 },
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}
