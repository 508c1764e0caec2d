/**
 * Crash: po-desk runs as a real process under load (signed `/po ask` commands and "Send to PO intake"
 * shortcuts) while the fake Slack answers chat.postMessage slowly, so a send is always in flight; then it
 * is SIGKILLed, on purpose while Slack has taken a message and po-desk has not heard back. A Daily Scrum
 * reminder falls due just before the kill. po-desk is restarted on the same database, and the suite checks
 * what people would see: everything acknowledged is there, and every message owed (the PO's DM and the
 * anchor post per question, the thread notice per request, the reminder) reached Slack exactly once.
 *
 * The database kinds run side by side, each with its own process, fake Slack and test clock
 * (PODESK_TEST_CLOCK_*), which the process and the fake share: it stands 5 s before a minute while the
 * test sets the product up, so the reminder falls due 5 s after the test starts it (not up to a minute
 * later), and the restart comes 30 s later by that clock, as if the process had been down that long, so
 * the dead process's 30-second claims have lapsed without the suite waiting for them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { OUTBOX_METADATA_EVENT } from '../../src/adapters/slack/slack-sender.js';
import { openDatabase } from '../../src/store/database.js';
import { startChildApp, type ChildApp } from '../support/child-app.js';
import { FakeSlack, type RecordedCall } from '../support/fake-slack.js';
import { addCast, ALI, ANN, BOB, CHANNEL, PAT, SAM } from '../support/slack-cast.js';
import { messageShortcutPayload, postInteraction, postToSlackEndpoint, SIGNING_SECRET, slashCommandBody } from '../support/slack-requests.js';
import { testDatabaseKinds, type TestDbKind } from '../support/test-database.js';

const TOKEN = 'xoxb-crash-token';
const ASKED = 'the Product Owner) as Q';
const SENT_TO_INTAKE = 'Sent to the PO’s intake as #';
/** How long the fake holds its answer to chat.postMessage during the load: the crash window. */
const SLOW_MS = 400;
const MINUTE = 60_000;
/** The outbox's and the inbound worker's claim: by the restart, the dead process's have lapsed. */
const LEASE_MS = 30_000;

/**
 * The time po-desk and the fake Slack share: `start` until the test starts it, then running as the wall
 * clock does. A restart may begin later by it than by the wall clock (`jump`): the time the process was down.
 */
class TestClock {
  private realStart = Number.POSITIVE_INFINITY;
  constructor(private start: number) {}
  now(): number {
    return this.start + Math.max(0, Date.now() - this.realStart);
  }
  /** Starts it (as SIGUSR2 starts the process's). */
  run(): void {
    this.realStart = Date.now();
  }
  jump(ms: number): void {
    const now = this.now();
    this.realStart = Date.now();
    this.start = now + ms;
  }
  /** The process's PODESK_TEST_CLOCK_*: standing still (for an hour, or until SIGUSR2), or as it runs now. */
  env(): Record<string, string> {
    const running = Number.isFinite(this.realStart);
    return {
      PODESK_TEST_CLOCK_START: new Date(this.start).toISOString(),
      PODESK_TEST_CLOCK_REAL_START: new Date(running ? this.realStart : Date.now() + 60 * MINUTE).toISOString(),
    };
  }
  async sleepUntil(at: number): Promise<void> {
    await sleep(Math.max(0, at - this.now()));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hhmm = (d: Date) => d.toISOString().slice(11, 16);

/** All that a call shows a person: its text and its blocks, as one string to search. */
const shownText = (c: RecordedCall) => `${String(c.args.text ?? '')} ${JSON.stringify(c.args.blocks ?? [])}`;
const outboxIdOf = (c: RecordedCall) => {
  const m = c.args.metadata as { event_type?: string; event_payload?: { outbox_id?: string } } | undefined;
  return m?.event_type === OUTBOX_METADATA_EVENT ? m.event_payload?.outbox_id : undefined;
};

interface Run {
  kind: TestDbKind;
  clock: TestClock;
  fake: FakeSlack;
  dbEnv: Record<string, string>;
  cleanup: () => Promise<void>;
  children: ChildApp[];
  app?: ChildApp;
  /** Question numbers (n in "Crash question n?") acknowledged as asked, and those sent at all. */
  askedAcked: Set<number>;
  askedSent: number;
  /** The ts of the person messages sent to the intake with the shortcut. */
  intakeSent: string[];
  /** By the test clock. */
  killedAt?: number;
}

async function prepare(kind: TestDbKind, boundary: number): Promise<Run> {
  const clock = new TestClock(boundary - 5_000);
  const fake = await FakeSlack.start({ expectedToken: TOKEN, clockTimestamps: true, now: () => clock.now() });
  addCast(fake);
  fake.setChannelMembers(CHANNEL, [ANN, PAT, ALI, BOB, SAM, fake.botUserId]);
  let dbEnv: Record<string, string>;
  let dropDb: () => Promise<void>;
  if (kind === 'pglite') {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'po-desk-crash-'));
    dbEnv = { DATA_DIR: dataDir };
    dropDb = () => rm(dataDir, { recursive: true, force: true });
  } else {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    dbEnv = { DATABASE_URL: `${process.env.TEST_DATABASE_URL}?schema=${schema}` };
    dropDb = async () => {
      const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    };
  }
  const run: Run = { kind, clock, fake, dbEnv, children: [], askedAcked: new Set(), askedSent: 0, intakeSent: [], cleanup: async () => {} };
  run.cleanup = async () => {
    for (const c of run.children) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await Promise.all(run.children.map((c) => c.exited));
    await fake.close();
    await dropDb();
  };
  return run;
}

async function start(run: Run): Promise<ChildApp> {
  const app = await startChildApp({ ...run.dbEnv, ...run.clock.env(), SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: run.fake.url }, 120_000);
  run.children.push(app);
  run.app = app;
  return app;
}

async function po(run: Run, text: string, userId: string, expected: string): Promise<void> {
  const res = await postToSlackEndpoint(run.app!.baseUrl, slashCommandBody({ text, userId, channelId: CHANNEL, triggerId: `setup.${randomBytes(4).toString('hex')}` }), { contentType: 'application/x-www-form-urlencoded' });
  expect(res.text, `/po ${text}`).toContain(expected);
}

/** Signed `/po ask` commands from `workers` people at once, until `stop()`; counts what was acknowledged. */
async function askUnderLoad(run: Run, workers: number, stopped: () => boolean): Promise<void> {
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (!stopped()) {
        const n = ++run.askedSent;
        const body = slashCommandBody({ text: `ask Crash question ${n}?`, userId: w % 2 === 0 ? ALI : BOB, channelId: CHANNEL, triggerId: `crash.${n}`, responseUrl: run.fake.responseUrl('po-command') });
        try {
          const res = await postToSlackEndpoint(run.app!.baseUrl, body, { contentType: 'application/x-www-form-urlencoded' });
          // Acknowledged: answered in the ack, or acked empty once saved (the answer follows via response_url).
          if (res.status === 200 && (res.text.includes(ASKED) || res.text === '')) run.askedAcked.add(n);
        } catch {
          await sleep(20); // the process is gone: nothing was acknowledged
        }
      }
    }),
  );
}

/** "Send to PO intake" on a new message of Sam's, one after the other, until `stop()`. */
async function requestUnderLoad(run: Run, stopped: () => boolean): Promise<void> {
  for (let m = 1; !stopped(); m += 1) {
    const ts = `1600000000.${String(m).padStart(6, '0')}`;
    const text = `Could the export of report ${m} be a CSV file?`;
    run.fake.addPersonMessage({ channel: CHANNEL, ts, user: SAM, text });
    run.intakeSent.push(ts);
    const payload = messageShortcutPayload({ userId: ALI, callbackId: 'send_to_intake', channelId: CHANNEL, text, authorId: SAM, messageTs: ts, responseUrl: run.fake.responseUrl(`intake-${m}`), triggerId: `intake.${m}` });
    await postInteraction(run.app!.baseUrl, payload).catch(() => sleep(20));
    // As a person would: the next one once this one is answered (through its response_url).
    for (let waited = 0; waited < 5_000 && !stopped() && run.fake.responsesTo(`intake-${m}`).length === 0; waited += 50) await sleep(50);
  }
}

async function metric(app: ChildApp, line: string): Promise<number | undefined> {
  const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

const kinds = testDatabaseKinds();

describe(`crash: SIGKILL under load, restart on the same database (${kinds.join(', ')})`, () => {
  const runs: Run[] = [];
  afterAll(async () => {
    await Promise.all(runs.map((r) => r.cleanup()));
  });

  it('keeps everything acknowledged and delivers every owed message and the Daily Scrum reminder exactly once', async () => {
    // The minute the reminder falls due in (the scheduler runs it at the minute's start), by the test clock.
    const boundary = Math.ceil(Date.now() / MINUTE) * MINUTE + MINUTE;
    // A 10-minute lead makes it due from `boundary` until the meeting: the reminder's own claim, not the
    // tick, keeps it once. It is set while the clock stands in the minute before, which has been checked.
    const meeting = new Date(boundary + 5 * MINUTE);
    for (const kind of kinds) runs.push(await prepare(kind, boundary));
    await Promise.all(
      runs.map(async (run) => {
        await start(run);
        await po(run, `owner <@${PAT}>`, ANN, 'is now the Product Owner');
        await po(run, 'team Checkout', ALI, 'This channel is now team');
        await po(run, `daily ${hhmm(meeting)} mon-sun UTC 10min`, ALI, 'Daily Scrum is at');
      }),
    );

    await Promise.all(
      runs.map(async (run) => {
        run.app!.process.kill('SIGUSR2');
        run.clock.run();
        await run.clock.sleepUntil(boundary - 4_000);
        run.fake.failNext('chat.postMessage', { delayMs: SLOW_MS }, 100_000);
        let stop = false;
        const load = Promise.all([askUnderLoad(run, 3, () => stop), requestUnderLoad(run, () => stop)]);
        // Kill right after Slack took a message after the reminder fell due: its answer is still on its way.
        await run.clock.sleepUntil(boundary + 1_500);
        await run.fake.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.at >= boundary + 1_500), 20_000);
        run.app!.process.kill('SIGKILL');
        run.killedAt = run.clock.now();
        expect(await run.app!.exited).toBe('SIGKILL');
        stop = true;
        await load;
        run.fake.clearFailures();

        run.clock.jump(LEASE_MS);
        const app = await start(run);
        // Wait for the outbox to be empty, the reminder out, and every acknowledged question's DM delivered.
        // That takes longer the more the load got acknowledged before the kill (~2 posts per question, at the
        // fake Slack's pace): PostgreSQL took 137 s after ~2,000 acknowledged questions, once the PGlite process
        // beside it stopped optimizing its WebAssembly and left it more CPU. None was lost; 120 s was too short.
        const deadline = Date.now() + 240_000;
        for (;;) {
          const pending = await metric(app, 'podesk_outbox_messages{status="pending"}');
          const posts = run.fake.callsTo('chat.postMessage').filter((c) => c.answer.ok);
          const reminded = posts.some((c) => shownText(c).includes('Daily Scrum at'));
          // A question acked before it was asked (saved first) is asked after the restart: wait for its DM.
          const dms = posts.filter((c) => c.args.channel === `D${PAT}`).map(shownText).join('\n');
          const notYet = [...run.askedAcked].filter((n) => !dms.includes(`Crash question ${n}?`));
          if (pending === 0 && reminded && notYet.length === 0) break;
          if (Date.now() > deadline) break; // the checks below say what is missing

          await sleep(500);
        }
        await sleep(1_000); // nothing more should come
        app.process.kill('SIGTERM');
        expect(await app.exited).toBe(0);
      }),
    );

    for (const run of runs) await check(run, boundary);
  }, 420_000);
});

async function check(run: Run, boundary: number): Promise<void> {
  const { fake, kind } = run;
  const label = (what: string) => `${kind}: ${what}`;
  const posts = fake.callsTo('chat.postMessage').filter((c) => c.answer.ok);
  const db = await openDatabase(
    kind === 'pglite' ? { kind: 'pglite', dataDir: run.dbEnv.DATA_DIR } : { kind: 'postgres', url: process.env.TEST_DATABASE_URL!, schema: new URL(run.dbEnv.DATABASE_URL!).searchParams.get('schema')! },
  );
  const requestAnswers = run.intakeSent.map((_, i) => fake.responsesTo(`intake-${i + 1}`).map((r) => JSON.stringify(r).slice(0, 120)));
  process.stdout.write(`crash (${kind}): ${run.askedSent} questions asked, ${run.askedAcked.size} acknowledged; ${run.intakeSent.length} requests sent, answers: ${JSON.stringify(requestAnswers.slice(0, 3))}\n`);
  try {
    // The load was real, and the kill landed while Slack's answer to a post was on its way.
    expect(run.askedAcked.size, label('questions acknowledged before the kill')).toBeGreaterThanOrEqual(5);
    const inFlight = posts.filter((c) => c.at <= run.killedAt! && c.at > run.killedAt! - SLOW_MS);
    expect(inFlight.length, label('posts Slack took whose answer the kill cut off')).toBeGreaterThanOrEqual(1);
    for (const c of inFlight) {
      expect(posts.filter((p) => outboxIdOf(p) === outboxIdOf(c)), label(`posts of outbox message ${outboxIdOf(c)}, in flight at the kill`)).toHaveLength(1);
    }
    expect(outboxIdOf(inFlight[0]!)).toBeDefined();
    expect(fake.calls.some((c) => (c.method === 'conversations.history' || c.method === 'conversations.replies') && c.args.include_all_metadata !== undefined), label('a retry looked for its earlier attempt')).toBe(true);

    // Every acknowledged question is there; every question there reached the PO and the channel once.
    const questions = await db.prisma.question.findMany({ select: { number: true, text: true } });
    const asked = new Set(questions.map((q) => Number(/^Crash question (\d+)\?$/.exec(q.text)?.[1])));
    expect([...run.askedAcked].filter((n) => !asked.has(n)), label('acknowledged questions missing')).toEqual([]);
    for (const n of asked) {
      const mine = posts.filter((c) => shownText(c).includes(`Crash question ${n}?`));
      expect(mine.filter((c) => c.args.channel === CHANNEL && c.args.thread_ts === undefined), label(`anchor posts of question ${n}`)).toHaveLength(1);
      expect(mine.filter((c) => c.args.channel === `D${PAT}`), label(`DMs to the PO about question ${n}`)).toHaveLength(1);
    }

    // Every request whose sender was told "Sent to the PO's intake" is there; its thread was told once.
    const items = await db.prisma.intakeItem.findMany({ select: { number: true, sourceThreadId: true } });
    const acknowledgedRequests = run.intakeSent.filter((_, i) => fake.responsesTo(`intake-${i + 1}`, 'accepted').some((r) => JSON.stringify(r).includes(SENT_TO_INTAKE)));
    expect(acknowledgedRequests.length, label('requests acknowledged')).toBeGreaterThanOrEqual(1);
    const itemThreads = new Set(items.map((i) => i.sourceThreadId));
    expect(acknowledgedRequests.filter((ts) => !itemThreads.has(ts)), label('acknowledged requests missing')).toEqual([]);
    for (const item of items) {
      const told = posts.filter((c) => c.args.thread_ts === item.sourceThreadId && shownText(c).includes('sent this to the PO’s intake'));
      expect(told, label(`thread notices of request #${item.number}`)).toHaveLength(1);
    }

    // The reminder due at `boundary`: posted once, claimed once.
    const reminders = posts.filter((c) => c.args.channel === CHANNEL && shownText(c).includes('Daily Scrum at'));
    expect(reminders, label('Daily Scrum reminders')).toHaveLength(1);
    expect(reminders[0]!.at, label('the reminder was not posted before it was due')).toBeGreaterThanOrEqual(boundary);
    expect(await db.prisma.dailyReminder.count(), label('reminder claims')).toBe(1);

    // Nothing is left behind or given up on, and Slack saw no call it did not expect.
    expect(await db.prisma.outboxMessage.groupBy({ by: ['status'], _count: { _all: true }, where: { status: { not: 'sent' } } }), label('outbox rows not sent')).toEqual([]);
    expect(fake.unexpected, label('unexpected Slack calls')).toEqual([]);
    process.stdout.write(
      `crash (${kind}): ${run.askedSent} asked, ${run.askedAcked.size} acknowledged, ${questions.length} in the database; ` +
        `${run.intakeSent.length} requests sent, ${acknowledgedRequests.length} acknowledged, ${items.length} in the database; ` +
        `${inFlight.length} post(s) in flight at the kill; ${posts.length} posts accepted by Slack\n`,
    );
  } finally {
    await db.close();
  }
}
