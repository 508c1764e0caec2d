/**
 * Database faults: po-desk runs as a process on PostgreSQL while signed `/po ask` commands keep coming, and
 * PostgreSQL is stopped for a few seconds and started again (`pg_ctlcluster … stop`, then `start`). Every
 * request during the outage must be answered within Slack's 3 seconds — with a 5xx Slack retries, or a
 * friendly message — nothing acknowledged may be missing afterwards, /readyz must say "not ready" during
 * the outage and "ready" after it, and po-desk must serve again without a restart.
 *
 * PostgreSQL only, and skipped without TEST_DATABASE_URL. The cluster is started again in afterAll whatever
 * happened, and waited for with pg_isready: other suites share it.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildApp, type ChildApp } from '../support/child-app.js';
import { FakeSlack } from '../support/fake-slack.js';
import { addCast, ALI, ANN, BOB, CHANNEL, PAT } from '../support/slack-cast.js';
import { postToSlackEndpoint, SIGNING_SECRET, slashCommandBody } from '../support/slack-requests.js';

const run = promisify(execFile);
const TOKEN = 'xoxb-database-faults';
const ASKED = 'the Product Owner) as Q';
/** What Slack shows as "operation_timeout" if po-desk takes longer. */
const SLACK_DEADLINE_MS = 3_000;
const OUTAGE_MS = 5_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cluster = (action: 'start' | 'stop') => run('pg_ctlcluster', ['--skip-systemctl-redirect', readdirSync('/etc/postgresql')[0]!, 'main', action]);
const isReady = async () => run('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-q']).then(() => true, () => false);

const tally = (keys: string[]) => keys.reduce<Record<string, number>>((t, k) => ({ ...t, [k]: (t[k] ?? 0) + 1 }), {});

interface Answer {
  n: number;
  sentAt: number;
  ms: number;
  status: number;
  text: string;
}

describe.runIf(process.env.TEST_DATABASE_URL)('database faults: PostgreSQL stops and starts again under load', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  let fake: FakeSlack;
  let app: ChildApp | undefined;

  beforeAll(async () => {
    fake = await FakeSlack.start({ expectedToken: TOKEN, clockTimestamps: true });
    addCast(fake);
    fake.setChannelMembers(CHANNEL, [ANN, PAT, ALI, BOB, fake.botUserId]);
    app = await startChildApp(
      { DATABASE_URL: `${process.env.TEST_DATABASE_URL}?schema=${schema}`, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: fake.url },
      120_000,
    );
  });
  afterAll(async () => {
    // Whatever happened, PostgreSQL is up again before anything else runs.
    if (!(await isReady())) await cluster('start').catch(() => undefined);
    for (let i = 0; i < 60 && !(await isReady()); i += 1) await sleep(500);
    if (app && app.process.exitCode === null && app.process.signalCode === null) app.process.kill('SIGKILL');
    await app?.exited;
    await fake?.close();
    const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  const ask = async (n: number): Promise<Answer> => {
    const body = slashCommandBody({ text: `ask Outage question ${n}?`, userId: n % 2 === 0 ? ALI : BOB, channelId: CHANNEL, triggerId: `outage.${n}`, responseUrl: fake.responseUrl('po-command') });
    const sentAt = Date.now();
    try {
      // Far past Slack's deadline: a request that hangs shows as a long answer rather than a stuck test.
      const res = await postToSlackEndpoint(app!.baseUrl, body, { contentType: 'application/x-www-form-urlencoded', headers: {} });
      return { n, sentAt, ms: Date.now() - sentAt, status: res.status, text: res.text };
    } catch (error) {
      return { n, sentAt, ms: Date.now() - sentAt, status: 0, text: String(error) };
    }
  };
  /** Acknowledged as asked: answered in the ack, or acked empty once saved (the answer follows via response_url). */
  const acknowledged = (a: Answer) => a.status === 200 && (a.text.includes(ASKED) || a.text === '');
  const readyz = async () => (await fetch(`${app!.baseUrl}/readyz`, { signal: AbortSignal.timeout(10_000) })).status;

  it('answers every request within 3 s during the outage, loses nothing acknowledged, and recovers without a restart', async () => {
    const po = async (text: string, userId: string) => (await postToSlackEndpoint(app!.baseUrl, slashCommandBody({ text, userId, channelId: CHANNEL, triggerId: `setup.${text}` }), { contentType: 'application/x-www-form-urlencoded' })).text;
    expect(await po(`owner <@${PAT}>`, ANN)).toContain('is now the Product Owner');
    expect(await po('team Checkout', ALI)).toContain('This channel is now team');
    expect(await readyz()).toBe(200);

    const answers: Answer[] = [];
    const readiness: { at: number; status: number }[] = [];
    let n = 0;
    let stop = false;
    const load = Promise.all(
      Array.from({ length: 3 }, async () => {
        while (!stop) {
          answers.push(await ask(++n));
          await sleep(50);
        }
      }),
    );
    const watchReadiness = (async () => {
      while (!stop) {
        const at = Date.now();
        readiness.push({ at, status: await readyz().catch(() => 0) });
        await sleep(250);
      }
    })();

    await sleep(2_000);
    const outageFrom = Date.now();
    await cluster('stop');
    await sleep(OUTAGE_MS);
    await cluster('start');
    for (let i = 0; i < 60 && !(await isReady()); i += 1) await sleep(250);
    const outageTo = Date.now();
    // po-desk finds its feet again by itself: wait for /readyz, then keep asking a little longer.
    const recoverBy = Date.now() + 20_000;
    while (readiness.at(-1)?.status !== 200 || readiness.at(-1)!.at < outageTo) {
      if (Date.now() > recoverBy) break;
      await sleep(250);
    }
    const recoveredAt = Date.now();
    await sleep(3_000);
    stop = true;
    await Promise.all([load, watchReadiness]);

    expect(app!.process.exitCode, `po-desk is still running; its last words:\n${app!.output().slice(-4000)}`).toBeNull();
    const during = answers.filter((a) => a.sentAt >= outageFrom && a.sentAt <= outageTo);
    const slowest = Math.max(...answers.map((a) => a.ms));
    process.stdout.write(
      `database faults: ${answers.length} requests, ${during.length} during the ${outageTo - outageFrom} ms outage; slowest answer ${slowest} ms; ` +
        `answers during the outage: ${JSON.stringify(tally(during.map((a) => (acknowledged(a) ? 'acknowledged' : `${a.status} ${a.text.slice(0, 80)}`))))}; ` +
        `/readyz back ${recoveredAt - outageTo} ms after PostgreSQL\n`,
    );

    // Every request was answered, within Slack's deadline, with an ack, a 5xx Slack retries, or words a person understands.
    expect(answers.filter((a) => a.status === 0), 'requests that got no answer').toEqual([]);
    expect(answers.filter((a) => a.ms > SLACK_DEADLINE_MS).map((a) => [a.n, a.ms, a.status]), 'answers slower than 3 s').toEqual([]);
    const failed = answers.filter((a) => !acknowledged(a));
    for (const a of failed) {
      const friendly = a.status === 200 && /Sorry|try again|ask again/i.test(a.text);
      expect(a.status >= 500 || friendly, `answer to question ${a.n}: ${a.status} ${a.text.slice(0, 200)}`).toBe(true);
    }
    // The outage was real: requests during it were not acknowledged as asked, and /readyz said so.
    expect(during.filter((a) => !acknowledged(a)).length, 'requests the outage refused').toBeGreaterThanOrEqual(1);
    expect(readiness.some((r) => r.at > outageFrom && r.at < outageTo && r.status === 503), '/readyz during the outage').toBe(true);

    // Recovered without a restart: ready, and asking works again.
    expect(readiness.at(-1)!.status).toBe(200);
    const after = answers.filter((a) => a.sentAt > recoveredAt);
    expect(after.length).toBeGreaterThanOrEqual(3);
    expect(after.filter((a) => !acknowledged(a)).map((a) => [a.status, a.text.slice(0, 100)]), 'requests refused after the recovery').toEqual([]);

    // Nothing acknowledged is missing, and each of those questions reaches the PO once.
    const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    try {
      // A question acked once saved is asked by the inbound worker, which retries through the outage (and
      // waits out the claims it held when PostgreSQL went away): give it time, then everything must be there.
      const acked = answers.filter(acknowledged);
      const questionTexts = async () => new Set((await client.query<{ text: string }>(`SELECT text FROM "${schema}"."Question"`)).rows.map((r) => r.text));
      const askedBy = Date.now() + 90_000;
      while (Date.now() < askedBy) {
        const texts = await questionTexts();
        if (acked.every((a) => texts.has(`Outage question ${a.n}?`))) break;
        await sleep(1_000);
      }
      const inbound = await client.query<{ status: string; n: string }>(`SELECT status, count(*) AS n FROM "${schema}"."InboundCommand" GROUP BY status`).catch(() => ({ rows: [] }));
      process.stdout.write(`database faults: inbound commands by status ${JSON.stringify(inbound.rows)}\n`);
      let pending = -1;
      for (let i = 0; i < 120 && pending !== 0; i += 1) {
        if (i > 0) await sleep(500);
        pending = Number((await client.query(`SELECT count(*) AS n FROM "${schema}"."OutboxMessage" WHERE status = 'pending'`)).rows[0].n);
      }
      expect(pending, 'outbox messages still pending').toBe(0);
      const texts = await questionTexts();
      expect(acked.filter((a) => !texts.has(`Outage question ${a.n}?`)).map((a) => a.n), 'acknowledged questions missing').toEqual([]);
      const dms = fake.callsTo('chat.postMessage').filter((c) => c.answer.ok && c.args.channel === `D${PAT}`);
      for (const text of texts) {
        expect(dms.filter((c) => JSON.stringify(c.args.blocks).includes(text)), `DMs to the PO about "${text}"`).toHaveLength(1);
      }
    } finally {
      await client.end();
    }
    expect(fake.unexpected).toEqual([]);
  });
});
