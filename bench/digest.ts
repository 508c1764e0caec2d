/**
 * The PO's weekly digest, dashboard and `/po queue` at scale: 100,000 questions over 26 weeks and 50,000 intake items
 * (with their requesters, decisions and 10,000 interceptions), one product. Times `/po digest` and the
 * dashboard end to end (the use case: its transaction, every query, the message). On a fresh in-memory
 * PGlite, and on PostgreSQL too when DATABASE_URL or TEST_DATABASE_URL is set.
 * Run: npm run bench:digest
 */
import type { CommandContext, Deps } from '../src/app/context.js';
import { dashboard } from '../src/app/dashboard/dashboard.js';
import { digestCommand } from '../src/app/digest/weekly-digest.js';
import { showQueue } from '../src/app/intake/show-queue.js';
import type { Database } from '../src/store/database.js';
import { prismaStore } from '../src/store/prisma-store.js';
import { ctx, directory, NOW, onEachDatabase, ROWS, RUNS, seedProduct, seedQuestions, settle, time, WEEKS_SEEDED } from './support.js';

const ITEMS = 50_000;
const INTERCEPTIONS = 10_000;

/** 50,000 requests: a third waiting, the rest decided (an event each), a tenth merged; extra requesters on some. */
export async function seedIntake(db: Database, p: { productId: string; teamIds: string[]; askerId: string; customerId: string }): Promise<void> {
  await db.prisma.$executeRawUnsafe(
    `INSERT INTO "IntakeItem" ("id", "productId", "number", "title", "urgency", "source", "teamId", "requesterId", "createdById", "status", "createdAt", "poNotifiedAt", "decidedAt")
     SELECT md5('i' || n::text), $1, n, 'Request ' || n, 'normal', (ARRAY['form','shortcut','reaction','intercept'])[1 + floor(random() * 4)::int],
       ($2::text[])[1 + floor(random() * 5)::int], $3, $3, st, created, created, CASE WHEN st IN ('new', 'needs-info') THEN NULL ELSE created + interval '1 day' END
     FROM (
       SELECT n, $4::timestamp - random() * make_interval(days => $5) AS created,
              (ARRAY['new','new','new','needs-info','accepted','accepted','accepted','declined','declined','duplicate','shipped'])[1 + floor(random() * 11)::int] AS st
       FROM generate_series(1, $6) AS n
     ) s`,
    p.productId, p.teamIds, p.askerId, NOW.toISOString(), WEEKS_SEEDED * 7, ITEMS,
  );
  await db.prisma.$executeRawUnsafe(`INSERT INTO "IntakeRequester" ("itemId", "personId") SELECT "id", "requesterId" FROM "IntakeItem" WHERE "productId" = $1`, p.productId);
  await db.prisma.$executeRawUnsafe(`INSERT INTO "IntakeRequester" ("itemId", "personId") SELECT "id", $2 FROM "IntakeItem" WHERE "productId" = $1 AND random() < 0.2`, p.productId, p.customerId);
  await db.prisma.$executeRawUnsafe(
    `INSERT INTO "IntakeEvent" ("itemId", "action", "actorId", "at", "details")
     SELECT "id", CASE "status" WHEN 'duplicate' THEN 'merged' ELSE "status" END, $2, "decidedAt", '{}'::jsonb
     FROM "IntakeItem" WHERE "productId" = $1 AND "decidedAt" IS NOT NULL`,
    p.productId, p.askerId,
  );
  await db.prisma.$executeRawUnsafe(
    `INSERT INTO "Interception" ("id", "productId", "teamId", "sourceKey", "platform", "workspaceId", "channelId", "messageId", "threadId", "authorId", "text", "signals", "reason", "mode", "outcome", "at")
     SELECT md5('x' || n::text), $1, $2, 'bench:' || n, 'slack', 'T-BENCH', 'C-0', n::text, n::text, $3, 'Can you add it?', ARRAY['add'], 'asks to add something', 'nudge',
       (ARRAY['nudged','sent','auto','not-a-request'])[1 + floor(random() * 4)::int], $4::timestamp - random() * make_interval(days => $5)
     FROM generate_series(1, $6) AS n`,
    p.productId, p.teamIds[0], p.customerId, NOW.toISOString(), WEEKS_SEEDED * 7, INTERCEPTIONS,
  );
  await db.prisma.product.update({ where: { id: p.productId }, data: { intakeSeq: ITEMS } });
  await settle(db, ['IntakeItem', 'IntakeRequester', 'IntakeEvent', 'Interception']);
}

interface Row {
  database: string;
  what: string;
  median: number;
  p95: number;
}

async function bench(label: string, db: Database): Promise<Row[]> {
  const started = performance.now();
  const product = await seedProduct(db);
  await seedQuestions(db, product);
  await seedIntake(db, product);
  process.stdout.write(`${label}: seeded ${ROWS.toLocaleString('en')} questions and ${ITEMS.toLocaleString('en')} intake items in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  const deps: Deps = { store: prismaStore(db.prisma), directory, clock: { now: () => NOW } };
  const po: CommandContext = { ...ctx, userId: 'U-PO', channelId: 'D-PO', inDirectMessage: true };
  const digest = await digestCommand(po, deps, undefined);
  if (!JSON.stringify(digest).includes('Your week at a glance')) throw new Error(`unexpected digest: ${JSON.stringify(digest).slice(0, 500)}`);
  return [
    { database: label, what: '`/po digest` (use case)', ...(await time(() => digestCommand(po, deps, undefined))) },
    { database: label, what: 'dashboard, the PO’s (use case)', ...(await time(() => dashboard(po, deps))) },
    { database: label, what: '`/po queue`, the PO’s (use case)', ...(await time(() => showQueue(po, deps))) },
    { database: label, what: 'dashboard, a team member’s', ...(await time(() => dashboard(ctx, deps))) },
  ];
}

// Run as a script (not when another bench imports the seeding).
if (process.argv[1]?.endsWith('digest.ts')) await main();

async function main(): Promise<void> {
  const rows = (await onEachDatabase((label, db) => bench(label, db))).flat();
  process.stdout.write(`\n${ROWS.toLocaleString('en')} questions and ${ITEMS.toLocaleString('en')} intake items over ${WEEKS_SEEDED} weeks, one product; Node ${process.version}; warm-up + ${RUNS} runs each\n\n`);
  process.stdout.write('| database | what | median | p95 |\n| --- | --- | ---: | ---: |\n');
  for (const r of rows) process.stdout.write(`| ${r.database} | ${r.what} | ${r.median.toFixed(1)} ms | ${r.p95.toFixed(1)} ms |\n`);
}
