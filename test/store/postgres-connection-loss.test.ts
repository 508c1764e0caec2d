import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/store/database.js';

/**
 * PostgreSQL ending po-desk's connections (a restart, an administrator, a failover) must never take the
 * process down: here the server terminates them again and again while /readyz's check holds one. Before
 * the fix, a connection ended between two of the check's queries emitted an 'error' nobody listened to.
 */
describe.runIf(process.env.TEST_DATABASE_URL)('PostgreSQL ending connections (postgres)', () => {
  const app = `podesk-loss-${randomBytes(4).toString('hex')}`;
  const schema = `t_${randomBytes(6).toString('hex')}`;
  let db: Database;
  let admin: pg.Client;

  beforeAll(async () => {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.searchParams.set('application_name', app);
    db = await openDatabase({ kind: 'postgres', url: url.toString(), schema, poolSize: 3 });
    await db.migrate();
    admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await db?.close();
    await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin?.end();
  });

  it('answers "not ready" while its connections are being ended, and "ready" after, without crashing', async () => {
    const terminate = () => admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [app]);
    const answers: boolean[] = [];
    const until = Date.now() + 3_000;
    while (Date.now() < until) {
      const [ready] = await Promise.all([db.ready(), new Promise((r) => setTimeout(r, Math.random() * 3)).then(terminate)]);
      answers.push(ready);
    }
    expect(answers.length).toBeGreaterThan(20);
    expect(answers).toContain(false); // some checks did lose their connection
    // The last termination may still be reaching a pooled connection (PostgreSQL signals the backend and
    // returns): the check that draws it answers "not ready", and the next gets a new one.
    await expect.poll(() => db.ready(), { timeout: 3_000, interval: 50 }).toBe(true);
    expect(await db.prisma.outboxMessage.count()).toBe(0);
  });
});
