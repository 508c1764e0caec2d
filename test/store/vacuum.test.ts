import pino from 'pino';
import type { Database } from '../../src/store/database.js';
import { afterEach, describe, expect, it } from 'vitest';
import { vacuumEmbeddedDatabase, warnIfAutovacuumIsOff } from '../../src/store/vacuum.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/test-database.js';
import { startAppOn } from '../support/test-app.js';

const silent = pino({ level: 'silent' });

/** 200 queued messages, each claimed and marked sent `times` times over, as the outbox does. */
async function churn({ sql }: Pick<Database, 'sql'>, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) {
    await sql.query(`UPDATE "OutboxMessage" SET "lockedUntil" = now(), "lockedBy" = 'w', "attempts" = "attempts" + 1, "status" = 'pending'`);
    await sql.query(`UPDATE "OutboxMessage" SET "status" = 'sent', "sentAt" = now(), "lockedUntil" = NULL`);
  }
}

async function outboxPages({ sql }: Pick<Database, 'sql'>): Promise<number> {
  const [row] = await sql.query<{ pages: number }>(`SELECT (pg_relation_size('"OutboxMessage"') / 8192)::int AS pages`);
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
    await churn(db.db, 5);
    await db.db.vacuum!();
    const settled = await outboxPages(db.db);
    for (let round = 0; round < 3; round += 1) {
      await churn(db.db, 5);
      await db.db.vacuum!();
    }
    // Fifteen more rounds of updates fit in the pages the first five took.
    expect(await outboxPages(db.db)).toBeLessThanOrEqual(settled);
  });

  it('not at all without it: the same updates take ever more pages', async () => {
    const db = await queued();
    await churn(db.db, 5);
    const before = await outboxPages(db.db);
    await churn(db.db, 15);
    expect(await outboxPages(db.db)).toBeGreaterThan(before * 2);
  });

  it('every so often until stopped', async () => {
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
  });
});

describe('a running po-desk on the embedded database', () => {
  const QUEUE = `INSERT INTO "OutboxMessage" ("platform", "workspaceId", "kind", "channelId", "payload", "nextAttemptAt", "createdAt")
    SELECT 'slack', 'T1', 'post', 'C1', jsonb_build_object('text', repeat('x', 400)), now(), now() FROM generate_series(1, 200)`;

  it('vacuums it: a busy outbox takes a fraction of the pages it takes unvacuumed', async () => {
    // The same twenty rounds of updates on a database nobody vacuums, for comparison.
    const unvacuumed = await createTestDatabase('pglite');
    let without: number;
    try {
      await unvacuumed.db.sql.query(QUEUE);
      await churn(unvacuumed.db, 20);
      without = await outboxPages(unvacuumed.db);
    } finally {
      await unvacuumed.drop();
    }

    const started = await startAppOn('pglite', {}, { vacuumEveryMs: 20 });
    try {
      await started.app.db.sql.query(QUEUE); // no Slack configured: the dispatcher leaves them be
      for (let round = 0; round < 4; round += 1) {
        await churn(started.app.db, 5);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      // ~409 pages unvacuumed, 53-83 here (a vacuum may fall in the middle of a round).
      expect(await outboxPages(started.app.db)).toBeLessThan(without / 2);
    } finally {
      await started.stop();
    }
  });
});

describe.each(testDatabaseKinds())('at start (%s)', (kind) => {
  it('po-desk vacuums PGlite itself and leaves PostgreSQL to its autovacuum', async () => {
    const database = await createTestDatabase(kind);
    try {
      expect(database.db.vacuum === undefined).toBe(kind === 'postgres');
    } finally {
      await database.drop();
    }
  });

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
