import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BotConnector } from '../../../src/adapters/teams/bot-connector.js';
import { ADAPTIVE_CARD, teamsSender } from '../../../src/adapters/teams/teams-sender.js';
import { message, section } from '../../../src/messages/build.js';
import { SendError, type OutboxItem, type SendContext, type Sender, type Sent } from '../../../src/outbox/sender.js';
import type { ConversationToRemember, SeenUser, StoredConversation, TeamsConversations } from '../../../src/store/teams-conversations.js';
import { FakeBotConnector, type FakeMember } from '../../support/fake-bot-connector.js';

/** The repository contract, in memory: upserts like the Prisma one, "newest first" by last write. */
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

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const TEAM = '19:team-general-a1b2c3@thread.tacv2';
const CHANNEL = '19:checkout-d4e5f6@thread.tacv2';
const GROUP_CHAT = '19:meeting-group-chat@thread.v2';
const BOT_ID = '28:00000000-0000-0000-0000-00000000b07d';
const ANN: FakeMember = { id: '29:1ann-teams-id', name: 'Ann', aadObjectId: '00000000-0000-4000-b000-000000000001' };
const PAT: FakeMember = { id: '29:1pat-teams-id', name: 'Pat', aadObjectId: '00000000-0000-4000-b000-000000000002' };
const SAM: FakeMember = { id: '29:1sam-teams-id', name: 'Sam', aadObjectId: '00000000-0000-4000-b000-000000000003' };
const ANN_CHAT = 'a:1ann-personal-chat';
const HELLO = message(section('Hello'));

let fake: FakeBotConnector;
let store: MemoryConversations;
let sender: Sender;

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

const reference = (conversationId: string, conversationType: string) => ({
  bot: { id: BOT_ID, name: 'po-desk' },
  conversation: { id: conversationId, conversationType, tenantId: TENANT },
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

const calls = () => fake.calls.map((c) => [c.method, c.conversationId, c.activityId]);

beforeAll(async () => {
  fake = await FakeBotConnector.start();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  fake.expectedToken = 'connector-token';
  store = new MemoryConversations();
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
});
afterEach(() => {
  const unexpected = [...fake.unexpected];
  fake.reset();
  fake.rosters.clear();
  fake.blockedUsers.clear();
  expect(unexpected).toEqual([]);
});

describe('teamsSender: posts', () => {
  it("'post' without a thread sends a card to the channel", async () => {
    const sent = await sender.send(item('post', { channelId: CHANNEL }), {});
    expect(calls()).toEqual([['send', CHANNEL, undefined]]);
    expect(fake.sent[0]!.text).toBe('Hello');
    expect(fake.sent[0]!.activity).toMatchObject({ type: 'message', summary: 'Hello', attachments: [{ contentType: ADAPTIVE_CARD }] });
    expect(fake.calls[0]!.authorization).toBe('Bearer connector-token');
    expect(sent).toEqual({ channelId: CHANNEL, messageId: fake.sent[0]!.id });
  });

  it("'post' to a channel id that carries a thread still posts top-level to the stored channel", async () => {
    const sent = await sender.send(item('post', { channelId: `${CHANNEL};messageid=1700000000009` }), {});
    expect(calls()).toEqual([['send', CHANNEL, undefined]]);
    expect(sent.channelId).toBe(CHANNEL);
  });

  it("'post' with context.thread replies in the channel thread `${channel};messageid=${root}`", async () => {
    const root = '1700000000123';
    const context: SendContext = { thread: { channelId: CHANNEL, messageId: root } };
    const sent = await sender.send(item('post', { channelId: CHANNEL }), context);
    const thread = `${CHANNEL};messageid=${root}`;
    expect(calls()).toEqual([['reply', thread, root]]);
    expect(fake.sent[0]!.replyToId).toBe(root);
    expect(fake.sent[0]!.activity.replyToId).toBe(root);
    expect(fake.sent[0]!.text).toBe('Hello');
    expect(sent).toEqual({ channelId: thread, messageId: fake.sent[0]!.id });
  });

  it("'post' with context.thread in a group chat replies in the chat itself (no ;messageid)", async () => {
    const sent = await sender.send(item('post', { channelId: GROUP_CHAT }), { thread: { channelId: GROUP_CHAT, messageId: '1700000000777' } });
    expect(calls()).toEqual([['reply', GROUP_CHAT, '1700000000777']]);
    expect(sent).toEqual({ channelId: GROUP_CHAT, messageId: fake.sent[0]!.id });
  });

  it("'ephemeral' goes to the person's 1:1 chat: Teams has no ephemeral messages, and a channel is public", async () => {
    const sent = await sender.send(item('ephemeral', { channelId: CHANNEL, userId: ANN.aadObjectId }), {});
    expect(calls()).toEqual([['send', ANN_CHAT, undefined]]);
    expect(fake.sent[0]!.text).toBe('Hello');
    expect(sent).toEqual({ channelId: ANN_CHAT, messageId: fake.sent[0]!.id });
  });

  it("'ephemeral' to someone Teams gives no 1:1 is posted into the conversation, in its thread", async () => {
    fake.setRoster(TEAM, [ANN]); // Pat is in no roster: no 1:1 can be made
    const sent = await sender.send(item('ephemeral', { channelId: CHANNEL, userId: PAT.aadObjectId }), { thread: { channelId: CHANNEL, messageId: '42' } });
    expect(calls()).toEqual([
      ['getMember', TEAM, PAT.aadObjectId],
      ['reply', `${CHANNEL};messageid=42`, '42'],
    ]);
    expect(sent.channelId).toBe(`${CHANNEL};messageid=42`);
  });

  it("'update' PUTs the new card to the target message", async () => {
    const target = { channelId: `${CHANNEL};messageid=1700000000123`, messageId: '1700000000456' };
    const sent = await sender.send(item('update', { channelId: CHANNEL, message: message(section('Edited')) }), { target });
    expect(calls()).toEqual([['update', target.channelId, target.messageId]]);
    expect(fake.sent[0]!.text).toBe('Edited');
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

describe('teamsSender: direct messages', () => {
  it("'dm' to someone with a stored personal chat is sent there", async () => {
    const sent = await sender.send(item('dm', { userId: ANN.aadObjectId }), {});
    expect(calls()).toEqual([['send', ANN_CHAT, undefined]]);
    expect(fake.sent[0]!.text).toBe('Hello');
    expect(sent).toEqual({ channelId: ANN_CHAT, messageId: fake.sent[0]!.id });
  });

  it("'dm' to someone in a stored team's roster creates the 1:1 chat, sends, and remembers the chat", async () => {
    fake.setRoster(TEAM, [ANN, PAT]);
    const sent = await sender.send(item('dm', { userId: PAT.aadObjectId }), {});
    const chat = `a:1on1-${PAT.id}`;
    expect(calls()).toEqual([
      ['getMember', TEAM, PAT.aadObjectId],
      ['createConversation', undefined, undefined],
      ['send', chat, undefined],
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
    expect(await store.user(TENANT, PAT.aadObjectId)).toEqual({
      tenantId: TENANT,
      aadObjectId: PAT.aadObjectId,
      teamsUserId: PAT.id,
      name: 'Pat',
      serviceUrl: fake.url,
      teamId: TEAM,
    });

    // The next DM goes straight to the remembered chat.
    fake.reset();
    await sender.send(item('dm', { userId: PAT.aadObjectId }), {});
    expect(calls()).toEqual([['send', chat, undefined]]);
  });

  it("'dm' to a person already seen (but with no chat) creates the chat without reading a roster", async () => {
    fake.setRoster(TEAM, [SAM]);
    await store.rememberUsers([{ tenantId: TENANT, aadObjectId: SAM.aadObjectId, teamsUserId: SAM.id, name: 'Sam', serviceUrl: fake.url, teamId: TEAM }]);
    await sender.send(item('dm', { userId: SAM.aadObjectId }), {});
    expect(calls()).toEqual([
      ['createConversation', undefined, undefined],
      ['send', `a:1on1-${SAM.id}`, undefined],
    ]);
    expect(fake.calls[0]!.body).toMatchObject({ bot: { id: BOT_ID }, members: [{ id: SAM.id }], tenantId: TENANT });
  });

  it("'dm' looks in the next team when po-desk was removed from one (403 on its roster)", async () => {
    const OLD_TEAM = '19:old-team@thread.tacv2';
    await store.remember({ id: '19:old-channel@thread.tacv2', tenantId: TENANT, serviceUrl: fake.url, kind: 'channel', teamId: OLD_TEAM, userAadId: undefined, reference: reference('19:old-channel@thread.tacv2', 'channel') });
    fake.setRoster(TEAM, [PAT]);
    fake.failNext(403); // the newest stored team, the old one, refuses its roster
    await sender.send(item('dm', { userId: PAT.aadObjectId }), {});
    expect(calls()).toEqual([
      ['getMember', TEAM, PAT.aadObjectId],
      ['createConversation', undefined, undefined],
      ['send', `a:1on1-${PAT.id}`, undefined],
    ]); // the refused call to the old team delivered nothing, so the fake did not record it
  });

  it("'dm' to someone seen only in a group chat uses the bot id of that chat", async () => {
    const onlyChats = new MemoryConversations();
    await onlyChats.remember({ id: GROUP_CHAT, tenantId: TENANT, serviceUrl: fake.url, kind: 'groupChat', teamId: undefined, userAadId: undefined, reference: reference(GROUP_CHAT, 'groupChat') });
    await onlyChats.rememberUsers([{ tenantId: TENANT, aadObjectId: SAM.aadObjectId, teamsUserId: SAM.id, name: 'Sam', serviceUrl: fake.url, teamId: undefined }]);
    fake.setRoster(GROUP_CHAT, [SAM]);
    await teamsSender(new BotConnector(async () => 'connector-token'), onlyChats).send(item('dm', { userId: SAM.aadObjectId }), {});
    expect(fake.calls[0]).toMatchObject({ method: 'createConversation', body: { bot: { id: BOT_ID }, members: [{ id: SAM.id }] } });
    expect(fake.sent.map((s) => s.conversationId)).toEqual([`a:1on1-${SAM.id}`]);
  });

  it("'dm' to someone in no roster is permanent: they never talked to po-desk", async () => {
    fake.setRoster(TEAM, [ANN]);
    const error = await sendError(sender.send(item('dm', { userId: SAM.aadObjectId }), {}));
    expect(error.failure).toBe('permanent');
    expect(error.message).toBe(`no way to reach Teams user ${SAM.aadObjectId}`);
    expect(error.explanation).toMatch(/never talked to po-desk/);
    expect(calls()).toEqual([['getMember', TEAM, SAM.aadObjectId]]);
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
    expect(fake.sent).toEqual([]);
    expect(await store.personalChat(TENANT, PAT.aadObjectId)).toBeUndefined();
  });
});

describe('teamsSender: failures', () => {
  it('429 → rate_limited with retryAfterMs from Retry-After', async () => {
    fake.failNext(429, { retryAfter: 7 });
    const error = await sendError(sender.send(item('post', { channelId: CHANNEL }), {}));
    expect(error.failure).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(7000);
    expect(fake.sent).toEqual([]);
  });

  it('429 without Retry-After → rate_limited, retry after 1 s', async () => {
    fake.failNext(429);
    const error = await sendError(sender.send(item('dm', { userId: ANN.aadObjectId }), {}));
    expect(error.failure).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(1000);
  });

  it('403 → permanent, explained as removed or blocked', async () => {
    fake.failNext(403);
    const error = await sendError(sender.send(item('post', { channelId: CHANNEL }), {}));
    expect(error.failure).toBe('permanent');
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.explanation).toBe('Teams refused it: po-desk was removed from that conversation, or the person blocked it.');
  });

  it('404 on an update → permanent with the HTTP status', async () => {
    fake.failNext(404);
    const error = await sendError(sender.send(item('update'), { target: { channelId: CHANNEL, messageId: '1' } }));
    expect(error.failure).toBe('permanent');
    expect(error.explanation).toBe('Teams refused it (HTTP 404).');
  });

  it('502 → transient', async () => {
    fake.failNext(502);
    const error = await sendError(sender.send(item('post', { channelId: CHANNEL }), { thread: { channelId: CHANNEL, messageId: '5' } }));
    expect(error.failure).toBe('transient');
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.explanation).toBeUndefined();
    expect(error.message).toBe('Bot Connector answered 502: {"error":{"code":"Failed"}}');
  });

  it('a 500 while reading a roster for a DM → transient', async () => {
    fake.setRoster(TEAM, [PAT]);
    fake.failNext(500);
    const error = await sendError(sender.send(item('dm', { userId: PAT.aadObjectId }), {}));
    expect(error.failure).toBe('transient');
  });

  it('an unreachable Bot Connector → transient', async () => {
    const unreachable = 'http://127.0.0.1:1/';
    await store.remember({ id: '19:far@thread.tacv2', tenantId: TENANT, serviceUrl: unreachable, kind: 'channel', teamId: TEAM, userAadId: undefined, reference: {} });
    const error = await sendError(sender.send(item('post', { channelId: '19:far@thread.tacv2' }), {}));
    expect(error.failure).toBe('transient');
  });
});
