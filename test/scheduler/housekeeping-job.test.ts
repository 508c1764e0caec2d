import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { housekeepingJob } from '../../src/scheduler/housekeeping-job.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/test-database.js';

const DAY = 24 * 60 * 60_000;

describe.each(testDatabaseKinds())('housekeeping (%s)', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => database?.drop());

  it('removes run commands after 2 days and failed ones after 90; pending ones stay however old', async () => {
    const prisma = database.db.prisma;
    const now = new Date('2027-03-10T03:17:00Z');
    const ago = (days: number) => new Date(now.getTime() - days * DAY);
    const row = (key: string, status: string, doneAt: Date | null) => ({
      requestKey: key, platform: 'slack', workspaceExternalId: 'T1', channelId: 'C1', userId: 'U1', text: 'ask x?', status, doneAt, receivedAt: ago(200),
    });
    await prisma.inboundCommand.createMany({
      data: [row('done-old', 'done', ago(3)), row('done-new', 'done', ago(1)), row('failed-30', 'failed', ago(30)), row('failed-100', 'failed', ago(100)), row('pending', 'pending', null)],
    });
    await housekeepingJob(prisma).run(now, pino({ level: 'silent' }));
    const left = await prisma.inboundCommand.findMany({ select: { requestKey: true }, orderBy: { requestKey: 'asc' } });
    expect(left.map((r) => r.requestKey)).toEqual(['done-new', 'failed-30', 'pending']);
  });
});
