import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { vacuumEmbeddedDatabase, warnIfAutovacuumIsOff } from '../../src/store/vacuum.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/test-database.js';
import { startAppOn } from '../support/test-app.js';

const silent = pino({ level: 'silent' });

/** 200 queued messages, each claimed and marked sent `times` times over, as the outbox does. */
async function churn(database: TestDatabase, times: number): Promise<void> {
  const sql = database.db.sql;
  for (let i = 0; i < times; i += 1) {
    await sql.query(`UPDATE "OutboxMessage" SET "lockedUntil" = now(), "lockedBy" = 'w', "attempts" = "attempts" + 1, "status" = 'pending'`);
    await sql.query(`UPDATE "OutboxMessage" SET "status" = 'sent', "sentAt" = now(), "lockedUntil" = NULL`);
  }
}

async function outboxPages(database: TestDatabase): Promise<number> {
  const [row] = await database.db.sql.query<{ pages: number }>(`SELECT (pg_relation_size('"OutboxMessage"') / 8192)::int AS pages`);
  return row!.pages;
}

describe('the embedded database is vacuumed', () => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  async function queued(): Promise<TestDatabase> {
    database = await createTestDatabase('pglite');
    await database.db.sql.query(
      `INSERT INTO "OutboxMessage" ("platform", "workspaceId", "kind", "channelId", "payload", "nextAttemptAt", "createdAt")
       SELECT 'slack', 'T1', 'post', 'C1', jsonb_build_object('text', repeat('x', 400)), now(), now() FROM generate_series(1, 200)`,
    );
    return database;
  }

  it('so that what updates leave behind is reused, and a busy outbox stops growing', async () => {
    const db = await queued();
    await churn(db, 5);
    await db.db.vacuum();
    const settled = await outboxPages(db);
    for (let round = 0; round < 3; round += 1) {
      await churn(db, 5);
      await db.db.vacuum();
    }
    // Fifteen more rounds of updates fit in the pages the first five took.
    expect(await outboxPages(db)).toBeLessThanOrEqual(settled);
  });

  it('not at all without it: the same updates take ever more pages', async () => {
    const db = await queued();
    await churn(db, 5);
    const before = await outboxPages(db);
    await churn(db, 15);
    expect(await outboxPages(db)).toBeGreaterThan(before * 2);
  });

  it('every so often until stopped, and leaves PostgreSQL to its autovacuum', async () => {
    const db = await queued();
    let vacuums = 0;
    const counting = { ...db.db, vacuum: async () => void (vacuums += 1) };
    const stop = vacuumEmbeddedDatabase(counting, silent, 10);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await stop();
    const seen = vacuums;
    expect(seen).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(vacuums).toBe(seen);

    let onPostgres = 0;
    const stopPostgres = vacuumEmbeddedDatabase({ ...db.db, kind: 'postgres', vacuum: async () => void (onPostgres += 1) }, silent, 10);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await stopPostgres();
    expect(onPostgres).toBe(0);
  });
});

describe('a running po-desk on the embedded database', () => {
  it('vacuums it: a busy outbox stops growing', async () => {
    const started = await startAppOn('pglite', {}, { vacuumEveryMs: 20 });
    const pause = () => new Promise((resolve) => setTimeout(resolve, 150));
    try {
      const database = { db: started.app.db } as TestDatabase;
      await database.db.sql.query(
        `INSERT INTO "OutboxMessage" ("platform", "workspaceId", "kind", "channelId", "payload", "nextAttemptAt", "createdAt")
         SELECT 'slack', 'T1', 'post', 'C1', jsonb_build_object('text', repeat('x', 400)), now(), now() FROM generate_series(1, 200)`,
      ); // no Slack configured: the dispatcher leaves them be
      await churn(database, 5);
      await pause();
      const settled = await outboxPages(database);
      for (let round = 0; round < 3; round += 1) {
        await churn(database, 5);
        await pause();
      }
      // Without the vacuum, three times the pages (see above); with it here ~1.4 times, as a vacuum may fall
      // in the middle of a round.
      expect(await outboxPages(database)).toBeLessThan(settled * 2);
    } finally {
      await started.stop();
    }
  });
});

describe.each(testDatabaseKinds())('at start (%s)', (kind) => {
  it('warns when PostgreSQL’s autovacuum is off, and only then', async () => {
    const database = await createTestDatabase(kind);
    try {
      const warnings: string[] = [];
      const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line).msg) });
      await warnIfAutovacuumIsOff(database.db, log);
      const [setting] = kind === 'postgres' ? await database.db.sql.query<{ on: string }>(`SELECT current_setting('autovacuum') AS on`) : [{ on: 'not PostgreSQL' }];
      // This workplace's PostgreSQL runs with autovacuum off; a server with it on must not be warned about.
      expect(warnings).toEqual(setting!.on === 'off' ? [expect.stringContaining('autovacuum is off')] : []);
    } finally {
      await database.drop();
    }
  });
});
