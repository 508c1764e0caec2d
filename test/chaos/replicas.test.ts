/**
 * Two replicas: two real po-desk processes on one PostgreSQL schema, behind a round-robin proxy for
 * Slack's requests, both talking to one fake Slack, run a simulated sprint week on a shared test clock
 * (PODESK_TEST_CLOCK_*: set up while it stands at Monday 07:00, then started with SIGUSR2 to run an
 * hour per real second) up to Wednesday 10:45, past the review's last prompt. Both schedulers tick all
 * the time and race for every slot; each Daily Scrum reminder, review prompt, nudge and digest must
 * reach Slack exactly once, and none may be missing.
 */
import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, isoWeekday, localDate, zonedInstant } from '../../src/domain/zoned-time.js';
import { openDatabase } from '../../src/store/database.js';
import { buttonsOf } from '../support/block-kit.js';
import { startChildApp, type ChildApp } from '../support/child-app.js';
import { FakeSlack, SLACK_TEST_TOKEN, type RecordedCall } from '../support/fake-slack.js';
import { addCast, ALI, ANN, BOB, CHANNEL, EVE, PAT, SAM } from '../support/slack-cast.js';
import { blockActionsPayload, postInteraction, postToSlackEndpoint, SIGNING_SECRET, slashCommandBody, viewSubmissionPayload } from '../support/slack-requests.js';
import { replyText } from '../support/test-app.js';

type Json = Record<string, unknown>;

const BERLIN = 'Europe/Berlin';
const CHANNEL_B = 'C0TEAMB001';
const KIM = 'U0KIM00001';
/**
 * Simulated seconds per real second: an hour a second, so the schedulers tick every 6 simulated minutes
 * and a reminder's hour-long window lasts a real second.
 */
const RATE = 3600;
const url = process.env.TEST_DATABASE_URL;

/** A node:http proxy sending each request to the next upstream in turn, as a trivial load balancer does. */
async function roundRobinProxy(upstreams: string[]): Promise<{ url: string; served: number[]; close: () => Promise<void> }> {
  let next = 0;
  const served = upstreams.map(() => 0);
  const server: Server = createServer((req, res) => {
    const i = next++ % upstreams.length;
    served[i]!++;
    const forward = request(new URL(req.url ?? '/', upstreams[i]), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${error.message}`);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!url)('two replicas on one PostgreSQL behind a round-robin proxy', () => {
  const fake = { current: undefined as FakeSlack | undefined };
  const schema = `t_replicas_${randomBytes(6).toString('hex')}`;
  const replicas: ChildApp[] = [];
  let proxy: Awaited<ReturnType<typeof roundRobinProxy>>;

  // The sprint week: the first Monday at least a week ahead (the test clock stays ahead of real time).
  const inAWeek = addDays(localDate(new Date(), BERLIN), 7);
  const monday = addDays(inAWeek, (8 - isoWeekday(inAWeek)) % 7);
  const at = (day: number, hhmm: string) => zonedInstant(addDays(monday, day), Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), BERLIN);
  const start = at(0, '07:00');
  let realStart = 0;
  const simAt = (realMs: number) => new Date(start.getTime() + Math.max(0, realMs - realStart) * RATE);
  const simNow = () => simAt(Date.now());
  const weekday = (d: Date) => new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: BERLIN }).format(d);
  async function waitUntil(instant: Date): Promise<void> {
    const ms = (instant.getTime() - simNow().getTime()) / RATE;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  }

  beforeAll(async () => {
    const slack = await FakeSlack.start({ expectedToken: SLACK_TEST_TOKEN });
    fake.current = slack;
    addCast(slack);
    slack.addUser({ id: KIM, name: 'kim', real_name: 'Kim', tz: BERLIN });
    slack.setChannelMembers(CHANNEL, [ANN, PAT, ALI, BOB, 'U0PODESKBOT']);
    slack.setChannelMembers(CHANNEL_B, [KIM, PAT, 'U0PODESKBOT']);
    // Both clocks stand at Monday 07:00 until the test has set the product up and starts them (SIGUSR2),
    // or at the latest two minutes from now.
    realStart = Date.now() + 120_000;
    const env = {
      DATABASE_URL: `${url}?schema=${schema}`,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: SLACK_TEST_TOKEN,
      SLACK_API_URL: slack.url,
      PODESK_TEST_CLOCK_START: start.toISOString(),
      PODESK_TEST_CLOCK_REAL_START: new Date(realStart).toISOString(),
      PODESK_TEST_CLOCK_RATE: String(RATE),
    };
    const started = await Promise.allSettled([startChildApp(env, 60_000), startChildApp(env, 60_000)]);
    for (const s of started) if (s.status === 'fulfilled') replicas.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    proxy = await roundRobinProxy(replicas.map((r) => r.baseUrl));
  });

  afterAll(async () => {
    for (const r of replicas) if (r.process.exitCode === null && r.process.signalCode === null) r.process.kill('SIGKILL');
    await proxy?.close();
    await fake.current?.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  /** Waits until the outbox holds nothing to deliver (what is due at the end goes out before the replicas stop). */
  async function outboxDrained(): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined); // a query's failure is what the test sees
    await client.connect();
    try {
      for (let i = 0; i < 100; i++) {
        const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}"."OutboxMessage" WHERE status = 'pending'`);
        if (rows[0]!.n === '0') return;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await client.end();
    }
  }

  /** Per minute job, the longest stretch of simulated time in which neither scheduler ran it. */
  async function largestTickGaps(): Promise<string> {
    const db = await openDatabase({ kind: 'postgres', url: url!, schema });
    try {
      const runs = await db.prisma.jobRun.findMany({ where: { job: { in: ['daily-reminders', 'review-prompts'] } }, orderBy: { slot: 'asc' }, select: { job: true, slot: true } });
      return ['daily-reminders', 'review-prompts']
        .map((job) => {
          const slots = runs.filter((r) => r.job === job).map((r) => r.slot.getTime());
          let worst = { minutes: 0, after: 0 };
          for (let i = 1; i < slots.length; i++) if (slots[i]! - slots[i - 1]! > worst.minutes * 60_000) worst = { minutes: (slots[i]! - slots[i - 1]!) / 60_000, after: slots[i - 1]! };
          return `${job} ${worst.minutes} min after ${new Date(worst.after).toISOString()} (${slots.length} runs)`;
        })
        .join('; ');
    } finally {
      await db.close();
    }
  }

  it('sends every Daily Scrum reminder, review prompt, nudge and digest of a sprint exactly once', async () => {
    const slack = fake.current!;
    let commands = 0;
    const po = async (text: string, userId: string, channelId = CHANNEL, expected?: string) => {
      // Answers given later (a question's) go to the response_url: the fake's, so they are delivered.
      const responseUrl = slack.responseUrl(`command-${++commands}`);
      const res = await postToSlackEndpoint(proxy.url, slashCommandBody({ text, userId, channelId, channelName: channelId === CHANNEL ? 'team-a' : 'team-b', responseUrl }), { contentType: 'application/x-www-form-urlencoded' });
      expect(res.status, `/po ${text}`).toBe(200);
      if (expected) expect(replyText(res.json), `/po ${text}`).toContain(expected);
      return res;
    };
    const opened = (triggerId: string) => slack.callsTo('views.open').find((c) => c.answer.ok && c.args.trigger_id === triggerId)?.args.view as Json | undefined;
    const dms = (userId: string, text: string) => slack.callsTo('chat.postMessage').filter((c) => c.answer.ok && c.args.channel === `D${userId}` && replyText(c.args).includes(text));
    const click = async (userId: string, call: RecordedCall, label: string, id: string) => {
      const ts = slack.bodyOf(call)!.ts as string;
      const button = buttonsOf(slack.shown(ts)).find((b) => b.label === label)!;
      const res = await postInteraction(
        proxy.url,
        blockActionsPayload({ userId, channelId: `D${userId}`, actionId: button.action_id, value: button.value, responseUrl: slack.responseUrl(id, ts), messageTs: ts, ephemeral: false, triggerId: `trigger.${id}` }),
      );
      expect(res.status, `${label} (${userId})`).toBe(200);
    };
    const submit = async (userId: string, triggerId: string, values: Record<string, string>, expected: string) => {
      await slack.waitFor(() => opened(triggerId) !== undefined);
      const res = await postInteraction(proxy.url, viewSubmissionPayload({ userId, view: opened(triggerId)!, values }));
      expect(res.status).toBe(200);
      expect(replyText((res.json as Json | undefined)?.view as Json), triggerId).toContain(expected);
    };

    // Monday 07:00, the clocks standing: the product is set up through the proxy, each request to the next replica.
    await po(`owner <@${PAT}>`, ANN, CHANNEL, 'is now the Product Owner');
    await po('hours 09:00-17:00 mon-fri Europe/Berlin', PAT, CHANNEL, 'Your working hours are now');
    await po('team Checkout', ALI, CHANNEL, 'This channel is now team *Checkout*');
    await po('team Payments', KIM, CHANNEL_B, 'This channel is now team *Payments*');
    await po(`stakeholder add <@${SAM}> <@${EVE}>`, PAT, CHANNEL);
    await po('daily 09:30 mon-fri Europe/Berlin 60min', ALI, CHANNEL, '*09:30 mon-fri (Europe/Berlin), reminder 60 min before*');
    await po('daily 10:00 mon-fri Asia/Tokyo 60min', KIM, CHANNEL_B, '*10:00 mon-fri (Asia/Tokyo), reminder 60 min before*');
    await po('digest at tue 08:00', PAT, CHANNEL, 'your weekly digest comes every');
    await postToSlackEndpoint(proxy.url, slashCommandBody({ text: 'sprint', userId: PAT, channelId: CHANNEL, triggerId: 'trigger.sprint', responseUrl: slack.responseUrl('sprint') }), { contentType: 'application/x-www-form-urlencoded' });
    // A review on Tuesday at 14:00, stakeholders invited the working day before.
    await submit(PAT, 'trigger.sprint', { start: monday, weeks: '1', weekday: '2', time: '14:00', timeZone: BERLIN, inviteDays: '1' }, 'Saved: 1-week sprints');
    await po('ask Do we ship the refund flow behind a flag?', ALI, CHANNEL);
    expect(simNow()).toEqual(start);
    for (const r of replicas) r.process.kill('SIGUSR2');
    realStart = Date.now();

    // Monday 10:00: the invitations (and the PO's summary: nobody has answered yet). Sam comes and wants to
    // see something (the teams' channels get the agenda), Eve may come.
    await slack.waitFor(() => dms(SAM, 'What would you like to see?').length > 0 && dms(EVE, 'What would you like to see?').length > 0, 40_000);
    await click(SAM, dms(SAM, 'What would you like to see?')[0]!, 'Attending', 'sam-yes');
    await click(EVE, dms(EVE, 'What would you like to see?')[0]!, 'Maybe', 'eve-maybe');
    await click(SAM, dms(SAM, 'What would you like to see?')[0]!, 'What would you like to see?', 'sam-topic');
    await submit(SAM, 'trigger.sam-topic', { topic: 'Refunds for an order paid with a gift card' }, 'it is on the Sprint 1 review’s agenda');
    expect(simNow() < at(1, '13:00'), 'the RSVPs and the topic are in before the review’s reminder').toBe(true);

    // Wednesday 10:00: Sam is asked how it went, and answers; the answer reaches the PO's intake.
    await slack.waitFor(() => dms(SAM, 'How did it go').length > 0, 90_000);
    await click(SAM, dms(SAM, 'How did it go')[0]!, 'How did it go?', 'sam-feedback');
    await submit(SAM, 'trigger.sam-feedback', { feedback: 'Show it on a phone next time.' }, 'Your feedback is in the PO’s intake as #1');
    await slack.waitFor(() => dms(PAT, 'New request for your intake').length > 0, 30_000);
    await waitUntil(at(2, '10:45')); // nothing else is due until Payments' reminder on Thursday at 01:00
    const finished = Date.now();
    await outboxDrained();
    for (const r of replicas) r.process.kill('SIGTERM');
    expect(await Promise.all(replicas.map((r) => r.exited))).toEqual([0, 0]);
    const stoppedAt = simNow();

    // What people saw in Slack, by simulated day (Berlin), where, and what it was.
    const KINDS: [string, RegExp][] = [
      ['welcome', /You are the Product Owner/],
      ['question', /Question for the PO/],
      ['question for the PO', /Q1 from team Checkout/],
      ['daily reminder', /Daily Scrum at/],
      ['review invitation', /What would you like to see\?/],
      ['review summary', /No answer yet/],
      ['review agenda', /Stakeholders would like to see/],
      ['review reminder', /starts in an hour/],
      ['review feedback prompt', /How did it go/],
      ['weekly digest', /Your week at a glance/],
      ['nudge', /⏰ (Reminder|Past the response target)/],
      ['team told', /past the response target\. I have reminded/],
      ['new request', /New request for your intake/],
    ];
    const names: Record<string, string> = { [CHANNEL]: 'Checkout', [CHANNEL_B]: 'Payments', [`D${PAT}`]: 'pat', [`D${SAM}`]: 'sam', [`D${EVE}`]: 'eve' };
    const seen = slack
      .callsTo('chat.postMessage')
      .filter((c) => c.answer.ok)
      .map((c) => {
        const text = replyText(c.args);
        const kind = KINDS.find(([, re]) => re.test(text))?.[0] ?? `unexpected: ${text.slice(0, 80)}`;
        const where = `${names[c.args.channel as string] ?? (c.args.channel as string)}${c.args.thread_ts ? ' (thread)' : ''}`;
        return `${weekday(simAt(c.at))} ${where}: ${kind}`;
      });
    // When the machine is too busy, both schedulers can stall past a reminder's window: say so.
    const gaps = await largestTickGaps();
    const warnings = replicas.flatMap((r, i) => r.output().split('\n').filter((l) => /"level":(40|50|60)/.test(l)).map((l) => `replica ${i}: ${l.slice(0, 600)}`));
    if (warnings.length > 0) console.log(warnings.join('\n'));
    expect(seen.sort(), `the largest gaps between the schedulers' runs (simulated): ${gaps}; stopped at ${stoppedAt.toISOString()}`).toEqual(
      [
        'Mon pat: welcome',
        'Mon Checkout: question',
        'Mon pat: question for the PO',
        ...['Mon', 'Tue', 'Wed'].map((d) => `${d} Checkout: daily reminder`),
        ...['Tue', 'Wed'].map((d) => `${d} Payments: daily reminder`), // at 01:00 Berlin; Monday's came before the start
        'Mon sam: review invitation',
        'Mon eve: review invitation',
        'Mon pat: review summary',
        'Mon Checkout: review agenda',
        'Mon Payments: review agenda',
        'Tue pat: weekly digest',
        'Tue sam: review reminder',
        'Tue eve: review reminder',
        'Wed sam: review feedback prompt',
        'Wed pat: new request',
        // Q1 waits: the PO at half the 4-hour target, the team at the target, then the PO each working day.
        ...['Mon', 'Tue', 'Wed'].map((d) => `${d} pat: nudge`),
        'Mon Checkout (thread): team told',
      ].sort(),
    );
    expect(slack.unexpected).toEqual([]);
    expect(proxy.served.every((n) => n > 0), `requests per replica: ${proxy.served.join(', ')}`).toBe(true);

    const db = await openDatabase({ kind: 'postgres', url: url!, schema });
    try {
      // Nothing dead-lettered, nothing left undelivered.
      const undelivered = await db.prisma.outboxMessage.findMany({ where: { status: { not: 'sent' } }, select: { status: true, kind: true, channelId: true, userId: true, messageKey: true, createdAt: true, nextAttemptAt: true, attempts: true, lastError: true } });
      expect(undelivered, `stopped at ${stoppedAt.toISOString()}`).toEqual([]);
      expect(await db.prisma.outboxMessage.count({ where: { kind: { in: ['post', 'dm'] } } })).toBe(seen.length);

      // One claim per slot (the primary key), every claimed run done, and both schedulers claiming.
      const runs = await db.prisma.jobRun.findMany({ select: { job: true, status: true, claimedBy: true } });
      expect(runs.filter((r) => r.status !== 'done')).toEqual([]);
      for (const job of ['daily-reminders', 'review-prompts', 'weekly-digest', 'question-nudges', 'intake-notify']) {
        expect(new Set(runs.filter((r) => r.job === job).map((r) => r.claimedBy)).size, job).toBe(2);
      }
      // The claims of the things themselves: one per team and day, per prompt and person, per digest.
      const reminders = await db.prisma.dailyReminder.findMany({ include: { team: true } });
      expect(reminders.map((r) => `${r.team.name} ${r.date}`).sort()).toEqual(
        [...[0, 1, 2].map((d) => `Checkout ${addDays(monday, d)}`), ...[1, 2].map((d) => `Payments ${addDays(monday, d)}`)].sort(),
      );
      const prompts = await db.prisma.reviewPrompt.groupBy({ by: ['kind'], _count: true, orderBy: { kind: 'asc' } });
      expect(Object.fromEntries(prompts.map((p) => [p.kind, p._count]))).toEqual({ agenda: 2, feedback: 1, invite: 2, reminder: 2, summary: 1 });
      expect((await db.prisma.product.findFirstOrThrow()).lastDigestDay).toBe(addDays(monday, 1));
    } finally {
      await db.close();
    }
    for (const r of replicas) expect(r.output(), 'no errors logged').not.toMatch(/"level":(50|60)/);
    console.log(`replicas: simulated ${(((finished - realStart) * RATE) / 3_600_000).toFixed(1)} h in ${((finished - realStart) / 1000).toFixed(1)} s, stopped at ${stoppedAt.toISOString()}; requests per replica ${proxy.served.join(', ')}; ${gaps}`);
  });
});
