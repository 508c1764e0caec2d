/**
 * `/po stats` at scale: seeds 100,000 questions over 26 weeks across 5 teams (one product) with set-based
 * SQL, then times `/po stats` end to end (the use case: its transaction, the product, the SQL) and the
 * statistics query alone, for 4 and 26 weeks. On a fresh in-memory PGlite, and on PostgreSQL too when
 * DATABASE_URL or TEST_DATABASE_URL is set (in a temporary schema, dropped afterwards). Also prints which
 * scan PostgreSQL's planner chose for each period.
 * Run: npm run bench:stats
 */
import type { Deps } from '../src/app/context.js';
import { showStats } from '../src/app/questions/show-stats.js';
import type { Database } from '../src/store/database.js';
import { prismaStore } from '../src/store/prisma-store.js';
import { questionStats, STATS_SQL, statsParams } from '../src/store/question-stats-query.js';
import { addDays, isoWeekday, localDate, zonedInstant } from '../src/domain/zoned-time.js';
import { ctx, directory, NOW, onEachDatabase, ROWS, RUNS, seedProduct, seedQuestions, time, TZ, WEEKS_SEEDED } from './support.js';

/** The period `/po stats <weeks>` asks for. */
function period(weeks: number) {
  const today = localDate(NOW, TZ);
  const since = zonedInstant(addDays(today, 1 - isoWeekday(today) - 7 * (weeks - 1)), 0, TZ);
  return { since, until: NOW, timeZone: TZ, targetSec: 4 * 3600 };
}

interface Row {
  database: string;
  what: string;
  weeks: number;
  median: number;
  p95: number;
}

async function bench(label: string, db: Database): Promise<{ rows: Row[]; plans: string[] }> {
  const seedStart = performance.now();
  const product = await seedProduct(db);
  await seedQuestions(db, product);
  const seedMs = performance.now() - seedStart;
  const count = await db.prisma.question.count();
  process.stdout.write(`${label}: seeded ${count.toLocaleString('en')} questions in ${(seedMs / 1000).toFixed(1)} s\n`);

  const deps: Deps = { store: prismaStore(db.prisma), directory, clock: { now: () => NOW } };
  const rows: Row[] = [];
  const plans: string[] = [];
  for (const weeks of [4, 26]) {
    const message = await showStats(ctx, deps, String(weeks));
    if (message.blocks.length < 5) throw new Error(`unexpected /po stats reply: ${JSON.stringify(message)}`);
    rows.push({ database: label, what: '`/po stats` (use case)', weeks, ...(await time(() => showStats(ctx, deps, String(weeks)))) });
    const q = period(weeks);
    rows.push({ database: label, what: 'statistics query alone', weeks, ...(await time(() => questionStats(db.prisma, product.productId, q))) });
    const plan = await db.prisma.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${STATS_SQL}`, ...statsParams(product.productId, q));
    const scans = plan.map((r) => r['QUERY PLAN'].trim()).filter((line) => /Scan/.test(line)).map((line) => line.replace(/^->\s*/, '').replace(/\s+\(cost.*$/, ''));
    plans.push(`${label}, ${weeks} weeks: ${scans.join('; ')}`);
  }
  return { rows, plans };
}

const results: Row[] = [];
const plans: string[] = [];
for (const r of await onEachDatabase((label, db) => bench(label, db))) {
  results.push(...r.rows);
  plans.push(...r.plans);
}

process.stdout.write(`\n${ROWS.toLocaleString('en')} questions over ${WEEKS_SEEDED} weeks, 5 teams, one product; Node ${process.version}; warm-up + ${RUNS} runs each\n\n`);
process.stdout.write('| database | rows | weeks | what | median | p95 |\n| --- | ---: | ---: | --- | ---: | ---: |\n');
for (const r of results) {
  process.stdout.write(`| ${r.database} | ${ROWS.toLocaleString('en')} | ${r.weeks} | ${r.what} | ${r.median.toFixed(1)} ms | ${r.p95.toFixed(1)} ms |\n`);
}
process.stdout.write(`\nPlans (scans only):\n${plans.map((p) => `- ${p}`).join('\n')}\n`);
