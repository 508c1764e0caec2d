import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveInboundCommands, type NewInboundCommand } from '../../src/store/inbound-commands.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/test-database.js';

const command = (requestKey: string, text: string, extra: Partial<NewInboundCommand> = {}): NewInboundCommand => ({
  requestKey,
  platform: 'slack',
  workspaceExternalId: 'T-SAVE',
  workspaceName: 'acme',
  channelId: 'C-SAVE',
  channelName: 'checkout',
  userId: 'U-ASKER',
  text,
  replyUrl: `https://hooks.slack.test/commands/${requestKey}`,
  ...extra,
});

describe.each(testDatabaseKinds())('commands saved before their ack (%s)', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => database.drop());

  it('saves a batch in one statement, each field as Prisma reads it back, the time to the millisecond', async () => {
    const receivedAt = new Date('2026-12-06T23:59:58.123Z');
    await saveInboundCommands(database.db.sql, [
      command('k-1', 'ask Does “checkout” ship on Friday? 🚀 \'quoted\' "double" \\ back'),
      command('k-2', 'ask Anything without names?', { workspaceName: undefined, channelName: undefined, replyUrl: undefined }),
    ], receivedAt);

    const rows = await database.db.prisma.inboundCommand.findMany({ where: { requestKey: { in: ['k-1', 'k-2'] } }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.requestKey, r.text, r.workspaceName, r.channelName, r.replyUrl])).toEqual([
      ['k-1', 'ask Does “checkout” ship on Friday? 🚀 \'quoted\' "double" \\ back', 'acme', 'checkout', 'https://hooks.slack.test/commands/k-1'],
      ['k-2', 'ask Anything without names?', null, null, null],
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({ platform: 'slack', workspaceExternalId: 'T-SAVE', channelId: 'C-SAVE', userId: 'U-ASKER', status: 'pending', attempts: 0, lockedUntil: null });
      expect(row.receivedAt.toISOString()).toBe(receivedAt.toISOString());
      expect(row.nextAttemptAt.toISOString()).toBe(receivedAt.toISOString());
    }
  });

  it('saves a redelivered request once, keeping the first', async () => {
    await saveInboundCommands(database.db.sql, [command('k-again', 'ask First?')], new Date('2026-12-06T10:00:00Z'));
    await saveInboundCommands(database.db.sql, [command('k-again', 'ask Second?'), command('k-new', 'ask New?')], new Date('2026-12-06T10:00:01Z'));
    const rows = await database.db.prisma.inboundCommand.findMany({ where: { requestKey: { in: ['k-again', 'k-new'] } }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.requestKey, r.text])).toEqual([['k-again', 'ask First?'], ['k-new', 'ask New?']]);
  });

  it('is not swept into a Prisma transaction open at the same moment: that one rolling back keeps the save', async () => {
    let saving: Promise<void> | undefined;
    await expect(
      database.db.prisma.$transaction(async (tx) => {
        await tx.inboundCommand.create({ data: { requestKey: 'k-rolled-back', platform: 'slack', workspaceExternalId: 'T-SAVE', channelId: 'C', userId: 'U', text: 'ask Gone?' } });
        saving = saveInboundCommands(database.db.sql, [command('k-kept', 'ask Kept?')], new Date());
        // On PGlite the save waits for this transaction; give it every chance to slip in if it could.
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await saving;
    const keys = (await database.db.prisma.inboundCommand.findMany({ where: { requestKey: { in: ['k-rolled-back', 'k-kept'] } } })).map((r) => r.requestKey);
    expect(keys).toEqual(['k-kept']);
  });
});
