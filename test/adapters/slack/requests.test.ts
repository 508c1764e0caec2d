import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postToSlackEndpoint, sign, slashCommandBody } from '../../support/slack-requests.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';

const PAT = 'U0PAT00001';
const vector = JSON.parse(readFileSync(new URL('../../fixtures/slack-signing/slack_signature_test_vector.json', import.meta.url), 'utf8'));

describe('request signing helper', () => {
  it('reproduces the worked example of Slack’s documentation', () => {
    const ts = Number(vector.headers['X-Slack-Request-Timestamp']);
    expect(sign(vector.raw_body, ts, vector.signing_secret)).toBe(vector.headers['X-Slack-Signature']);
  });
});

describe.each(testDatabaseKinds())('Slack requests (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
    t.fake.addUser({ id: PAT, name: 'pat' });
  });
  afterAll(async () => t?.stop());
  beforeEach(() => t.fake.reset());
  // Any Web API call the app makes that the fake does not know is a bug in the app or the fake.
  afterEach(() => expect(t.fake.unexpected).toEqual([]));

  const form = 'application/x-www-form-urlencoded';
  const ownerCommand = slashCommandBody({ text: `owner <@${PAT}>`, userId: PAT });
  const nothingChanged = async () => {
    expect(await t.app.db.prisma.product.count()).toBe(0);
    expect(await t.app.db.prisma.outboxMessage.count()).toBe(0);
    // Bolt may verify its own token (auth.test) whenever it likes; that is a read, not a change.
    expect(t.fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  };

  it('refuses an unsigned request with 401 and changes nothing', async () => {
    const res = await fetch(`${t.baseUrl}/slack/events`, { method: 'POST', headers: { 'content-type': form }, body: ownerCommand });
    expect(res.status).toBe(401);
    await nothingChanged();
  });

  it('refuses a stale request (replayed after 5 minutes) with 401', async () => {
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await postToSlackEndpoint(t.baseUrl, ownerCommand, { contentType: form, timestamp: old });
    expect(res.status).toBe(401);
    await nothingChanged();
  });

  it('refuses a tampered body (signature of another body) with 401', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const signature = sign(slashCommandBody({ text: 'help', userId: PAT }), ts);
    const res = await postToSlackEndpoint(t.baseUrl, ownerCommand, { contentType: form, timestamp: ts, signature });
    expect(res.status).toBe(401);
    await nothingChanged();
  });

  it('refuses a request signed with another secret with 401', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const res = await postToSlackEndpoint(t.baseUrl, ownerCommand, { contentType: form, timestamp: ts, signature: sign(ownerCommand, ts, 'not-our-secret') });
    expect(res.status).toBe(401);
    await nothingChanged();
  });

  it('answers a signed but malformed body with 400 and keeps serving', async () => {
    const res = await postToSlackEndpoint(t.baseUrl, '{"type": "event_callback", ', { contentType: 'application/json' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
    await nothingChanged();
  });

  it('rejects an over-long command with a message saying why', async () => {
    const res = await postToSlackEndpoint(t.baseUrl, slashCommandBody({ text: `team ${'x'.repeat(5000)}`, userId: PAT }), { contentType: form });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).toContain('That is too long for a command (5005 characters; at most 4000)');
    await nothingChanged();
  });

  it('processes an event once even when Slack redelivers it (X-Slack-Retry-Num)', async () => {
    const event = JSON.stringify({
      token: 'x',
      team_id: 'T0PODESK01',
      api_app_id: 'A0PODESK01',
      type: 'event_callback',
      event_id: 'Ev0DUPLICATE1',
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: 'T0PODESK01', user_id: 'U0PODESKBOT', is_bot: true }],
      event: { type: 'app_mention', user: PAT, text: '<@U0PODESKBOT> hi', ts: '1700000000.000100', channel: 'C0TEAMA001', event_ts: '1700000000.000100' },
    });
    const first = await postToSlackEndpoint(t.baseUrl, event, { contentType: 'application/json' });
    const retry = await postToSlackEndpoint(t.baseUrl, event, { contentType: 'application/json', headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect([first.status, retry.status]).toEqual([200, 200]);
    await t.fake.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage'));
    await new Promise((r) => setTimeout(r, 300));
    const replies = t.fake.callsTo('chat.postMessage');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.args).toMatchObject({ channel: 'C0TEAMA001', thread_ts: '1700000000.000100' });
    expect(await t.app.db.prisma.inboundReceipt.count()).toBe(1);
  });

  it('serves /healthz, /readyz and Prometheus /metrics', async () => {
    expect(await (await fetch(`${t.baseUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${t.baseUrl}/readyz`)).json()).toEqual({ status: 'ready' });
    await t.po('help', { userId: PAT });
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/podesk_commands_total\{platform="slack",sub="help",outcome="ok"\} 1/);
    expect(metrics).toContain('process_resident_memory_bytes');
  });
});
