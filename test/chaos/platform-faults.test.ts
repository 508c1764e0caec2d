/**
 * Platform faults: the real app (in process, on PGlite: the outbox's SQL is the same on both databases and
 * the crash suite runs it on PostgreSQL) talks to a fake Slack that answers 500s and 503s, answers one post
 * only after the Slack client's 10-second timeout (Slack took the message; po-desk never heard), and rate
 * limits with 429 Retry-After. Nothing may be lost or doubled, retries must back off as the outbox says,
 * and what it gives up on must show in /metrics and the log.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTBOX_METADATA_EVENT } from '../../src/adapters/slack/slack-sender.js';
import { FakeSlack, type RecordedCall } from '../support/fake-slack.js';
import { addCast, ALI, ANN, BOB, CHANNEL, PAT } from '../support/slack-cast.js';
import { postToSlackEndpoint, slashCommandBody } from '../support/slack-requests.js';
import { slackCommander, slackEnv, startAppOn, type StartedApp } from '../support/test-app.js';

const BACKOFF = { baseMs: 300, maxMs: 5_000 };
const MAX_ATTEMPTS = 5;
/** The Slack client's timeout (src/adapters/slack/slack-app.ts). */
const CLIENT_TIMEOUT_MS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const outboxIdOf = (c: RecordedCall) => {
  const m = c.args.metadata as { event_type?: string; event_payload?: { outbox_id?: string } } | undefined;
  return m?.event_type === OUTBOX_METADATA_EVENT ? m.event_payload?.outbox_id : undefined;
};
const shownText = (c: RecordedCall) => `${String(c.args.text ?? '')} ${JSON.stringify(c.args.blocks ?? [])}`;

describe('platform faults: Slack failing, slow and rate limiting', () => {
  let fake: FakeSlack;
  let started: StartedApp;
  let po: ReturnType<typeof slackCommander>;
  const logLines: Record<string, unknown>[] = [];

  const rows = () => started.app.db.prisma.outboxMessage.findMany({ orderBy: { id: 'asc' } });
  const until = async (what: string, done: () => Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; outbox: ${JSON.stringify((await rows()).map((r) => [String(r.id), r.kind, r.status, r.attempts, r.lastError]))}`);
      await sleep(100);
    }
  };
  const drained = () => until('the outbox to drain', async () => (await started.app.db.prisma.outboxMessage.count({ where: { status: 'pending' } })) === 0, 60_000);
  let asked = 0;
  const ask = async (text: string) => {
    // Not through slackCommander: it waits for the answer to the asker, which queues behind the faults.
    const body = slashCommandBody({ text: `ask ${text}`, userId: ALI, channelId: CHANNEL, triggerId: `faults.${++asked}`, responseUrl: fake.responseUrl(`faults-${asked}`) });
    const res = await postToSlackEndpoint(started.baseUrl, body, { contentType: 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    await until(`"${text}" to be asked`, async () => (await started.app.db.prisma.question.count({ where: { text } })) === 1, 10_000);
  };

  beforeAll(async () => {
    fake = await FakeSlack.start({ clockTimestamps: true });
    addCast(fake);
    fake.setChannelMembers(CHANNEL, [ANN, PAT, ALI, BOB, fake.botUserId]);
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
        callback();
      },
    });
    started = await startAppOn('pglite', { ...slackEnv(fake), OUTBOX_MAX_ATTEMPTS: String(MAX_ATTEMPTS) }, { log: pino({ level: 'info' }, sink), outboxBackoff: BACKOFF });
    po = slackCommander(started.baseUrl, fake);
    expect((await po(`owner <@${PAT}>`, { userId: ANN, channelId: CHANNEL })).reply).toContain('is now the Product Owner');
    expect((await po('team Checkout', { userId: ALI, channelId: CHANNEL })).reply).toContain('This channel is now team');
    await drained();
  });
  afterAll(async () => {
    await started?.stop();
    await fake?.close();
  });

  it('loses and doubles nothing through 500s, an answer that comes after the client gave up, and 429s, and backs off between tries', async () => {
    fake.reset();
    const before = (await rows()).length;
    // Taken in this order by the posts that follow, whichever message each one is.
    fake.failNext('chat.postMessage', { status: 500 }, 2);
    fake.failNext('chat.postMessage', { status: 503 });
    fake.failNext('chat.postMessage', { delayMs: CLIENT_TIMEOUT_MS + 1_500 });
    fake.failNext('chat.postMessage', { rateLimited: 1 }, 2);
    const started_ = Date.now();
    const questions = ['Faulty question one?', 'Faulty question two?', 'Faulty question three?'];
    for (const q of questions) await ask(q);
    await drained();
    const tookMs = Date.now() - started_;

    // Nothing lost, nothing doubled: each question once in the channel and once in the PO's DMs.
    const accepted = fake.callsTo('chat.postMessage').filter((c) => c.answer.ok);
    for (const q of questions) {
      expect(accepted.filter((c) => c.args.channel === CHANNEL && shownText(c).includes(q)), `anchors of "${q}"`).toHaveLength(1);
      expect(accepted.filter((c) => c.args.channel === `D${PAT}` && shownText(c).includes(q)), `DMs about "${q}"`).toHaveLength(1);
    }
    expect((await rows()).slice(before).filter((r) => r.status !== 'sent')).toEqual([]);

    // The post answered late: Slack had it, the client gave up after its timeout (no hang), the retry found
    // it by its metadata and recorded it instead of posting it again.
    const posts = fake.callsTo('chat.postMessage');
    const late = posts[3]!;
    expect(late.answer.ok).toBe(true);
    const lateId = outboxIdOf(late)!;
    expect(posts.filter((c) => outboxIdOf(c) === lateId && c.answer.ok)).toHaveLength(1);
    const lateRow = (await rows()).find((r) => String(r.id) === lateId)!;
    expect(lateRow).toMatchObject({ status: 'sent', platformMessageId: fake.bodyOf(late)!.ts });
    // Other messages' retries look too (conversations go out side by side): the late one's retry looks in its
    // channel once the client has given up (its timer starts a moment before the fake records the call).
    const lookups = fake.calls.filter((c) => (c.method === 'conversations.history' || c.method === 'conversations.replies') && c.args.include_all_metadata !== undefined && c.args.channel === late.args.channel);
    expect(lookups.some((c) => c.at - late.at >= CLIENT_TIMEOUT_MS - 100), 'the retry looked for the earlier attempt after the client timed out').toBe(true);
    expect(tookMs, 'a send that gets no answer in time is given up on, not waited for').toBeLessThan(CLIENT_TIMEOUT_MS + 20_000);

    // Backoff: after the n-th failed try of a message, at least 0.8 × base × 2^(n-1) (the jitter is ±20 %);
    // after a 429, at least its Retry-After.
    const byMessage = new Map<string, RecordedCall[]>();
    for (const c of posts) byMessage.set(outboxIdOf(c)!, [...(byMessage.get(outboxIdOf(c)!) ?? []), c]);
    let backedOff = 0;
    let waitedForRateLimit = 0;
    for (const tries of byMessage.values()) {
      let failedTries = 0;
      for (let i = 1; i < tries.length; i += 1) {
        const [before, after] = [tries[i - 1]!, tries[i]!];
        if (before.answer.status >= 500) {
          failedTries += 1;
          expect(after.at - before.at).toBeGreaterThanOrEqual(0.8 * BACKOFF.baseMs * 2 ** (failedTries - 1));
          backedOff += 1;
        } else if (before.answer.status === 429) {
          expect(after.at - before.at).toBeGreaterThanOrEqual(1_000 - 50);
          waitedForRateLimit += 1;
        }
      }
    }
    expect(backedOff).toBe(3);
    expect(waitedForRateLimit).toBe(2);
    expect(fake.unexpected).toEqual([]);
  });

  it('dead-letters what Slack refuses for good, and what keeps failing, and reports both in /metrics and the log', async () => {
    fake.reset();
    const deadBefore = await started.app.db.prisma.outboxMessage.count({ where: { status: 'dead' } });
    expect(deadBefore).toBe(0);
    fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    fake.failNext('chat.postMessage', { status: 500 }, MAX_ATTEMPTS);
    await ask('Doomed question?');
    await drained();

    const dead = (await rows()).filter((r) => r.status === 'dead' && r.kind !== 'reply');
    expect(dead.map((r) => [r.kind, r.lastError])).toEqual([
      ['post', 'Slack refused: channel_not_found'],
      ['dm', expect.stringMatching(new RegExp(`^gave up after ${MAX_ATTEMPTS} attempts: .*500`))],
    ]);

    const metrics = await (await fetch(`${started.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^podesk_outbox_dead_total\{platform="slack"\} 2$/m);
    expect(metrics).toMatch(/^podesk_outbox_messages\{status="dead"\} 2$/m);
    expect(metrics).toMatch(/^podesk_outbox_messages\{status="pending"\} 0$/m);

    const logged = logLines.filter((l) => l.msg === 'outbox: message dead-lettered');
    expect(logged.map((l) => [l.level, l.kind, l.outboxId, l.reason])).toEqual(dead.map((r) => [50, r.kind, String(r.id), r.lastError]));

    // The asker hears that the channel could not be reached, and why.
    const told = fake.callsTo('chat.postEphemeral').filter((c) => c.answer.ok && c.args.user === ALI).map(shownText);
    expect(told.some((t) => t.includes('I could not post in') && t.includes('Slack cannot find that channel'))).toBe(true);
    expect(fake.unexpected).toEqual([]);
  });
});
