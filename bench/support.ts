/**
 * What the benchmarks share: one product with a PO (Berlin, 09:00–17:00), five teams and a customer,
 * 100,000 questions seeded with set-based SQL, a timer, and a database opened, migrated and closed.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import type { CommandContext } from '../src/app/context.js';
import type { Directory, UserProfile } from '../src/app/ports.js';
import { openDatabase, type Database, type DatabaseOptions } from '../src/store/database.js';
import { readConfig } from '../src/config.js';
import { startPoDesk, type RunningApp } from '../src/start.js';
import { prismaStore } from '../src/store/prisma-store.js';
import type { FakeSlack } from '../test/support/fake-slack.js';

export const ROWS = 100_000;
export const WEEKS_SEEDED = 26;
export const RUNS = 10;
export const TZ = 'Europe/Berlin';
/** A Wednesday afternoon: the period's last week is part-way through. */
export const NOW = new Date('2026-11-25T14:00:00Z');
const TEAMS = ['Checkout', 'Search', 'Payments', 'Mobile', 'Platform'];
const WORKSPACE = 'T-BENCH';

const profiles: Record<string, UserProfile> = Object.fromEntries(
  ['U-PO', 'U-DEV', 'U-CUST'].map((id) => [id, { platformUserId: id, displayName: id, timeZone: TZ, isBot: false, isAdmin: false, deleted: false }]),
);
export const directory: Directory = { lookupUser: async (id) => profiles[id], channelMembers: async () => [] };
export const ctx: CommandContext = { platform: 'slack', workspaceExternalId: WORKSPACE, workspaceName: 'bench', channelId: 'C-0', inDirectMessage: false, userId: 'U-DEV' };

/** The product, its PO (Berlin, 09:00–17:00), teams and people, through the store like the app. */
export async function seedProduct(db: Database): Promise<{ productId: string; teamIds: string[]; askerId: string; customerId: string }> {
  return prismaStore(db.prisma).transaction(async (tx) => {
    const ws = await tx.workspace('slack', WORKSPACE, 'bench');
    const productId = await tx.createProduct(ws.id, 'bench');
    const [po, dev, customer] = await tx.ensurePersons(productId, ws.id, Object.values(profiles));
    await tx.setOwner(productId, po!.id, undefined);
    await tx.setWorkingHours(po!.id, { timeZone: TZ, startMin: 9 * 60, endMin: 17 * 60, days: [1, 2, 3, 4, 5] });
    const teamIds: string[] = [];
    for (const [i, name] of TEAMS.entries()) teamIds.push(await tx.createTeam(productId, ws.id, `C-${i}`, name));
    return { productId, teamIds, askerId: dev!.id, customerId: customer!.id };
  });
}

/**
 * 100,000 questions in one statement. Asked uniformly over 26 weeks; teams unevenly busy (the first
 * asks about 5× as much as the last); business time to first response log-normal around 30 min (a long
 * tail past the 4 h target); wall-clock 1–4× that; 4 % still waiting; 15 % handed to a customer.
 */
export async function seedQuestions(db: Database, p: { productId: string; teamIds: string[]; askerId: string; customerId: string }): Promise<void> {
  await db.prisma.$executeRawUnsafe(
    `INSERT INTO "Question" ("id", "productId", "number", "teamId", "askerId", "text", "source", "askedAt",
       "firstResponseAt", "firstResponseKind", "firstResponseBusinessSec", "firstResponseWallSec", "handedToId", "handedOffAt")
     SELECT md5($1 || n::text), $1, n, ($2::text[])[1 + floor(5 * power(rt, 1.6))::int], $3, 'Question ' || n, 'command', asked,
       CASE WHEN waiting THEN NULL ELSE asked + make_interval(secs => wall) END,
       CASE WHEN waiting THEN NULL WHEN handed THEN 'handoff' ELSE 'answer' END,
       CASE WHEN waiting THEN NULL ELSE round(b)::int END,
       CASE WHEN waiting THEN NULL ELSE round(wall)::int END,
       CASE WHEN handed AND NOT waiting THEN $4 END,
       CASE WHEN handed AND NOT waiting THEN asked + make_interval(secs => wall) END
     FROM (
       SELECT n, rt, b, b * (1 + 3 * rw) AS wall, asked, rr < 0.04 AS waiting, rh < 0.15 AS handed
       FROM (
         SELECT n, random() AS rt, random() AS rw, random() AS rr, random() AS rh,
                $5::timestamp - random() * make_interval(days => $6) AS asked,
                exp(ln(1800) + 1.2 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) AS b
         FROM generate_series(1, $7) AS n
       ) r
     ) s`,
    p.productId,
    p.teamIds,
    p.askerId,
    p.customerId,
    NOW.toISOString(),
    WEEKS_SEEDED * 7,
    ROWS,
  );
  await db.prisma.product.update({ where: { id: p.productId }, data: { questionSeq: ROWS } });
  await settle(db, ['Question']);
}

/**
 * Statistics for the planner, and on PostgreSQL the visibility map too: a live table's autovacuum has
 * set it (inserts trigger one), a freshly seeded table's has not, and without it every index-only scan
 * reads the heap. PGlite runs no autovacuum, so it gets ANALYZE alone, as it would in use.
 */
export async function settle(db: Database, tables: string[]): Promise<void> {
  for (const table of tables) await db.prisma.$executeRawUnsafe(`${db.kind === 'postgres' ? 'VACUUM ANALYZE' : 'ANALYZE'} "${table}"`);
}

export async function time(fn: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  await fn(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)]!;
  return { median: (ms[Math.floor((ms.length - 1) / 2)]! + ms[Math.ceil((ms.length - 1) / 2)]!) / 2, p95: at(0.95) };
}

export async function withDatabase<T>(options: DatabaseOptions, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(options);
  try {
    await db.migrate();
    return await fn(db);
  } finally {
    await db.close();
  }
}


/** Runs `fn` on a fresh in-memory PGlite, and on PostgreSQL (a temporary schema) when DATABASE_URL or TEST_DATABASE_URL is set. */
export async function onEachDatabase<T>(fn: (label: string, db: Database) => Promise<T>): Promise<T[]> {
  const out = [await withDatabase({ kind: 'pglite', dataDir: undefined }, (db) => fn('PGlite (in memory)', db))];
  const pgUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!pgUrl) {
    process.stdout.write('PostgreSQL skipped: set DATABASE_URL or TEST_DATABASE_URL to include it.\n');
    return out;
  }
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  try {
    out.push(await withDatabase({ kind: 'postgres', url: pgUrl, schema }, (db) => fn('PostgreSQL', db)));
  } finally {
    const url = new URL(pgUrl);
    url.searchParams.delete('schema');
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect().then(() => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).finally(() => client.end());
  }
  return out;
}

/**
 * po-desk in process as production starts it (real Bolt surface, outbox, scheduler; no playground), its
 * Slack pointed at `fake`, on the database `dbEnv` names; logging warnings only, to stderr.
 */
export async function startPoDeskOnFakeSlack(fake: FakeSlack, slack: { signingSecret: string; botToken: string }, dbEnv: Record<string, string>): Promise<RunningApp> {
  const config = readConfig({
    NODE_ENV: 'production',
    PORT: '0',
    PLAYGROUND: 'off',
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: fake.url,
    ...dbEnv,
  });
  return startPoDesk(config, { log: pino({ level: 'warn' }, pino.destination(2)) });
}
