import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeBotConnector } from '../../support/fake-bot-connector.js';
import { channelMessage, person, postActivity, TEAM_ID } from '../../support/teams-activities.js';
import { APP_ID, startTeamsTestApp, type TeamsTestApp } from '../../support/teams-test-app.js';

const ANN = person('ann', 1);

describe('Teams with credentials: every activity must carry a valid Bot Framework token', () => {
  let t: TeamsTestApp;
  let impostor: FakeBotConnector;
  beforeAll(async () => {
    t = await startTeamsTestApp('pglite', { credentials: true });
    impostor = await FakeBotConnector.start(); // signs with a private key the app never trusted
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
    // A key id the OpenID metadata does not list: refused before any signature is checked.
    expect((await postActivity(t.baseUrl, activity, impostor.signToken({ appId: APP_ID }))).status).toBe(401);
    // A forgery that names the trusted key: only the signature check can refuse it.
    expect((await postActivity(t.baseUrl, activity, impostor.signToken({ appId: APP_ID, kid: t.fake.keyId }))).status).toBe(401);
    expect((await postActivity(t.baseUrl, activity, t.fake.signToken({ appId: '11111111-2222-3333-4444-555555555555' }))).status).toBe(401);
    expect((await postActivity(t.baseUrl, activity, t.fake.signToken({ appId: APP_ID, issuer: 'https://evil.example' }))).status).toBe(401);
    expect((await postActivity(t.baseUrl, activity, t.fake.signToken({ appId: APP_ID, expiresInSeconds: -3600 }))).status).toBe(401);
    await nothingChanged();
    expect(t.fake.calls).toEqual([]);
  });

  it('refuses a token issued for another service URL than the activity names', async () => {
    // botbuilder compares the token's `serviceurl` claim with the activity's serviceUrl (its
    // ChannelValidation): a token for one service cannot vouch for replies sent to another.
    const activity = channelMessage(ANN, 'help', { serviceUrl: t.fake.url });
    const token = t.fake.signToken({ appId: APP_ID, serviceUrl: 'https://smba.trafficmanager.net/emea/' });
    expect((await postActivity(t.baseUrl, activity, token)).status).toBe(401);
    const elsewhere = channelMessage(ANN, 'help', { serviceUrl: 'https://evil.example/' });
    expect((await postActivity(t.baseUrl, elsewhere, t.fake.signToken({ appId: APP_ID }))).status).toBe(401);
    await nothingChanged();
    expect(t.fake.calls).toEqual([]);
  });

  it('accepts a correctly signed activity and answers with its own Azure AD token', async () => {
    const activity = channelMessage(ANN, 'help', { serviceUrl: t.fake.url });
    expect((await t.send(activity)).status).toBe(200);
    const reply = await t.fake.waitForSent((s) => s.method === 'reply' && s.replyToId === activity.id);
    expect(reply.text).toContain('/po owner');
    // fake.expectedToken makes any call without "Bearer <the AAD token>" an unexpected one (checked after each test).
    expect(t.fake.calls.every((c) => c.authorization === 'Bearer fake-aad-access-token')).toBe(true);
  });
});
