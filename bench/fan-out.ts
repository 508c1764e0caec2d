/**
 * Fan-out: 2,000 teams of one product in one Slack workspace, each in a channel of its own, whose Daily Scrum
 * reminders fall in the same minute. po-desk runs in process as src/start.ts wires it (real scheduler ticking
 * on node-cron, real outbox dispatcher, real Slack sender and WebClient), against a fake Slack whose
 * chat.postMessage enforces Slack's "special" tier: 1 message per second per channel, and a workspace-wide
 * limit of WORKSPACE_RATE messages per second with a burst of WORKSPACE_BURST (Slack publishes no number for
 * that one; 100/s makes 2,000 reminders take a measurable 19 s at least). Beyond either it answers 429 with
 * Retry-After in whole seconds, as Slack does.
 *
 * The teams are seeded with set-based SQL, then their reminders are set to the next minute boundary at least
 * a few seconds away, and the bench waits for the scheduler's own tick. Timed from that minute until the
 * fake accepted the last reminder. Counts: 429s, duplicates (a channel that got more than one reminder),
 * losses (a team that got none), dead letters. Any duplicate or loss fails the run (exit code 1).
 *
 * On a fresh in-memory PGlite, and on PostgreSQL too when TEST_DATABASE_URL or DATABASE_URL is set (a
 * temporary schema, dropped afterwards). Run: npm run bench:fanout  (FANOUT_TEAMS, FANOUT_RATE to vary;
 * FANOUT_TIMELINE=1 prints deliveries and 429s second by second, FANOUT_TIMELINE=100 by 100 ms)
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import pino from 'pino';
import { readConfig } from '../src/config.js';
import { startPoDesk, type RunningApp } from '../src/start.js';
import type { DatabaseOptions } from '../src/store/database.js';
import { FakeSlack, type PostRateLimits } from '../test/support/fake-slack.js';
import { SIGNING_SECRET } from '../test/support/slack-requests.js';
import { seedProduct } from './support.js';

const TEAMS = Number(process.env.FANOUT_TEAMS ?? 2000);
const WORKSPACE_RATE = Number(process.env.FANOUT_RATE ?? 100);
const WORKSPACE_BURST = WORKSPACE_RATE;
const LIMITS: PostRateLimits = { perChannel: { perSecond: 1, burst: 1 }, workspace: { perSecond: WORKSPACE_RATE, burst: WORKSPACE_BURST } };
const BOT_TOKEN = 'xoxb-bench-token';
const MINUTE = 60_000;
/** The seeded teams' channels (seedProduct's five are C-0 … C-4). */
const channelOf = (i: number) => (i < 5 ? `C-${i}` : `C-FAN-${String(i).padStart(5, '0')}`);

interface Result {
  database: string;
  teams: number;
  messages: number;
  minimumMs: number;
  /** From the reminders' minute to the last reminder the fake accepted. */
  elapsedMs: number;
  /** From the minute to the daily-reminders job's claim of it (the scheduler's tick). */
  tickLagMs: number;
  /** From the minute to the last outbox row of the job committed. */
  enqueuedMs: number;
  rateLimited: number;
  duplicates: number;
  losses: number;
  dead: number;
}

/** The least time the fake's limits allow for `n` messages, one per channel, starting with full buckets. */
function minimumMs(n: number): number {
  const ws = LIMITS.workspace!;
  return (Math.max(0, n - ws.burst) / ws.perSecond) * 1000;
}

/** 2,000 teams (seedProduct's five and the rest in one INSERT), no reminder yet. */
async function seedTeams(app: RunningApp): Promise<{ productId: string }> {
  const { productId } = await seedProduct(app.db);
  const ws = await app.db.prisma.workspace.findFirstOrThrow({ where: { productId } });
  await app.db.prisma.$executeRawUnsafe(
    `INSERT INTO "Team" ("id", "productId", "workspaceId", "channelId", "name", "createdAt")
     SELECT md5('fan' || n::text), $1, $2, 'C-FAN-' || lpad(n::text, 5, '0'), 'Team ' || n, now()
     FROM generate_series(5, $3 - 1) AS n`,
    productId,
    ws.id,
    TEAMS,
  );
  // No weekly digest in the run.
  await app.db.prisma.product.update({ where: { id: productId }, data: { digestWeekday: 7, digestTimeMin: 23 * 60 + 59 } });
  await app.db.prisma.$executeRawUnsafe('ANALYZE "Team"');
  return { productId };
}

async function run(database: string, options: DatabaseOptions): Promise<Result> {
  const fake = await FakeSlack.start({ teamId: 'T-BENCH', expectedToken: BOT_TOKEN, postRateLimits: LIMITS });
  const config = readConfig({ NODE_ENV: 'production', PORT: '0', PLAYGROUND: 'off', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: fake.url });
  const app = await startPoDesk(config, { log: pino({ level: 'warn' }, pino.destination(2)), database: options });
  try {
    const { productId } = await seedTeams(app);
    // The next minute boundary at least 3 s away; a UTC reminder 10 minutes before a meeting, every day.
    const minute = Math.ceil((Date.now() + 3_000) / MINUTE) * MINUTE;
    const meetingMin = (new Date(minute).getUTCHours() * 60 + new Date(minute).getUTCMinutes() + 10) % 1440;
    const set = await app.db.prisma.team.updateMany({
      where: { productId },
      data: { dailyTimeMin: meetingMin, dailyDays: [1, 2, 3, 4, 5, 6, 7], dailyTimeZone: 'UTC', dailyLeadMin: 10 },
    });
    if (set.count !== TEAMS) throw new Error(`expected ${TEAMS} teams, set ${set.count}`);
    process.stderr.write(`${database}: ${TEAMS} teams seeded; reminders at ${new Date(minute).toISOString()}, waiting for the scheduler…\n`);

    const accepted = () => fake.callsTo('chat.postMessage').filter((c) => c.answer.ok);
    const deadline = minute + Math.max(5 * minimumMs(TEAMS), 60_000) + 30_000;
    for (;;) {
      await new Promise((r) => setTimeout(r, 200));
      if (Date.now() < minute + 1_000) continue;
      const pending = await app.db.prisma.outboxMessage.count({ where: { status: 'pending' } });
      if ((accepted().length >= TEAMS && pending === 0) || Date.now() > deadline) break;
    }
    // A duplicate could still be on its way: give it a moment.
    await new Promise((r) => setTimeout(r, 1_500));

    const posts = accepted();
    if (process.env.FANOUT_TIMELINE) {
      // FANOUT_TIMELINE=1 counts by the second; a larger number is the slice in milliseconds.
      const sliceMs = Number(process.env.FANOUT_TIMELINE) > 1 ? Number(process.env.FANOUT_TIMELINE) : 1000;
      const bySecond = new Map<number, [number, number]>();
      for (const c of fake.callsTo('chat.postMessage')) {
        const sec = Math.floor((c.at - minute) / sliceMs);
        const n = bySecond.get(sec) ?? [0, 0];
        n[c.answer.ok ? 0 : 1] += 1;
        bySecond.set(sec, n);
      }
      process.stderr.write(`${database}: ${sliceMs === 1000 ? 'second' : `${sliceMs} ms slice`} → delivered, 429s: ${[...bySecond].sort((a, b) => a[0] - b[0]).map(([k, [ok, no]]) => `${k}:${ok}/${no}`).join(' ')}\n`);
    }
    const perChannel = new Map<string, number>();
    for (const c of posts) {
      if (!String(c.args.text ?? '').includes('Daily Scrum')) throw new Error(`not a reminder: ${JSON.stringify(c.args).slice(0, 300)}`);
      const channel = String(c.args.channel);
      perChannel.set(channel, (perChannel.get(channel) ?? 0) + 1);
    }
    const teams = Array.from({ length: TEAMS }, (_, i) => channelOf(i));
    const job = await app.db.prisma.jobRun.findUnique({ where: { job_slot: { job: 'daily-reminders', slot: new Date(minute) } } });
    const lastRow = await app.db.prisma.outboxMessage.aggregate({ _max: { createdAt: true } });
    return {
      database,
      teams: TEAMS,
      messages: posts.length,
      minimumMs: minimumMs(TEAMS),
      elapsedMs: Math.max(...posts.map((c) => c.at)) - minute,
      tickLagMs: job ? job.claimedAt.getTime() - minute : NaN,
      enqueuedMs: (lastRow._max.createdAt?.getTime() ?? NaN) - minute,
      rateLimited: fake.callsTo('chat.postMessage').filter((c) => c.answer.status === 429).length,
      duplicates: [...perChannel.values()].filter((n) => n > 1).length,
      losses: teams.filter((ch) => !perChannel.has(ch)).length,
      dead: await app.db.prisma.outboxMessage.count({ where: { status: 'dead' } }),
    };
  } finally {
    await app.stop();
    await fake.close();
  }
}

async function onPostgres(pgUrl: string): Promise<Result> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  try {
    return await run('PostgreSQL', { kind: 'postgres', url: pgUrl, schema });
  } finally {
    const url = new URL(pgUrl);
    url.searchParams.delete('schema');
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect().then(() => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).finally(() => client.end());
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const results = [await run('PGlite (in memory)', { kind: 'pglite', dataDir: undefined })];
  const pgUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (pgUrl) results.push(await onPostgres(pgUrl));
  else process.stdout.write('PostgreSQL skipped: set TEST_DATABASE_URL or DATABASE_URL to include it.\n');

  const cpus = os.cpus();
  const limits = `${LIMITS.perChannel!.perSecond}/s per channel (burst ${LIMITS.perChannel!.burst}), ${LIMITS.workspace!.perSecond}/s per workspace (burst ${LIMITS.workspace!.burst})`;
  process.stdout.write(`\nFan-out: Daily Scrum reminders of ${TEAMS.toLocaleString('en')} teams (a channel each, one workspace) in the same minute; ` +
    `fake Slack's chat.postMessage limits: ${limits}; Node ${process.version}, ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'})\n\n`);
  process.stdout.write('| database | teams | messages | rate limits | minimum the limits allow | minute → last delivered | ÷ minimum | minute → job claimed | minute → last enqueued | 429s | duplicates | losses | dead letters |\n');
  process.stdout.write('| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n');
  for (const r of results) {
    process.stdout.write(`| ${r.database} | ${r.teams} | ${r.messages} | ${limits} | ${s(r.minimumMs)} | ${s(r.elapsedMs)} | ${(r.elapsedMs / r.minimumMs).toFixed(3)}× | ${s(r.tickLagMs)} | ${s(r.enqueuedMs)} | ${r.rateLimited} | ${r.duplicates} | ${r.losses} | ${r.dead} |\n`);
  }
  const failed = results.filter((r) => r.duplicates > 0 || r.losses > 0 || r.dead > 0);
  for (const r of failed) process.stdout.write(`FAILED (${r.database}): ${r.duplicates} duplicates, ${r.losses} losses, ${r.dead} dead letters\n`);
  if (failed.length > 0) process.exitCode = 1;
}

await main();
