import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BotConnector, ConnectorError, type ConnectorActivity } from '../../../src/adapters/teams/bot-connector.js';
import { FakeBotConnector, type FakeMember } from '../../support/fake-bot-connector.js';

const CHANNEL = '19:checkout-d4e5f6@thread.tacv2';
const THREAD = `${CHANNEL};messageid=1700000000001`;
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
    expect(sent.id).toMatch(/^\d+$/);
  });

  it('replies in a thread with POST /v3/conversations/{id}/activities/{activityId} and replyToId', async () => {
    const connector = new BotConnector(noToken);
    const sent = await connector.replyToActivity(fake.url, THREAD, '1700000000001', activity);
    expect(fake.calls.map((c) => [c.method, c.conversationId, c.activityId])).toEqual([['reply', THREAD, '1700000000001']]);
    expect(fake.calls[0]!.body).toMatchObject({ type: 'message', text: 'hello', replyToId: '1700000000001' });
    expect(sent.id).toBe(fake.sent[0]!.id);
  });

  it('updates with PUT /v3/conversations/{id}/activities/{activityId} and the activity id in the body', async () => {
    const connector = new BotConnector(noToken);
    await expect(connector.updateActivity(fake.url, CHANNEL, '1700000000042', { type: 'message', text: 'edited' })).resolves.toBeUndefined();
    expect(fake.calls.map((c) => [c.method, c.conversationId, c.activityId])).toEqual([['update', CHANNEL, '1700000000042']]);
    expect(fake.calls[0]!.body).toMatchObject({ type: 'message', text: 'edited', id: '1700000000042' });
  });

  it('URL-encodes conversation and activity ids', async () => {
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
    await expect(connector.createConversation(fake.url, params)).resolves.toEqual({ id: 'a:1on1-29:member-1' });
    expect(fake.calls.map((c) => [c.method, c.body])).toEqual([['createConversation', params]]);
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
  });

  it('makes exactly one request per call (no hidden retries)', async () => {
    fake.failNext(503, { times: 2 });
    const connector = new BotConnector(noToken);
    expect((await connectorError(connector.sendToConversation(fake.url, CHANNEL, activity))).status).toBe(503);
    expect((await connectorError(connector.sendToConversation(fake.url, CHANNEL, activity))).status).toBe(503);
    await connector.sendToConversation(fake.url, CHANNEL, activity);
    expect(fake.sent).toHaveLength(1);
  });
});
