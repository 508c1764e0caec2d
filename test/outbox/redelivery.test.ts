import { WebClient } from '@slack/web-api';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OUTBOX_METADATA_EVENT, slackSender } from '../../src/adapters/slack/slack-sender.js';
import type { Delivery, Store } from '../../src/app/ports.js';
import { systemClock } from '../../src/clock.js';
import { message, section } from '../../src/messages/build.js';
import { Dispatcher } from '../../src/outbox/dispatcher.js';
import { prismaStore } from '../../src/store/prisma-store.js';
import { FakeSlack, SLACK_TEST_TOKEN } from '../support/fake-slack.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/test-database.js';

const log = pino({ level: 'silent' });
const CHANNEL = 'C0TEAMA001';
const PO = 'U0PAT00001';

/**
 * A dispatcher that dies after Slack took a message but before it heard back leaves the row claimed; once
 * the claim lapses another dispatcher (a replica, or the restarted process) takes it. Here the first
 * dispatcher is merely slow (the fake holds its answer past a short lease), which is the same to the second.
 */
describe.each(testDatabaseKinds())('outbox redelivery after an interrupted send (%s)', (kind) => {
  let database: TestDatabase;
  let fake: FakeSlack;
  let store: Store;
  const dispatchers: Dispatcher[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    fake = await FakeSlack.start({ expectedToken: SLACK_TEST_TOKEN, clockTimestamps: true });
    fake.setChannelMembers(CHANNEL, [PO]);
    store = prismaStore(database.db.prisma);
  });
  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
    await database.db.prisma.outboxMessage.deleteMany();
    fake.reset();
  });
  afterAll(async () => {
    await database.drop();
    await fake.close();
  });

  const dispatcher = (leaseMs: number) => {
    const client = new WebClient(SLACK_TEST_TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 5_000 });
    const d = new Dispatcher({ db: database.db.prisma, senders: { slack: slackSender(client) }, clock: systemClock, log, maxAttempts: 3, pollMs: 20, leaseMs });
    dispatchers.push(d);
    return d;
  };
  const enqueue = (d: Delivery) =>
    store.transaction(async (tx) => {
      await tx.enqueue(await tx.workspace('slack', 'T0PODESK01'), d);
    });
  const row = async () => (await database.db.prisma.outboxMessage.findMany())[0]!;

  it.each([
    ['a channel post', { kind: 'post', channelId: CHANNEL, message: message(section('Q7: when is the release?')) } as Delivery, CHANNEL],
    ['a DM', { kind: 'dm', userId: PO, message: message(section('You have a new question')) } as Delivery, `D${PO}`],
  ])('%s is looked for by its metadata and recorded, not posted again', async (_name, delivery, channel) => {
    await enqueue(delivery);
    fake.failNext('chat.postMessage', { delayMs: 1_500 });
    dispatcher(300).start();
    await fake.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage'));
    const first = fake.callsTo('chat.postMessage')[0]!;
    expect(first.args.metadata).toEqual({ event_type: OUTBOX_METADATA_EVENT, event_payload: { outbox_id: String((await row()).id) } });

    // The first claim lapses while Slack's answer is still on its way: a second dispatcher takes the message.
    await new Promise((r) => setTimeout(r, 400));
    dispatcher(30_000).start();
    await waitUntil(async () => (await row()).status === 'sent');
    await new Promise((r) => setTimeout(r, 1_500)); // the first dispatcher hears back, and must not record it twice

    expect(fake.callsTo('chat.postMessage'), 'posts').toHaveLength(1);
    const lookups = fake.calls.filter((c) => c.method === 'conversations.history');
    expect(lookups).toHaveLength(1);
    expect(lookups[0]!.args).toMatchObject({ channel, include_all_metadata: expect.anything() });
    expect(await row()).toMatchObject({ status: 'sent', attempts: 2, platformChannelId: channel, platformMessageId: fake.bodyOf(first)!.ts });
    expect(fake.unexpected).toEqual([]);
  });

  it('finds the earlier attempt pages back in a busy channel', async () => {
    const busy = 'C0BUSY0001';
    fake.setChannelMembers(busy, [PO]);
    await enqueue({ kind: 'post', channelId: busy, message: message(section('Q8: lost in the crowd?')) });
    fake.failNext('chat.postMessage', { delayMs: 1_500 });
    dispatcher(300).start();
    await fake.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage'));
    // 450 messages come after it before the retry looks: it is on the third page of 200, newest first.
    const after = Math.floor(Date.now() / 1000) + 1;
    for (let i = 1; i <= 450; i += 1) fake.addPersonMessage({ channel: busy, ts: `${after}.${String(i).padStart(6, '0')}`, user: PO, text: `chatter ${i}` });
    await new Promise((r) => setTimeout(r, 400));
    dispatcher(30_000).start();
    await waitUntil(async () => (await row()).status === 'sent');
    await new Promise((r) => setTimeout(r, 1_500));

    expect(fake.callsTo('chat.postMessage'), 'posts').toHaveLength(1);
    expect(fake.calls.filter((c) => c.method === 'conversations.history').map((c) => c.args.cursor === undefined)).toEqual([true, false, false]);
    expect((await row()).platformMessageId).toBe(fake.bodyOf(fake.callsTo('chat.postMessage')[0]!)!.ts);
  });

  it('posts again when the earlier attempt never reached Slack', async () => {
    await enqueue({ kind: 'post', channelId: CHANNEL, message: message(section('Second try')) });
    fake.failNext('chat.postMessage', { status: 503 });
    dispatcher(30_000).start();
    await waitUntil(async () => (await row()).status === 'sent', 10_000);
    const posts = fake.callsTo('chat.postMessage');
    expect(posts.map((c) => c.answer.status)).toEqual([503, 200]);
    expect(fake.calls.filter((c) => c.method === 'conversations.history')).toHaveLength(1);
    expect((await row()).platformMessageId).toBe(fake.bodyOf(posts[1]!)!.ts);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
