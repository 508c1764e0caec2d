import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BotConnector, ConnectorError, type ConnectorActivity } from '../../../src/adapters/teams/bot-connector.js';
import { createdChatId, FakeBotConnector, type FakeMember } from '../../support/fake-bot-connector.js';

const CHANNEL = '19:checkout-d4e5f6@thread.tacv2';
const ROOT = '1700000000001';
const THREAD = `${CHANNEL};messageid=${ROOT}`;
const OTHER_CHANNEL = '19:payments-0a0b0c@thread.tacv2';
const TEAM = '19:team-general-a1b2c3@thread.tacv2';
const activity: ConnectorActivity = { type: 'message', text: 'hello' };
const member = (n: number): FakeMember => ({ id: `29:member-${n}`, name: `Member ${n}`, aadObjectId: `aad-${n}` });

let fake: FakeBotConnector;
const noToken = async () => undefined;

beforeAll(async () => {
  fake = await FakeBotConnector.start();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  const unexpected = [...fake.unexpected];
  fake.reset();
  fake.rosters.clear();
  fake.blockedUsers.clear();
  fake.expectedToken = undefined;
  expect(unexpected).toEqual([]);
});

/** Records the URLs fetch is called with, still making the real request. */
function recordUrls(): string[] {
  const urls: string[] = [];
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    urls.push(String(input));
    return realFetch(input, init);
  });
  return urls;
}

async function connectorError(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

describe('BotConnector', () => {
  it('sends to a conversation with POST /v3/conversations/{id}/activities', async () => {
    const connector = new BotConnector(noToken);
    const sent = await connector.sendToConversation(fake.url, CHANNEL, activity);
    expect(fake.calls.map((c) => [c.method, c.conversationId, c.activityId])).toEqual([['send', CHANNEL, undefined]]);
    expect(fake.sent[0]!.activity).toMatchObject({ type: 'message', text: 'hello' });
    expect(sent).toEqual({ id: fake.sent[0]!.id });
  });

  it('replies in a thread with POST /v3/conversations/{id}/activities/{activityId} and replyToId', async () => {
    fake.knowActivity(CHANNEL, ROOT); // the thread's root, posted by a person
    const connector = new BotConnector(noToken);
    const sent = await connector.replyToActivity(fake.url, THREAD, ROOT, activity);
    expect(fake.calls.map((c) => [c.method, c.status, c.conversationId, c.activityId])).toEqual([['reply', 200, THREAD, ROOT]]);
    expect(fake.calls[0]!.body).toMatchObject({ type: 'message', text: 'hello', replyToId: ROOT });
    expect(fake.sent).toMatchObject([{ method: 'reply', id: sent.id, replyToId: ROOT, updatedId: undefined }]);
  });

  it('updates with PUT /v3/conversations/{id}/activities/{activityId} and the activity id in the body', async () => {
    const connector = new BotConnector(noToken);
    const { id } = await connector.sendToConversation(fake.url, CHANNEL, activity);
    await expect(connector.updateActivity(fake.url, CHANNEL, id!, { type: 'message', text: 'edited' })).resolves.toBeUndefined();
    expect(fake.calls.map((c) => [c.method, c.status, c.conversationId, c.activityId])).toEqual([
      ['send', 200, CHANNEL, undefined],
      ['update', 200, CHANNEL, id],
    ]);
    expect(fake.calls[1]!.body).toMatchObject({ type: 'message', text: 'edited', id });
    expect(fake.sent[1]).toMatchObject({ method: 'update', id, updatedId: id, replyToId: undefined, text: '' });
  });

  it('URL-encodes conversation and activity ids', async () => {
    fake.knowActivity(THREAD, 'f:17/00', 'bot');
    const urls = recordUrls();
    const connector = new BotConnector(noToken);
    await connector.replyToActivity(fake.url, THREAD, 'f:17/00', activity);
    await connector.updateActivity(fake.url, THREAD, 'f:17/00', activity);
    const encodedThread = '19%3Acheckout-d4e5f6%40thread.tacv2%3Bmessageid%3D1700000000001';
    expect(urls).toEqual([`${fake.url}v3/conversations/${encodedThread}/activities/f%3A17%2F00`, `${fake.url}v3/conversations/${encodedThread}/activities/f%3A17%2F00`]);
    expect(fake.calls.map((c) => [c.method, c.conversationId, c.activityId])).toEqual([
      ['reply', THREAD, 'f:17/00'],
      ['update', THREAD, 'f:17/00'],
    ]);
  });

  it('accepts a service URL without a trailing slash', async () => {
    const connector = new BotConnector(noToken);
    await connector.sendToConversation(fake.url.replace(/\/$/, ''), CHANNEL, activity);
    expect(fake.calls.map((c) => [c.method, c.conversationId])).toEqual([['send', CHANNEL]]);
  });

  it('sends the bearer token from the token function on every call', async () => {
    fake.expectedToken = 'token-abc';
    fake.setRoster(TEAM, [member(1)]);
    const connector = new BotConnector(async () => 'token-abc');
    await connector.sendToConversation(fake.url, CHANNEL, activity);
    await connector.getMember(fake.url, TEAM, '29:member-1');
    await connector.getAllMembers(fake.url, TEAM);
    expect(fake.calls.map((c) => c.authorization)).toEqual(['Bearer token-abc', 'Bearer token-abc', 'Bearer token-abc']);
  });

  it('sends no Authorization header when the token function returns undefined', async () => {
    const connector = new BotConnector(noToken);
    await connector.sendToConversation(fake.url, CHANNEL, activity);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]!.authorization).toBeUndefined();
  });

  it('creates a 1:1 conversation and returns its id', async () => {
    fake.setRoster(TEAM, [member(1)]);
    const connector = new BotConnector(noToken);
    const params = {
      bot: { id: '28:bot' },
      members: [{ id: '29:member-1' }],
      tenantId: 'tenant-1',
      isGroup: false as const,
      channelData: { tenant: { id: 'tenant-1' } },
    };
    await expect(connector.createConversation(fake.url, params)).resolves.toEqual({ id: createdChatId(member(1)) });
    expect(fake.calls.map((c) => [c.method, c.status, c.body])).toEqual([['createConversation', 201, params]]);
  });

  it('getMember returns the member, found by Teams id or AAD object id', async () => {
    fake.setRoster(TEAM, [member(1), member(2)]);
    const connector = new BotConnector(noToken);
    await expect(connector.getMember(fake.url, TEAM, '29:member-2')).resolves.toEqual(member(2));
    await expect(connector.getMember(fake.url, TEAM, 'aad-1')).resolves.toEqual(member(1));
    expect(fake.calls.map((c) => [c.method, c.conversationId, c.activityId])).toEqual([
      ['getMember', TEAM, '29:member-2'],
      ['getMember', TEAM, 'aad-1'],
    ]);
  });

  it('getMember returns undefined on 404 (and 400)', async () => {
    fake.setRoster(TEAM, [member(1)]);
    const connector = new BotConnector(noToken);
    await expect(connector.getMember(fake.url, TEAM, '29:stranger')).resolves.toBeUndefined();
    fake.failNext(400);
    await expect(connector.getMember(fake.url, TEAM, '29:member-1')).resolves.toBeUndefined();
    expect(fake.calls.map((c) => [c.method, c.status, c.activityId])).toEqual([
      ['getMember', 404, '29:stranger'],
      ['getMember', 400, '29:member-1'],
    ]);
  });

  it('getMember throws other failures', async () => {
    const connector = new BotConnector(noToken);
    fake.failNext(403);
    const error = await connectorError(connector.getMember(fake.url, TEAM, '29:member-1'));
    expect(error.status).toBe(403);
  });

  it('getAllMembers follows continuation tokens (1200 members: 3 pages of 500)', async () => {
    const roster = Array.from({ length: 1200 }, (_, i) => member(i));
    fake.setRoster(TEAM, roster);
    const urls = recordUrls();
    const connector = new BotConnector(noToken);
    const members = await connector.getAllMembers(fake.url, TEAM);
    expect(members).toHaveLength(1200);
    expect(members).toEqual(roster);
    expect(fake.calls.map((c) => [c.method, c.conversationId])).toEqual([
      ['pagedMembers', TEAM],
      ['pagedMembers', TEAM],
      ['pagedMembers', TEAM],
    ]);
    expect(urls.map((u) => new URL(u).search)).toEqual(['?pageSize=500', '?pageSize=500&continuationToken=500', '?pageSize=500&continuationToken=1000']);
  });

  it('getAllMembers makes one call for a small roster', async () => {
    fake.setRoster(TEAM, [member(1), member(2)]);
    const connector = new BotConnector(noToken);
    await expect(connector.getAllMembers(fake.url, TEAM)).resolves.toEqual([member(1), member(2)]);
    expect(fake.calls).toHaveLength(1);
  });

  it('reports a 429 with Retry-After in seconds as ConnectorError 429 with retryAfterMs', async () => {
    fake.failNext(429, { retryAfter: 3 });
    const connector = new BotConnector(noToken);
    const error = await connectorError(connector.sendToConversation(fake.url, CHANNEL, activity));
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(3000);
    expect(error.body).toBe('{"error":{"code":"Throttled"}}');
    expect(error.message).toBe('Bot Connector answered 429: {"error":{"code":"Throttled"}}');
    expect(fake.calls.map((c) => [c.method, c.status, c.conversationId])).toEqual([['send', 429, CHANNEL]]); // one call, refused
    expect(fake.sent).toEqual([]);
  });

  it('reads an HTTP-date Retry-After', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-03-10T12:00:00.000Z'));
    vi.spyOn(globalThis, 'fetch').mockResolvedValueOnce(new Response('', { status: 429, headers: { 'retry-after': 'Mon, 10 Mar 2025 12:00:07 GMT' } }));
    const connector = new BotConnector(noToken);
    const error = await connectorError(connector.sendToConversation(fake.url, CHANNEL, activity));
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(7000);
    expect(error.message).toBe('Bot Connector answered 429');
  });

  it('treats an HTTP-date Retry-After in the past as 0 and a garbage one as absent', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-03-10T12:00:00.000Z'));
    vi.spyOn(globalThis, 'fetch')
      .mockResolvedValueOnce(new Response('', { status: 429, headers: { 'retry-after': 'Mon, 10 Mar 2025 11:59:00 GMT' } }))
      .mockResolvedValueOnce(new Response('', { status: 429, headers: { 'retry-after': 'soon' } }));
    const connector = new BotConnector(noToken);
    expect((await connectorError(connector.sendToConversation(fake.url, CHANNEL, activity))).retryAfterMs).toBe(0);
    expect((await connectorError(connector.sendToConversation(fake.url, CHANNEL, activity))).retryAfterMs).toBeUndefined();
  });

  it('reports a 500 as ConnectorError 500 without retryAfterMs', async () => {
    fake.failNext(500);
    const connector = new BotConnector(noToken);
    const error = await connectorError(connector.sendToConversation(fake.url, CHANNEL, activity));
    expect(error.status).toBe(500);
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.code).toBe('TEAMS_CONNECTOR_ERROR');
    expect(fake.calls.map((c) => [c.method, c.status])).toEqual([['send', 500]]);
  });

  it('makes exactly one request per call (no hidden retries)', async () => {
    fake.failNext(503, { times: 2 });
    const connector = new BotConnector(noToken);
    expect((await connectorError(connector.sendToConversation(fake.url, CHANNEL, activity))).status).toBe(503);
    expect((await connectorError(connector.sendToConversation(fake.url, CHANNEL, activity))).status).toBe(503);
    await connector.sendToConversation(fake.url, CHANNEL, activity);
    expect(fake.calls.map((c) => [c.method, c.status])).toEqual([
      ['send', 503],
      ['send', 503],
      ['send', 200],
    ]);
    expect(fake.sent).toHaveLength(1);
  });
});

/** What the other tests rely on the fake for: it answers like Teams where po-desk could get it wrong. */
describe('BotConnector against the fake: how Teams refuses', () => {
  it('a reply to an activity not in that conversation, or an update of one the bot did not send there, is 404 (and unexpected)', async () => {
    fake.knowActivity(CHANNEL, ROOT); // a person's message in the channel
    const connector = new BotConnector(noToken);
    expect((await connectorError(connector.replyToActivity(fake.url, THREAD, '1700000000999', activity))).status).toBe(404);
    expect((await connectorError(connector.replyToActivity(fake.url, `${OTHER_CHANNEL};messageid=${ROOT}`, ROOT, activity))).status).toBe(404);
    expect((await connectorError(connector.updateActivity(fake.url, THREAD, ROOT, activity))).status).toBe(404); // a person's message
    const { id } = await connector.replyToActivity(fake.url, THREAD, ROOT, activity);
    expect((await connectorError(connector.updateActivity(fake.url, OTHER_CHANNEL, id!, activity))).status).toBe(404);
    await connector.updateActivity(fake.url, CHANNEL, id!, activity); // the same channel, with or without the thread
    await connector.updateActivity(fake.url, THREAD, id!, activity);
    expect(fake.calls.map((c) => [c.method, c.status])).toEqual([
      ['reply', 404],
      ['reply', 404],
      ['update', 404],
      ['reply', 200],
      ['update', 404],
      ['update', 200],
      ['update', 200],
    ]);
    expect(fake.sent.map((s) => [s.method, s.id])).toEqual([
      ['reply', id],
      ['update', id],
      ['update', id],
    ]);
    expect(fake.unexpected.splice(0)).toHaveLength(4);
  });

  it('failNext fails only the calls it names; others pass through', async () => {
    fake.knowActivity(CHANNEL, ROOT);
    fake.setRoster(TEAM, [member(1)]);
    fake.failNext(429, { method: 'reply', retryAfter: 2 });
    fake.failNext(503, { conversationId: OTHER_CHANNEL });
    const connector = new BotConnector(noToken);
    await connector.sendToConversation(fake.url, CHANNEL, activity);
    await connector.getMember(fake.url, TEAM, member(1).id);
    expect((await connectorError(connector.sendToConversation(fake.url, OTHER_CHANNEL, activity))).status).toBe(503);
    expect((await connectorError(connector.replyToActivity(fake.url, THREAD, ROOT, activity))).retryAfterMs).toBe(2000);
    await connector.replyToActivity(fake.url, THREAD, ROOT, activity);
    expect(fake.calls.map((c) => [c.method, c.status])).toEqual([
      ['send', 200],
      ['getMember', 200],
      ['send', 503],
      ['reply', 429],
      ['reply', 200],
    ]);
  });

  it('refuses a 1:1 with, and any message into the 1:1 of, someone who blocked the bot (403)', async () => {
    fake.setRoster(TEAM, [member(1), member(2)]);
    const connector = new BotConnector(noToken);
    const params = (n: number) => ({ bot: { id: '28:bot' }, members: [{ id: member(n).id }], tenantId: 'tenant-1', isGroup: false as const, channelData: { tenant: { id: 'tenant-1' } } });
    const { id } = await connector.createConversation(fake.url, params(1));
    fake.knowPersonalChat('a:1on1-started-by-2', member(2).id);
    fake.blockedUsers.add(member(1).id);
    fake.blockedUsers.add(member(2).id);
    expect((await connectorError(connector.createConversation(fake.url, params(1)))).status).toBe(403);
    expect((await connectorError(connector.sendToConversation(fake.url, id, activity))).status).toBe(403);
    expect((await connectorError(connector.sendToConversation(fake.url, 'a:1on1-started-by-2', activity))).status).toBe(403);
    expect(fake.calls.map((c) => [c.method, c.status])).toEqual([
      ['createConversation', 201],
      ['createConversation', 403],
      ['send', 403],
      ['send', 403],
    ]);
  });

  it('a 1:1 without the tenant is unexpected', async () => {
    fake.setRoster(TEAM, [member(1)]);
    const connector = new BotConnector(noToken);
    await connector.createConversation(fake.url, { bot: { id: '28:bot' }, members: [{ id: member(1).id }], isGroup: false } as never);
    expect(fake.unexpected.splice(0)).toEqual(['createConversation needs the tenant as tenantId and channelData.tenant.id (got undefined and undefined)']);
  });
});
