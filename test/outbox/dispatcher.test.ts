import { WebClient } from '@slack/web-api';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { slackSender } from '../../src/adapters/slack/slack-sender.js';
import type { Delivery, Store } from '../../src/app/ports.js';
import { systemClock } from '../../src/clock.js';
import { message, section } from '../../src/messages/build.js';
import { Dispatcher } from '../../src/outbox/dispatcher.js';
import { SendError, type OutboxItem, type PlatformMessageRef, type Sender } from '../../src/outbox/sender.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { prismaStore } from '../../src/store/prisma-store.js';
import { FakeSlack, SLACK_TEST_TOKEN } from '../support/fake-slack.js';
import { replyText } from '../support/test-app.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/test-database.js';

const log = pino({ level: 'silent' });

describe.each(testDatabaseKinds())('outbox dispatcher (%s)', (kind) => {
  let database: TestDatabase;
  let fake: FakeSlack;
  let store: Store;
  const dispatchers: Dispatcher[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    fake = await FakeSlack.start({ expectedToken: SLACK_TEST_TOKEN });
    store = prismaStore(database.db.prisma);
  });
  afterEach(async () => {
    expect(fake.unexpected).toEqual([]);
    await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
    await database.db.prisma.outboxMessage.deleteMany();
    fake.reset();
  });
  afterAll(async () => {
    await database.drop();
    await fake.close();
  });

  const client = () => new WebClient(SLACK_TEST_TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
  const dispatcher = (db: Database = database.db, maxAttempts = 3, backoff = { baseMs: 30, maxMs: 200 }) => {
    const d = new Dispatcher({ db: db.prisma, senders: { slack: slackSender(client()) }, clock: systemClock, log, maxAttempts, pollMs: 20, backoff });
    dispatchers.push(d);
    return d;
  };
  const enqueue = (...deliveries: Delivery[]) =>
    store.transaction(async (tx) => {
      const ws = await tx.workspace('slack', 'T0PODESK01');
      for (const d of deliveries) await tx.enqueue(ws, d);
    });
  const text = (t: string) => message(section(t));
  const posted = () => fake.callsTo('chat.postMessage').map((c) => replyText(c.args as never));
  const rows = () => database.db.prisma.outboxMessage.findMany({ orderBy: { id: 'asc' } });

  it('delivers posts and DMs and records the platform message id', async () => {
    await enqueue({ kind: 'post', channelId: 'C0TEAMA001', message: text('hello team'), messageKey: 'q1' }, { kind: 'dm', userId: 'U0PAT00001', message: text('hello PO') });
    const d = dispatcher();
    d.start();
    await fake.waitFor(() => fake.callsTo('chat.postMessage').length === 2);
    await waitUntil(async () => (await rows()).every((r) => r.status === 'sent'));
    const [post, dm] = await rows();
    const calls = fake.callsTo('chat.postMessage');
    expect(post).toMatchObject({ status: 'sent', platformChannelId: 'C0TEAMA001', platformMessageId: (calls[0]!.args as { ts?: string }).ts ?? expect.any(String) });
    expect(dm).toMatchObject({ status: 'sent', platformChannelId: 'DU0PAT00001' });
    expect(calls[1]!.args.channel).toBe('DU0PAT00001');
    expect(posted()).toEqual(['hello team', 'hello PO']);
  });

  it('edits the same message on update and replies in its thread, by message key', async () => {
    await enqueue(
      { kind: 'post', channelId: 'C0TEAMA001', message: text('Question: status open'), messageKey: 'question:1' },
      { kind: 'post', channelId: 'C0TEAMA001', message: text('an answer'), threadKey: 'question:1' },
      { kind: 'update', messageKey: 'question:1', message: text('Question: status answered') },
    );
    dispatcher().start();
    // The reply and the edit go out in either order once the original is out: wait for both.
    await fake.waitFor(() => fake.callsTo('chat.update').length === 1 && fake.callsTo('chat.postMessage').length === 2);
    const [original] = await rows();
    const update = fake.callsTo('chat.update')[0]!;
    expect(update.args).toMatchObject({ channel: 'C0TEAMA001', ts: original!.platformMessageId });
    expect(replyText(update.args as never)).toBe('Question: status answered');
    expect(fake.callsTo('chat.postMessage')[1]!.args.thread_ts).toBe(original!.platformMessageId);
  });

  it('honours 429 Retry-After without using up attempts', async () => {
    fake.failNext('chat.postMessage', { rateLimited: 1 }, 2);
    await enqueue({ kind: 'post', channelId: 'C0TEAMA001', message: text('patience') });
    const started = Date.now();
    dispatcher(database.db, 1).start();
    await waitUntil(async () => (await rows())[0]!.status === 'sent', 10_000);
    const attempts = fake.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.at);
    expect(attempts).toHaveLength(3);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(950);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect((await rows())[0]!.attempts).toBe(1); // maxAttempts is 1: rate limits did not count
  });

  it('against a workspace rate limit: sends nothing more until Retry-After has passed, then resumes by itself, before the next poll', async () => {
    const limited = await FakeSlack.start({ expectedToken: SLACK_TEST_TOKEN, postRateLimits: { workspace: { perSecond: 5, burst: 5 } } });
    try {
      const channels = Array.from({ length: 12 }, (_, i) => `C0FAN${String(i).padStart(5, '0')}`);
      await enqueue(...channels.map((channelId) => ({ kind: 'post' as const, channelId, message: text(`reminder for ${channelId}`) })));
      const sender = slackSender(new WebClient(SLACK_TEST_TOKEN, { slackApiUrl: limited.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true }));
      const d = new Dispatcher({ db: database.db.prisma, senders: { slack: sender }, clock: systemClock, log, maxAttempts: 1, pollMs: 60_000, backoff: { baseMs: 30, maxMs: 200 } });
      dispatchers.push(d);
      const started = Date.now();
      d.start();
      await waitUntil(async () => (await rows()).every((r) => r.status === 'sent'), 10_000);
      const elapsed = Date.now() - started;

      const calls = limited.callsTo('chat.postMessage');
      const delivered = calls.filter((c) => c.answer.ok).map((c) => c.args.channel);
      expect([...delivered].sort()).toEqual(channels);
      // 5 at once, 5 a second later, then the last 2: about 2 s, not the 60 s poll. No lower bound: the
      // fake refills its bucket as time passes, so when the first sends are slow (a loaded machine) more
      // go out before the first 429 and it takes less (1.5 s seen). Waiting out Retry-After is asserted
      // below, call by call.
      expect(elapsed).toBeLessThan(5_000);
      // A refused message is tried again only after Retry-After (1 s), and so is the workspace: after
      // the first 429, only messages already on their way went out before that second had passed.
      const tries = new Map<unknown, number[]>();
      for (const c of calls) tries.set(c.args.channel, [...(tries.get(c.args.channel) ?? []), c.at]);
      const gaps = [...tries.values()].flatMap((at) => at.slice(1).map((t, i) => t - at[i]!));
      expect(gaps.filter((ms) => ms < 950)).toEqual([]);
      const first429 = calls.find((c) => c.answer.status === 429)!;
      expect(calls.filter((c) => c.at > first429.at && c.at < first429.at + 950).length).toBeLessThanOrEqual(channels.length - 5);
      expect((await rows()).map((r) => r.attempts)).toEqual(channels.map(() => 1)); // maxAttempts is 1: rate limits did not count
      expect(limited.unexpected).toEqual([]);
    } finally {
      await limited.close();
    }
  });

  it('after two pauses for a workspace rate limit, paces itself at that rate: the rest go out with no more than the odd correcting pause', async () => {
    const limited = await FakeSlack.start({ expectedToken: SLACK_TEST_TOKEN, postRateLimits: { workspace: { perSecond: 30, burst: 30 } } });
    try {
      const channels = Array.from({ length: 240 }, (_, i) => `C0PACE${String(i).padStart(4, '0')}`);
      await enqueue(...channels.map((channelId) => ({ kind: 'post' as const, channelId, message: text(`reminder for ${channelId}`) })));
      const sender = slackSender(new WebClient(SLACK_TEST_TOKEN, { slackApiUrl: limited.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true }));
      const d = new Dispatcher({ db: database.db.prisma, senders: { slack: sender }, clock: systemClock, log, maxAttempts: 1, pollMs: 60_000 });
      dispatchers.push(d);
      d.start();
      await waitUntil(async () => (await rows()).every((r) => r.status === 'sent'), 30_000);

      const calls = limited.callsTo('chat.postMessage');
      expect(calls.filter((c) => c.answer.ok).map((c) => c.args.channel).sort()).toEqual(channels);
      // A pause is a run of 429s for the requests in flight when the bucket ran dry. Honouring Retry-After
      // alone, every pause refills ~30 that go out at once and meet the limit again: 7 pauses for 240.
      // Paced after the second, the rest meet none, or one or two if a stalled event loop made the rate
      // it learned a little too fast (each such pause teaches it again, from a longer span).
      const refusedAt = calls.filter((c) => c.answer.status === 429).map((c) => c.at);
      const pauses = refusedAt.filter((at, i) => i === 0 || at - refusedAt[i - 1]! > 500);
      const t0 = calls[0]!.at;
      expect(pauses.length, `429s at ms ${refusedAt.map((at) => at - t0).join(', ')}`).toBeLessThanOrEqual(4);
      expect(limited.unexpected).toEqual([]);
    } finally {
      await limited.close();
    }
  });

  it('resumes a rate-limited workspace at once when its pause ends while it is looking for work, not at the next poll', async () => {
    // A clock at 0.9× the timers' pace makes each wake-up land just before the pause ends, and a claim that
    // takes 150 ms ends after it: the look that found the workspace paused must not be the last for 60 s.
    const prisma = database.db.prisma;
    const slowClaims = new Proxy(prisma, {
      get(target, property) {
        if (property === '$queryRawUnsafe') {
          return async (...args: Parameters<typeof prisma.$queryRawUnsafe>) => {
            const rows = await target.$queryRawUnsafe(...args);
            await new Promise((r) => setTimeout(r, 150));
            return rows;
          };
        }
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    fake.failNext('chat.postMessage', { rateLimited: 1 });
    await enqueue({ kind: 'post', channelId: 'C0TEAMA001', message: text('after the pause') });
    // Started after the enqueue: a slow clock started before it would lag behind the message's due time,
    // and the dispatcher would rightly leave it for the next poll (it did, on a loaded CI machine).
    const realStart = Date.now();
    const slowClock = { now: () => new Date(realStart + (Date.now() - realStart) * 0.9) };
    const d = new Dispatcher({ db: slowClaims, senders: { slack: slackSender(client()) }, clock: slowClock, log, maxAttempts: 1, pollMs: 60_000 });
    dispatchers.push(d);
    d.start();
    await waitUntil(async () => (await rows())[0]!.status === 'sent', 5_000);
    expect(fake.callsTo('chat.postMessage').map((c) => c.answer.status)).toEqual([429, 200]);
    expect(posted()).toEqual(['after the pause', 'after the pause']);
  });

  it('pauses a workspace for Retry-After from its first 429; a late 429 for a request sent before does not stretch the pause', async () => {
    // A is refused after 50 ms, B (sent at the same moment) only after 700 ms, both with Retry-After 1 s.
    // C, claimed after them, goes out when A's pause ends, not 1 s after B's late answer.
    const answers = new Map<string, number>();
    const sends: { channel: string; at: number }[] = [];
    const sender: Sender = {
      async send(item) {
        const channel = item.channelId!;
        sends.push({ channel, at: Date.now() });
        const lateBy = { C0PACEA001: 50, C0PACEB001: 700 }[channel];
        if (lateBy !== undefined && !answers.has(channel)) {
          await new Promise((r) => setTimeout(r, lateBy));
          answers.set(channel, Date.now());
          throw new SendError('rate_limited', 'rate limited by Slack', 1_000);
        }
        return { channelId: channel, messageId: `m${sends.length}` };
      },
    };
    await enqueue(...['C0PACEA001', 'C0PACEB001', 'C0PACEC001'].map((channelId) => ({ kind: 'post' as const, channelId, message: text(channelId) })));
    const d = new Dispatcher({ db: database.db.prisma, senders: { slack: sender }, clock: systemClock, log, maxAttempts: 1, pollMs: 60_000, batchSize: 2 });
    dispatchers.push(d);
    d.start();
    await waitUntil(async () => (await rows()).every((r) => r.status === 'sent'), 5_000);
    const firstOf = (channel: string, n = 0) => sends.filter((s) => s.channel === channel)[n]!.at;
    const c = firstOf('C0PACEC001');
    expect(c - answers.get('C0PACEA001')!).toBeGreaterThanOrEqual(990);
    expect(c - answers.get('C0PACEA001')!).toBeLessThan(1_400); // 1 s after B's answer would be ≥ 1,650
    // Each refused message waits its own Retry-After from its own answer.
    expect(firstOf('C0PACEA001', 1) - answers.get('C0PACEA001')!).toBeGreaterThanOrEqual(990);
    expect(firstOf('C0PACEB001', 1) - answers.get('C0PACEB001')!).toBeGreaterThanOrEqual(990);
  });

  it('retries transient failures with backoff, then dead-letters after N attempts with the reason', async () => {
    // Backoff: baseMs after the 1st failure, twice that after the 2nd, each jittered by ±20 %. Large enough
    // next to the 20 ms poll that "no backoff" or "no doubling" cannot pass by chance.
    const baseMs = 150;
    fake.failNext('chat.postMessage', { status: 503 }, 2);
    await enqueue({ kind: 'post', channelId: 'C0TEAMA001', message: text('second time lucky') });
    dispatcher(database.db, 3, { baseMs, maxMs: 10 * baseMs }).start();
    await waitUntil(async () => (await rows())[0]!.status === 'sent', 5_000);
    expect((await rows())[0]).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    const attempts = fake.callsTo('chat.postMessage');
    expect(attempts.map((c) => c.answer.status)).toEqual([503, 503, 200]);
    const [first, second, third] = attempts.map((c) => c.at);
    expect(second! - first!).toBeGreaterThanOrEqual(0.8 * baseMs);
    expect(third! - second!).toBeGreaterThanOrEqual(0.8 * 2 * baseMs);

    fake.reset();
    fake.failNext('chat.postMessage', { status: 500 }, 10);
    await enqueue({ kind: 'post', channelId: 'C0TEAMA001', message: text('never') });
    await waitUntil(async () => (await rows()).at(-1)!.status === 'dead', 5_000);
    const dead = (await rows()).at(-1)!;
    expect(dead.attempts).toBe(3);
    // The reason is kept, so whoever reads the dead letter learns what Slack answered.
    expect(dead.lastError).toMatch(/^gave up after 3 attempts: .*500/);
  });

  it('dead-letters at once what no retry can fix', async () => {
    fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    await enqueue({ kind: 'post', channelId: 'C0GONE0001', message: text('lost cause') });
    dispatcher().start();
    await waitUntil(async () => (await rows())[0]!.status === 'dead');
    expect((await rows())[0]).toMatchObject({ attempts: 1, lastError: 'Slack refused: channel_not_found' });
  });

  it('tells whoever a post was for that it can never go out, and why, in their own channel', async () => {
    fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    const reportTo = { userId: 'U0BOB00001', channelId: 'C0TEAMA001', recipientName: 'team Rocket’s channel', platform: 'slack' as const, workspaceExternalId: 'T0PODESK01' };
    await enqueue({ kind: 'post', channelId: 'C0TEAMA001', message: text('the anchor'), messageKey: 'question:9', reportTo });
    dispatcher().start();
    await fake.waitFor(() => fake.callsTo('chat.postEphemeral').length === 1);
    const [notice] = fake.callsTo('chat.postEphemeral');
    expect(notice!.args).toMatchObject({ channel: 'C0TEAMA001', user: 'U0BOB00001' });
    expect(replyText(notice!.args as never)).toContain(
      'I could not post in *team Rocket’s channel*: po-desk is not in that channel: invite it with /invite @po-desk, then ask again.',
    );
    await waitUntil(async () => (await rows()).every((r) => r.status !== 'pending'));
    expect((await rows()).map((r) => [r.kind, r.status])).toEqual([['post', 'dead'], ['ephemeral', 'sent']]);
  });

  it('leaves messages for a platform it cannot reach pending, for a process that can', async () => {
    await enqueue({ kind: 'post', channelId: 'C0TEAMA001', message: text('for later') });
    const blind = new Dispatcher({ db: database.db.prisma, senders: {}, clock: systemClock, log, maxAttempts: 1, pollMs: 20 });
    dispatchers.push(blind);
    expect(await blind.drainOnce()).toBe(0);
    expect((await rows())[0]).toMatchObject({ status: 'pending', attempts: 0, lockedBy: null });
    dispatcher().start();
    await waitUntil(async () => (await rows())[0]!.status === 'sent');
    expect(posted()).toEqual(['for later']);
  });

  it('takes over messages whose claim expired (a dispatcher that died mid-send)', async () => {
    await enqueue({ kind: 'post', channelId: 'C0TEAMA001', message: text('orphan') });
    await database.db.prisma.outboxMessage.updateMany({ data: { lockedBy: 'dead-process', lockedUntil: new Date(Date.now() - 1000), attempts: 1 } });
    dispatcher().start();
    await fake.waitFor(() => posted().length === 1);
    expect(posted()).toEqual(['orphan']);
  });

  describe('links to other messages (messageLink spans)', () => {
    /** A platform that records what it was sent and links messages as https://chat.example/<channel>/<id>. */
    function linkingSender(options: { permalinks: boolean }) {
      const sent: OutboxItem[] = [];
      let n = 0;
      const sender: Sender = {
        async send(item) {
          sent.push(item);
          n += 1;
          return { channelId: item.channelId ?? 'D1', messageId: `m${n}` };
        },
        ...(options.permalinks ? { permalink: async (_ws: string, ref: PlatformMessageRef) => `https://chat.example/${ref.channelId}/${ref.messageId}` } : {}),
      };
      return { sent, sender };
    }
    const withLink = (key: string) => message({ type: 'context', text: [{ type: 'text', text: 'See ' }, { type: 'messageLink', messageKey: key, label: 'the question' }] });
    const spansOf = (item: OutboxItem) => (item.message.blocks[0] as { text: unknown[] }).text;

    it('links to the message once it is out, waiting for it when it is queued after the link', async () => {
      const { sent, sender } = linkingSender({ permalinks: true });
      await enqueue({ kind: 'dm', userId: 'U0PAT00001', message: withLink('question:7') });
      await enqueue({ kind: 'post', channelId: 'C0TEAMA001', message: text('the anchor'), messageKey: 'question:7' });
      const d = new Dispatcher({ db: database.db.prisma, senders: { slack: sender }, clock: systemClock, log, maxAttempts: 3, pollMs: 20 });
      dispatchers.push(d);
      d.start();
      await waitUntil(async () => (await rows()).every((r) => r.status === 'sent'), 5_000);
      expect(sent.map((i) => i.kind)).toEqual(['post', 'dm']);
      expect(spansOf(sent[1]!)).toEqual([{ type: 'text', text: 'See ' }, { type: 'link', url: 'https://chat.example/C0TEAMA001/m1', label: 'the question' }]);
      expect((await rows()).find((r) => r.kind === 'dm')!.attempts).toBe(1); // waiting used no attempt
    });

    it('shows the label as text on a platform without links, or when the message was never queued', async () => {
      const { sent, sender } = linkingSender({ permalinks: false });
      await enqueue({ kind: 'post', channelId: 'C0TEAMA001', message: text('the anchor'), messageKey: 'question:8' });
      await enqueue({ kind: 'dm', userId: 'U0PAT00001', message: withLink('question:8') }, { kind: 'dm', userId: 'U0PAT00001', message: withLink('question:never') });
      const d = new Dispatcher({ db: database.db.prisma, senders: { slack: sender }, clock: systemClock, log, maxAttempts: 3, pollMs: 20 });
      dispatchers.push(d);
      d.start();
      await waitUntil(async () => (await rows()).every((r) => r.status === 'sent'), 5_000);
      expect(sent.slice(1).map(spansOf)).toEqual([
        [{ type: 'text', text: 'See ' }, { type: 'text', text: 'the question' }],
        [{ type: 'text', text: 'See ' }, { type: 'text', text: 'the question' }],
      ]);
    });

    it('waits at most 30 s for a linked message that keeps failing, then shows the label as text', async () => {
      const { sent, sender } = linkingSender({ permalinks: true });
      // The anchor keeps retrying (its next attempt is far away); the DM linking to it was queued 31 s ago.
      await enqueue({ kind: 'post', channelId: 'C0TEAMA001', message: text('the anchor'), messageKey: 'question:9' });
      await database.db.prisma.outboxMessage.updateMany({ data: { nextAttemptAt: new Date(Date.now() + 3_600_000), attempts: 2, lastError: 'Slack error: 503' } });
      await enqueue({ kind: 'dm', userId: 'U0PAT00001', message: withLink('question:9') });
      await database.db.prisma.outboxMessage.updateMany({ where: { kind: 'dm' }, data: { createdAt: new Date(Date.now() - 31_000) } });
      const d = new Dispatcher({ db: database.db.prisma, senders: { slack: sender }, clock: systemClock, log, maxAttempts: 3, pollMs: 20 });
      dispatchers.push(d);
      expect(await d.drainOnce()).toBe(1);
      expect(sent.map((i) => i.kind)).toEqual(['dm']);
      expect(spansOf(sent[0]!)).toEqual([{ type: 'text', text: 'See ' }, { type: 'text', text: 'the question' }]);
      expect((await rows()).map((r) => [r.kind, r.status])).toEqual([['post', 'pending'], ['dm', 'sent']]);
    });

    it('within the 30 s, waits for the linked message', async () => {
      const { sent, sender } = linkingSender({ permalinks: true });
      await enqueue({ kind: 'post', channelId: 'C0TEAMA001', message: text('the anchor'), messageKey: 'question:10' });
      await database.db.prisma.outboxMessage.updateMany({ data: { nextAttemptAt: new Date(Date.now() + 3_600_000) } });
      await enqueue({ kind: 'dm', userId: 'U0PAT00001', message: withLink('question:10') });
      await database.db.prisma.outboxMessage.updateMany({ where: { kind: 'dm' }, data: { createdAt: new Date(Date.now() - 25_000) } });
      const d = new Dispatcher({ db: database.db.prisma, senders: { slack: sender }, clock: systemClock, log, maxAttempts: 3, pollMs: 20 });
      dispatchers.push(d);
      expect(await d.drainOnce()).toBe(1);
      expect(sent).toEqual([]);
      expect((await rows()).find((r) => r.kind === 'dm')).toMatchObject({ status: 'pending', attempts: 0 });
    });

    it('asks the permalink of the platform the linked message is on', async () => {
      const slack = linkingSender({ permalinks: true });
      const teams = linkingSender({ permalinks: false });
      await enqueue({ kind: 'post', channelId: 'C0TEAMA001', message: text('the anchor'), messageKey: 'question:11' });
      // The PO's DM goes to their account in a Teams tenant of the same product.
      await store.transaction(async (tx) => {
        const ws = await tx.workspace('teams', 'tenant-1');
        await tx.enqueue(ws, { kind: 'dm', userId: 'aad-pat', message: withLink('question:11') });
      });
      const d = new Dispatcher({ db: database.db.prisma, senders: { slack: slack.sender, teams: teams.sender }, clock: systemClock, log, maxAttempts: 3, pollMs: 20 });
      dispatchers.push(d);
      d.start();
      await waitUntil(async () => (await rows()).every((r) => r.status === 'sent'), 5_000);
      expect(teams.sent.map(spansOf)).toEqual([[{ type: 'text', text: 'See ' }, { type: 'link', url: 'https://chat.example/C0TEAMA001/m1', label: 'the question' }]]);
    });
  });

  it('two dispatchers racing on one database deliver every message exactly once', async () => {
    const second = await openDatabase(database.options());
    try {
      const n = 60;
      await enqueue(...Array.from({ length: n }, (_, i) => ({ kind: 'post' as const, channelId: 'C0TEAMA001', message: text(`m${i}`) })));
      const a = dispatcher(database.db);
      const b = dispatcher(second);
      a.start();
      b.start();
      await fake.waitFor(() => posted().length >= n, 15_000);
      await waitUntil(async () => (await rows()).every((r) => r.status === 'sent'), 5_000);
      await new Promise((r) => setTimeout(r, 200));
      const texts = posted();
      expect(texts).toHaveLength(n);
      expect(new Set(texts).size).toBe(n);
      const by = await database.db.prisma.outboxMessage.groupBy({ by: ['lockedBy'], _count: true });
      if (kind === 'postgres') expect(by.length).toBe(2); // both took part
    } finally {
      await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
      if (kind === 'postgres') await second.close();
    }
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
