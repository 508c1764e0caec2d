import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BotConnector } from '../../../src/adapters/teams/bot-connector.js';
import { ADAPTIVE_CARD, teamsSender } from '../../../src/adapters/teams/teams-sender.js';
import { message, section } from '../../../src/messages/build.js';
import { SendError, type OutboxItem, type SendContext, type Sender, type Sent } from '../../../src/outbox/sender.js';
import { teamsConversations, type ConversationToRemember, type SeenUser, type StoredConversation, type TeamsConversations } from '../../../src/store/teams-conversations.js';
import { createdChatId, FakeBotConnector } from '../../support/fake-bot-connector.js';
import { BOT, CHANNEL_ID as CHANNEL, person, TEAM_ID as TEAM, TENANT_ID as TENANT } from '../../support/teams-activities.js';

const BOT_ID = BOT.id;
import { createTestDatabase, testDatabaseKinds, type TestDatabase, type TestDbKind } from '../../support/test-database.js';

/** The repository contract, in memory: upserts like the Prisma one, "newest first" by last write (never a tie). */
class MemoryConversations implements TeamsConversations {
  readonly rows = new Map<string, { row: ConversationToRemember; written: number }>();
  readonly users = new Map<string, SeenUser>();
  private readonly greeted = new Set<string>();
  private clock = 0;

  async remember(c: ConversationToRemember): Promise<void> {
    const existing = this.rows.get(c.id)?.row;
    const row = existing ? { ...existing, serviceUrl: c.serviceUrl, reference: c.reference, ...(c.teamId ? { teamId: c.teamId } : {}) } : { ...c };
    this.rows.set(c.id, { row, written: ++this.clock });
  }

  async claimGreeting(conversationId: string): Promise<boolean> {
    if (!this.rows.has(conversationId) || this.greeted.has(conversationId)) return false;
    this.greeted.add(conversationId);
    return true;
  }

  async find(conversationId: string): Promise<StoredConversation | undefined> {
    const found = this.rows.get(conversationId);
    return found ? stored(found.row) : undefined;
  }

  async personalChat(tenantId: string, aadObjectId: string): Promise<StoredConversation | undefined> {
    return this.newestFirst((r) => r.tenantId === tenantId && r.userAadId === aadObjectId && r.kind === 'personal')[0];
  }

  async teamChannels(tenantId: string): Promise<StoredConversation[]> {
    return this.newestFirst((r) => r.tenantId === tenantId && r.teamId !== undefined).slice(0, 20);
  }

  async botId(tenantId: string): Promise<string | undefined> {
    return this.newestFirst((r) => r.tenantId === tenantId).find((c) => c.botId)?.botId;
  }

  async rememberUsers(users: SeenUser[]): Promise<void> {
    for (const u of users) {
      const key = `${u.tenantId}|${u.aadObjectId}`;
      const existing = this.users.get(key);
      this.users.set(key, existing ? { ...existing, teamsUserId: u.teamsUserId, name: u.name, serviceUrl: u.serviceUrl, ...(u.teamId ? { teamId: u.teamId } : {}) } : { ...u });
    }
  }

  async user(tenantId: string, aadObjectId: string): Promise<SeenUser | undefined> {
    return this.users.get(`${tenantId}|${aadObjectId}`);
  }

  private newestFirst(where: (row: ConversationToRemember) => boolean): StoredConversation[] {
    return [...this.rows.values()]
      .filter((r) => where(r.row))
      .sort((a, b) => b.written - a.written)
      .map((r) => stored(r.row));
  }
}

function stored(row: ConversationToRemember): StoredConversation {
  const { reference: _reference, ...rest } = row;
  return { ...rest, botId: (row.reference as { bot?: { id?: string } }).bot?.id };
}

const OTHER_TENANT = '0b5e8d2c-5a4f-4d7e-9c1b-3e6f7a8b9c0d';
const GROUP_CHAT = '19:meeting-group-chat@thread.v2';
const ANN = person('ann', 1);
const PAT = person('pat', 2);
const SAM = person('sam', 3);
const ANN_CHAT = 'a:1ann-personal-chat';
const HELLO = message(section('Hello'));

type StoreKind = 'memory' | TestDbKind;

let fake: FakeBotConnector;

const item = (kind: OutboxItem['kind'], fields: Partial<OutboxItem> = {}): OutboxItem => ({
  id: 1n,
  platform: 'teams',
  workspaceId: TENANT,
  kind,
  channelId: null,
  userId: null,
  messageKey: null,
  message: HELLO,
  attempts: 0,
  ...fields,
});

const reference = (conversationId: string, conversationType: string, tenantId = TENANT) => ({
  bot: { id: BOT_ID, name: 'po-desk' },
  conversation: { id: conversationId, conversationType, tenantId },
  channelId: 'msteams',
  serviceUrl: fake.url,
});

async function sendError(promise: Promise<Sent>): Promise<SendError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SendError);
  return error as SendError;
}

/** Every call the fake answered: [method, status, conversation, activity or member id]. */
const calls = () => fake.calls.map((c) => [c.method, c.status, c.conversationId, c.activityId]);

beforeAll(async () => {
  fake = await FakeBotConnector.start();
});
afterAll(async () => {
  await fake.close();
});

/**
 * The same suite against the in-memory contract and against the real store (`teamsConversations` on
 * PGlite, and on PostgreSQL when TEST_DATABASE_URL is set).
 */
describe.each<StoreKind>(['memory', ...testDatabaseKinds()])('teamsSender (%s store)', (storeKind) => {
  let database: TestDatabase | undefined;
  let store: TeamsConversations;
  let sender: Sender;

  /** An empty store of this suite's kind (the real one: its tables emptied). */
  async function emptyStore(): Promise<TeamsConversations> {
    if (!database) return new MemoryConversations();
    await database.db.prisma.teamsUser.deleteMany();
    await database.db.prisma.teamsConversation.deleteMany();
    return teamsConversations(database.db.prisma);
  }

  /**
   * The real store orders by `updatedAt` (milliseconds): two writes within one millisecond tie, and
   * "newest first" is then undefined. Tests that depend on the order write the newer row a little later.
   */
  const laterThanLastWrite = () => new Promise((r) => setTimeout(r, 5));

  beforeAll(async () => {
    if (storeKind !== 'memory') database = await createTestDatabase(storeKind);
  });
  afterAll(async () => {
    await database?.drop();
  });
  beforeEach(async () => {
    fake.expectedToken = 'connector-token';
    store = await emptyStore();
    sender = teamsSender(new BotConnector(async () => 'connector-token'), store);
    await store.remember({ id: CHANNEL, tenantId: TENANT, serviceUrl: fake.url, kind: 'channel', teamId: TEAM, userAadId: undefined, reference: reference(CHANNEL, 'channel') });
    await store.remember({
      id: GROUP_CHAT,
      tenantId: TENANT,
      serviceUrl: fake.url,
      kind: 'groupChat',
      teamId: undefined,
      userAadId: undefined,
      reference: reference(GROUP_CHAT, 'groupChat'),
    });
    await store.remember({
      id: ANN_CHAT,
      tenantId: TENANT,
      serviceUrl: fake.url,
      kind: 'personal',
      teamId: undefined,
      userAadId: ANN.aadObjectId,
      reference: reference(ANN_CHAT, 'personal'),
    });
    fake.knowPersonalChat(ANN_CHAT, ANN.id);
  });
  afterEach(() => {
    const unexpected = [...fake.unexpected];
    fake.reset();
    fake.rosters.clear();
    fake.blockedUsers.clear();
    expect(unexpected).toEqual([]);
  });

  describe('posts', () => {
    it("'post' without a thread sends a card to the channel", async () => {
      const sent = await sender.send(item('post', { channelId: CHANNEL }), {});
      expect(calls()).toEqual([['send', 200, CHANNEL, undefined]]);
      expect(fake.sent[0]!.text).toBe('Hello');
      expect(fake.sent[0]!.activity).toMatchObject({ type: 'message', summary: 'Hello', attachments: [{ contentType: ADAPTIVE_CARD }] });
      expect(fake.calls[0]!.authorization).toBe('Bearer connector-token');
      expect(sent).toEqual({ channelId: CHANNEL, messageId: fake.sent[0]!.id });
    });

    it("'post' to a channel id that carries a thread still posts top-level to the stored channel", async () => {
      const sent = await sender.send(item('post', { channelId: `${CHANNEL};messageid=1700000000009` }), {});
      expect(calls()).toEqual([['send', 200, CHANNEL, undefined]]);
      expect(sent.channelId).toBe(CHANNEL);
    });

    it("'post' with context.thread replies in the channel thread `${channel};messageid=${root}`", async () => {
      const root = '1700000000123';
      fake.knowActivity(CHANNEL, root);
      const context: SendContext = { thread: { channelId: CHANNEL, messageId: root } };
      const sent = await sender.send(item('post', { channelId: CHANNEL }), context);
      const thread = `${CHANNEL};messageid=${root}`;
      expect(calls()).toEqual([['reply', 200, thread, root]]);
      expect(fake.sent[0]).toMatchObject({ method: 'reply', replyToId: root });
      expect(fake.sent[0]!.activity.replyToId).toBe(root);
      expect(fake.sent[0]!.text).toBe('Hello');
      expect(sent).toEqual({ channelId: thread, messageId: fake.sent[0]!.id });
    });

    it("'post' with context.thread in a group chat replies in the chat itself (no ;messageid)", async () => {
      fake.knowActivity(GROUP_CHAT, '1700000000777');
      const sent = await sender.send(item('post', { channelId: GROUP_CHAT }), { thread: { channelId: GROUP_CHAT, messageId: '1700000000777' } });
      expect(calls()).toEqual([['reply', 200, GROUP_CHAT, '1700000000777']]);
      expect(sent).toEqual({ channelId: GROUP_CHAT, messageId: fake.sent[0]!.id });
    });

    it("'ephemeral' goes to the person's 1:1 chat: Teams has no ephemeral messages, and a channel is public", async () => {
      const sent = await sender.send(item('ephemeral', { channelId: CHANNEL, userId: ANN.aadObjectId }), {});
      expect(calls()).toEqual([['send', 200, ANN_CHAT, undefined]]);
      expect(fake.sent[0]!.text).toBe('Hello');
      expect(sent).toEqual({ channelId: ANN_CHAT, messageId: fake.sent[0]!.id });
    });

    it("'ephemeral' to someone Teams gives no 1:1 is posted into the conversation, in its thread", async () => {
      fake.setRoster(TEAM, [ANN]); // Pat is in no roster: no 1:1 can be made
      fake.knowActivity(CHANNEL, '42');
      const sent = await sender.send(item('ephemeral', { channelId: CHANNEL, userId: PAT.aadObjectId }), { thread: { channelId: CHANNEL, messageId: '42' } });
      expect(calls()).toEqual([
        ['getMember', 404, TEAM, PAT.aadObjectId],
        ['reply', 200, `${CHANNEL};messageid=42`, '42'],
      ]);
      expect(sent.channelId).toBe(`${CHANNEL};messageid=42`);
    });

    it("'update' PUTs the new card to the target message", async () => {
      const target = { channelId: `${CHANNEL};messageid=1700000000123`, messageId: '1700000000456' };
      fake.knowActivity(CHANNEL, target.messageId, 'bot'); // a card po-desk sent in that thread earlier
      const sent = await sender.send(item('update', { channelId: CHANNEL, message: message(section('Edited')) }), { target });
      expect(calls()).toEqual([['update', 200, target.channelId, target.messageId]]);
      expect(fake.sent[0]).toMatchObject({ method: 'update', id: target.messageId, updatedId: target.messageId, replyToId: undefined, text: 'Edited' });
      expect(fake.sent[0]!.activity.id).toBe(target.messageId);
      expect(sent).toEqual(target);
    });

    it('an unknown conversation is a permanent failure, with no call to Teams', async () => {
      const error = await sendError(sender.send(item('post', { channelId: '19:gone@thread.tacv2' }), {}));
      expect(error.failure).toBe('permanent');
      expect(error.message).toBe('unknown Teams conversation 19:gone@thread.tacv2');
      expect(error.explanation).toBe('po-desk has no record of that Teams conversation (was it removed from the team?).');
      const update = await sendError(sender.send(item('update'), { target: { channelId: '19:gone@thread.tacv2;messageid=1', messageId: '1' } }));
      expect(update.failure).toBe('permanent');
      expect(fake.calls).toEqual([]);
    });
  });

  describe('permalinks', () => {
    it('links a channel message with the documented deep link: channel, message, tenant, thread root, creation time', async () => {
      const url = await sender.permalink!(TENANT, { channelId: CHANNEL, messageId: '1700000000123' });
      expect(url).toBe(
        `https://teams.microsoft.com/l/message/${encodeURIComponent(CHANNEL)}/1700000000123?tenantId=${TENANT}&parentMessageId=1700000000123&createdTime=1700000000123`,
      );
      expect(fake.calls).toEqual([]); // built from what po-desk stored, no call to Teams
    });

    it('links a reply in a thread to the reply, with the thread root as parentMessageId', async () => {
      const url = new URL((await sender.permalink!(TENANT, { channelId: `${CHANNEL};messageid=1700000000100`, messageId: '1700000000200' }))!);
      expect(url.pathname).toBe(`/l/message/${encodeURIComponent(CHANNEL)}/1700000000200`);
      expect(url.searchParams.get('parentMessageId')).toBe('1700000000100');
    });

    it('has no link for chats (a 1:1 or a group chat) or a conversation it does not know', async () => {
      expect(await sender.permalink!(TENANT, { channelId: ANN_CHAT, messageId: '1' })).toBeUndefined();
      expect(await sender.permalink!(TENANT, { channelId: GROUP_CHAT, messageId: '1' })).toBeUndefined();
      expect(await sender.permalink!(TENANT, { channelId: '19:gone@thread.tacv2', messageId: '1' })).toBeUndefined();
    });
  });

  describe('direct messages', () => {
    it("'dm' to someone with a stored personal chat is sent there", async () => {
      const sent = await sender.send(item('dm', { userId: ANN.aadObjectId }), {});
      expect(calls()).toEqual([['send', 200, ANN_CHAT, undefined]]);
      expect(fake.sent[0]!.text).toBe('Hello');
      expect(sent).toEqual({ channelId: ANN_CHAT, messageId: fake.sent[0]!.id });
    });

    it("'dm' to someone in a stored team's roster creates the 1:1 chat, sends, and remembers the chat", async () => {
      fake.setRoster(TEAM, [ANN, PAT]);
      const sent = await sender.send(item('dm', { userId: PAT.aadObjectId }), {});
      const chat = createdChatId(PAT);
      expect(calls()).toEqual([
        ['getMember', 200, TEAM, PAT.aadObjectId],
        ['createConversation', 201, undefined, undefined],
        ['send', 200, chat, undefined],
      ]);
      expect(fake.calls[1]!.body).toEqual({
        bot: { id: BOT_ID },
        members: [{ id: PAT.id }],
        tenantId: TENANT,
        isGroup: false,
        channelData: { tenant: { id: TENANT } },
      });
      expect(fake.sent[0]!.text).toBe('Hello');
      expect(sent).toEqual({ channelId: chat, messageId: fake.sent[0]!.id });

      expect(await store.personalChat(TENANT, PAT.aadObjectId)).toEqual({
        id: chat,
        tenantId: TENANT,
        serviceUrl: fake.url,
        kind: 'personal',
        teamId: undefined,
        userAadId: PAT.aadObjectId,
        botId: BOT_ID,
      });
      // toMatchObject: the real store's row also carries its updatedAt.
      expect(await store.user(TENANT, PAT.aadObjectId)).toMatchObject({
        tenantId: TENANT,
        aadObjectId: PAT.aadObjectId,
        teamsUserId: PAT.id,
        name: 'Pat',
        serviceUrl: fake.url,
        teamId: TEAM,
      });

      // The next DM goes straight to the remembered chat. (The reset must not wipe bad calls unchecked.)
      expect(fake.unexpected).toEqual([]);
      fake.reset();
      await sender.send(item('dm', { userId: PAT.aadObjectId }), {});
      expect(calls()).toEqual([['send', 200, chat, undefined]]);
    });

    it("'dm' to a person already seen (but with no chat) creates the chat without reading a roster", async () => {
      fake.setRoster(TEAM, [SAM]);
      await store.rememberUsers([{ tenantId: TENANT, aadObjectId: SAM.aadObjectId, teamsUserId: SAM.id, name: 'Sam', serviceUrl: fake.url, teamId: TEAM }]);
      await sender.send(item('dm', { userId: SAM.aadObjectId }), {});
      expect(calls()).toEqual([
        ['createConversation', 201, undefined, undefined],
        ['send', 200, createdChatId(SAM), undefined],
      ]);
      expect(fake.calls[0]!.body).toMatchObject({ bot: { id: BOT_ID }, members: [{ id: SAM.id }], tenantId: TENANT });
    });

    it("'dm' looks in the next team when po-desk was removed from one (403 on its roster)", async () => {
      const OLD_TEAM = '19:old-team@thread.tacv2';
      await laterThanLastWrite(); // the old team's channel is unambiguously the newest stored one
      await store.remember({ id: '19:old-channel@thread.tacv2', tenantId: TENANT, serviceUrl: fake.url, kind: 'channel', teamId: OLD_TEAM, userAadId: undefined, reference: reference('19:old-channel@thread.tacv2', 'channel') });
      fake.setRoster(TEAM, [PAT]);
      fake.failNext(403, { method: 'getMember', conversationId: OLD_TEAM }); // po-desk was removed from the old team
      await sender.send(item('dm', { userId: PAT.aadObjectId }), {});
      expect(calls()).toEqual([
        ['getMember', 403, OLD_TEAM, PAT.aadObjectId],
        ['getMember', 200, TEAM, PAT.aadObjectId],
        ['createConversation', 201, undefined, undefined],
        ['send', 200, createdChatId(PAT), undefined],
      ]);
    });

    it("'dm' to someone seen only in a group chat uses the bot id of that chat", async () => {
      // Another tenant, where po-desk is only in a group chat: no team, no roster of a team to read.
      const OTHER_CHAT = '19:other-group-chat@thread.v2';
      await store.remember({ id: OTHER_CHAT, tenantId: OTHER_TENANT, serviceUrl: fake.url, kind: 'groupChat', teamId: undefined, userAadId: undefined, reference: reference(OTHER_CHAT, 'groupChat', OTHER_TENANT) });
      await store.rememberUsers([{ tenantId: OTHER_TENANT, aadObjectId: SAM.aadObjectId, teamsUserId: SAM.id, name: 'Sam', serviceUrl: fake.url, teamId: undefined }]);
      fake.setRoster(OTHER_CHAT, [SAM]);
      await sender.send(item('dm', { workspaceId: OTHER_TENANT, userId: SAM.aadObjectId }), {});
      expect(calls()).toEqual([
        ['createConversation', 201, undefined, undefined],
        ['send', 200, createdChatId(SAM), undefined],
      ]);
      expect(fake.calls[0]!.body).toEqual({ bot: { id: BOT_ID }, members: [{ id: SAM.id }], tenantId: OTHER_TENANT, isGroup: false, channelData: { tenant: { id: OTHER_TENANT } } });
    });

    it("'dm' to someone in no roster is permanent: they never talked to po-desk", async () => {
      fake.setRoster(TEAM, [ANN]);
      const error = await sendError(sender.send(item('dm', { userId: SAM.aadObjectId }), {}));
      expect(error.failure).toBe('permanent');
      expect(error.message).toBe(`no way to reach Teams user ${SAM.aadObjectId}`);
      expect(error.explanation).toMatch(/never talked to po-desk/);
      expect(calls()).toEqual([['getMember', 404, TEAM, SAM.aadObjectId]]);
      expect(await store.personalChat(TENANT, SAM.aadObjectId)).toBeUndefined();
    });

    it("'dm' in a tenant po-desk knows no team of is permanent", async () => {
      const error = await sendError(sender.send(item('dm', { workspaceId: 'other-tenant', userId: PAT.aadObjectId }), {}));
      expect(error.failure).toBe('permanent');
      expect(error.explanation).toMatch(/never talked to po-desk/);
      expect(fake.calls).toEqual([]);
    });

    it("'dm' to someone who blocked the bot is permanent, explained", async () => {
      fake.setRoster(TEAM, [PAT]);
      fake.blockedUsers.add(PAT.id);
      const error = await sendError(sender.send(item('dm', { userId: PAT.aadObjectId }), {}));
      expect(error.failure).toBe('permanent');
      expect(error.explanation).toMatch(/blocked/);
      expect(calls()).toEqual([
        ['getMember', 200, TEAM, PAT.aadObjectId],
        ['createConversation', 403, undefined, undefined],
      ]);
      expect(await store.personalChat(TENANT, PAT.aadObjectId)).toBeUndefined();
    });

    it("'dm' into an existing 1:1 with someone who blocked the bot since is permanent, explained", async () => {
      fake.blockedUsers.add(ANN.id);
      const error = await sendError(sender.send(item('dm', { userId: ANN.aadObjectId }), {}));
      expect(error.failure).toBe('permanent');
      expect(error.explanation).toBe('Teams refused it: po-desk was removed from that conversation, or the person blocked it.');
      expect(calls()).toEqual([['send', 403, ANN_CHAT, undefined]]);
    });
  });

  describe('failures', () => {
    it('429 → rate_limited with retryAfterMs from Retry-After', async () => {
      fake.failNext(429, { retryAfter: 7 });
      const error = await sendError(sender.send(item('post', { channelId: CHANNEL }), {}));
      expect(error.failure).toBe('rate_limited');
      expect(error.retryAfterMs).toBe(7000);
      expect(calls()).toEqual([['send', 429, CHANNEL, undefined]]);
    });

    it('429 without Retry-After → rate_limited, retry after 1 s', async () => {
      fake.failNext(429);
      const error = await sendError(sender.send(item('dm', { userId: ANN.aadObjectId }), {}));
      expect(error.failure).toBe('rate_limited');
      expect(error.retryAfterMs).toBe(1000);
      expect(calls()).toEqual([['send', 429, ANN_CHAT, undefined]]);
    });

    it('403 → permanent, explained as removed or blocked', async () => {
      fake.failNext(403, { method: 'send' });
      const error = await sendError(sender.send(item('post', { channelId: CHANNEL }), {}));
      expect(error.failure).toBe('permanent');
      expect(error.retryAfterMs).toBeUndefined();
      expect(error.explanation).toBe('Teams refused it: po-desk was removed from that conversation, or the person blocked it.');
      expect(calls()).toEqual([['send', 403, CHANNEL, undefined]]);
    });

    it('404 on an update (the message is gone) → permanent with the HTTP status', async () => {
      fake.knowActivity(CHANNEL, '1700000000456', 'bot');
      fake.failNext(404, { method: 'update' }); // deleted in Teams since
      const error = await sendError(sender.send(item('update'), { target: { channelId: CHANNEL, messageId: '1700000000456' } }));
      expect(error.failure).toBe('permanent');
      expect(error.explanation).toBe('Teams refused it (HTTP 404).');
      expect(calls()).toEqual([['update', 404, CHANNEL, '1700000000456']]);
    });

    it('502 → transient', async () => {
      fake.knowActivity(CHANNEL, '5');
      fake.failNext(502, { method: 'reply' });
      const error = await sendError(sender.send(item('post', { channelId: CHANNEL }), { thread: { channelId: CHANNEL, messageId: '5' } }));
      expect(error.failure).toBe('transient');
      expect(error.retryAfterMs).toBeUndefined();
      expect(error.explanation).toBeUndefined();
      expect(error.message).toBe('Bot Connector answered 502: {"error":{"code":"Failed"}}');
      expect(calls()).toEqual([['reply', 502, `${CHANNEL};messageid=5`, '5']]);
    });

    it('a 500 while reading a roster for a DM → transient, and nothing is created', async () => {
      fake.setRoster(TEAM, [PAT]);
      fake.failNext(500, { method: 'getMember' });
      const error = await sendError(sender.send(item('dm', { userId: PAT.aadObjectId }), {}));
      expect(error.failure).toBe('transient');
      expect(calls()).toEqual([['getMember', 500, TEAM, PAT.aadObjectId]]);
    });

    it('a 429 while reading a roster for a DM → rate_limited (Retry-After kept), not "never talked to po-desk"', async () => {
      fake.setRoster(TEAM, [PAT]);
      fake.failNext(429, { method: 'getMember', retryAfter: 3 });
      const error = await sendError(sender.send(item('dm', { userId: PAT.aadObjectId }), {}));
      expect(error.failure).toBe('rate_limited');
      expect(error.retryAfterMs).toBe(3000);
      expect(error.explanation ?? '').not.toMatch(/never talked to po-desk/);
      expect(calls()).toEqual([['getMember', 429, TEAM, PAT.aadObjectId]]);
      expect(await store.user(TENANT, PAT.aadObjectId)).toBeUndefined();
    });

    it("a 500 while reading a roster for an 'ephemeral' → transient, and the private message is not posted into the channel", async () => {
      fake.setRoster(TEAM, [PAT]);
      fake.failNext(500, { method: 'getMember' });
      const error = await sendError(sender.send(item('ephemeral', { channelId: CHANNEL, userId: PAT.aadObjectId }), {}));
      expect(error.failure).toBe('transient');
      expect(calls()).toEqual([['getMember', 500, TEAM, PAT.aadObjectId]]);
      expect(fake.sent).toEqual([]);
    });

    it("a 429 while creating the 1:1 for an 'ephemeral' → rate_limited, and the private message is not posted into the channel", async () => {
      fake.setRoster(TEAM, [PAT]);
      fake.knowActivity(CHANNEL, '42');
      fake.failNext(429, { method: 'createConversation', retryAfter: 2 });
      const error = await sendError(sender.send(item('ephemeral', { channelId: CHANNEL, userId: PAT.aadObjectId }), { thread: { channelId: CHANNEL, messageId: '42' } }));
      expect(error.failure).toBe('rate_limited');
      expect(error.retryAfterMs).toBe(2000);
      expect(calls()).toEqual([
        ['getMember', 200, TEAM, PAT.aadObjectId],
        ['createConversation', 429, undefined, undefined],
      ]);
      expect(fake.sent).toEqual([]);
      expect(await store.personalChat(TENANT, PAT.aadObjectId)).toBeUndefined();
    });

    it('an unreachable Bot Connector → transient', async () => {
      const unreachable = 'http://127.0.0.1:1/';
      await store.remember({ id: '19:far@thread.tacv2', tenantId: TENANT, serviceUrl: unreachable, kind: 'channel', teamId: TEAM, userAadId: undefined, reference: {} });
      const error = await sendError(sender.send(item('post', { channelId: '19:far@thread.tacv2' }), {}));
      expect(error.failure).toBe('transient');
    });
  });
});
