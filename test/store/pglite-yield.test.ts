import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/test-database.js';

/**
 * PGlite answers in this thread through promises alone: without a turn given back, a loop of queries keeps the
 * event loop from reading requests or firing timers until it ends (a scheduled job over thousands of rows).
 */
describe.skipIf(!testDatabaseKinds().includes('pglite'))('the embedded database and the event loop', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
  });
  afterAll(async () => database.drop());

  const turnTaken = () => {
    const turn = { taken: false };
    setImmediate(() => (turn.taken = true));
    return turn;
  };

  it('lets it run between the queries of one transaction', async () => {
    await database.db.prisma.$transaction(async (tx) => {
      const turn = turnTaken();
      for (let i = 0; i < 5; i++) await tx.person.findMany({ take: 1 });
      expect(turn.taken).toBe(true);
    });
  });

  it('lets it run between queries that go straight to the driver', async () => {
    const turn = turnTaken();
    for (let i = 0; i < 5; i++) await database.db.sql.query('SELECT 1');
    expect(turn.taken).toBe(true);
  });
});
