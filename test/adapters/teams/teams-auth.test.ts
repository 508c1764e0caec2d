import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeBotConnector, type FakeMember } from '../../support/fake-bot-connector.js';
import { channelMessage, postActivity, TEAM_ID } from '../../support/teams-activities.js';
import { APP_ID, startTeamsTestApp, type TeamsTestApp } from '../../support/teams-test-app.js';

const ANN: FakeMember = { id: '29:1ann', name: 'Ann', aadObjectId: '00000000-0000-4000-c000-000000000001' };

describe('Teams with credentials: every activity must carry a valid Bot Framework token', () => {
  let t: TeamsTestApp;
  let impostor: FakeBotConnector;
  beforeAll(async () => {
    t = await startTeamsTestApp('pglite', { credentials: true });
    impostor = await FakeBotConnector.start(); // signs with keys the app never trusted
    t.fake.setRoster(TEAM_ID, [ANN]);
  });
  afterAll(async () => {
    await t?.stop();
    await impostor?.close();
  });
  beforeEach(() => t.fake.reset());
  afterEach(() => expect(t.fake.unexpected).toEqual([]));

  const nothingChanged = async () => {
    const p = t.app.db.prisma;
    expect(await p.inboundReceipt.count()).toBe(0);
    expect(await p.workspace.count()).toBe(0);
    expect(await p.teamsConversation.count()).toBe(0);
    expect(await p.outboxMessage.count()).toBe(0);
  };

  it('refuses a request without a token, with a garbage token, a foreign signature or the wrong audience', async () => {
    const activity = channelMessage(ANN, 'help', { serviceUrl: t.fake.url });
    expect((await postActivity(t.baseUrl, activity)).status).toBe(401);
    expect((await postActivity(t.baseUrl, activity, 'not-a-jwt')).status).toBe(401);
    expect((await postActivity(t.baseUrl, activity, impostor.signToken({ appId: APP_ID }))).status).toBe(401);
    expect((await postActivity(t.baseUrl, activity, t.fake.signToken({ appId: '11111111-2222-3333-4444-555555555555' }))).status).toBe(401);
    expect((await postActivity(t.baseUrl, activity, t.fake.signToken({ appId: APP_ID, issuer: 'https://evil.example' }))).status).toBe(401);
    expect((await postActivity(t.baseUrl, activity, t.fake.signToken({ appId: APP_ID, expiresInSeconds: -3600 }))).status).toBe(401);
    await nothingChanged();
    expect(t.fake.sent).toEqual([]);
  });

  it('accepts a correctly signed activity and answers with its own Azure AD token', async () => {
    const activity = channelMessage(ANN, 'help', { serviceUrl: t.fake.url });
    expect((await t.send(activity)).status).toBe(200);
    const reply = await t.fake.waitForSent((s) => s.replyToId === activity.id);
    expect(reply.text).toContain('/po owner');
    // fake.expectedToken makes any call without "Bearer <the AAD token>" an unexpected one (checked after each test).
    expect(t.fake.calls.every((c) => c.authorization === 'Bearer fake-aad-access-token')).toBe(true);
  });
});
