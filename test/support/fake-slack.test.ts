import { type ConversationsMembersResponse, ErrorCode, LogLevel, WebClient, type WebAPIHTTPError, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { FakeSlack } from './fake-slack.js';

const TOKEN = 'xoxb-fake-slack-test';

describe('FakeSlack', () => {
  let fake: FakeSlack;
  let client: WebClient;

  beforeAll(async () => {
    fake = await FakeSlack.start({ teamId: 'T0TEST', botUserId: 'U0BOT' });
    client = new WebClient(TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
  });

  afterEach(() => {
    fake.reset();
  });

  afterAll(async () => {
    await fake.close();
  });

  it('serves the Web API under /api/ on 127.0.0.1', () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  it('answers auth.test as the configured bot and records the bearer token', async () => {
    const result = await client.auth.test();

    expect(result).toMatchObject({ ok: true, team_id: 'T0TEST', user_id: 'U0BOT', bot_id: expect.any(String) });
    expect(fake.calls).toEqual([{ method: 'auth.test', args: {}, token: TOKEN, at: expect.any(Number), answer: { status: 200, ok: true } }]);
  });

  it('issues unique, increasing Slack-style ts values from chat.postMessage', async () => {
    const results = [];
    for (const text of ['one', 'two', 'three']) results.push(await client.chat.postMessage({ channel: 'C0PLANNING', text }));
    const ephemeral = await client.chat.postEphemeral({ channel: 'C0PLANNING', user: 'U0ANNA', text: 'psst' });

    const tss = [...results.map((result) => result.ts), ephemeral.message_ts];
    for (const ts of tss) expect(ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(new Set(tss).size).toBe(tss.length);
    expect(tss.map(Number)).toEqual([...tss.map(Number)].sort((a, b) => a - b));
    expect(results[0]).toMatchObject({
      ok: true,
      channel: 'C0PLANNING',
      message: { text: 'one', user: 'U0BOT', ts: results[0]?.ts, blocks: [] },
    });
  });

  it('decodes blocks sent form-encoded back into objects, and threads replies', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Sprint review* at 14:00' } }];
    const parent = await client.chat.postMessage({ channel: 'C0PLANNING', text: 'Sprint review', blocks });
    const reply = await client.chat.postMessage({ channel: 'C0PLANNING', text: 'moved', thread_ts: parent.ts! });

    expect(fake.callsTo('chat.postMessage')[0]?.args).toMatchObject({ channel: 'C0PLANNING', blocks });
    expect(parent.message?.blocks).toEqual(blocks);
    expect(reply.message?.thread_ts).toBe(parent.ts);
  });

  it('rejects postMessage without a channel and chat.update of a ts it never issued', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0PLANNING', text: 'draft' });

    await expect(client.chat.postMessage({ channel: '', text: 'nowhere' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
    await expect(client.chat.update({ channel: 'C0PLANNING', ts: '1600000000.000100', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { error: 'message_not_found' },
    });
    await expect(client.chat.update({ channel: 'C0PLANNING', ts: posted.ts!, text: 'final' })).resolves.toMatchObject({
      ok: true,
      channel: 'C0PLANNING',
      ts: posted.ts,
      text: 'final',
    });
  });

  it('opens DMs as D + user id', async () => {
    const result = await client.conversations.open({ users: 'U0ANNA' });

    expect(result.channel).toEqual({ id: 'DU0ANNA' });
  });

  it('paginates conversations.members by limit with cursors, as WebClient.paginate expects', async () => {
    const members = ['U01', 'U02', 'U03', 'U04', 'U05'];
    fake.setChannelMembers('C0TEAM', members);

    const first = await client.conversations.members({ channel: 'C0TEAM', limit: 2 });
    expect(first.members).toEqual(['U01', 'U02']);
    expect(first.response_metadata?.next_cursor).not.toBe('');

    const pages: string[][] = [];
    for await (const page of client.paginate('conversations.members', { channel: 'C0TEAM', limit: 2 })) {
      pages.push((page as ConversationsMembersResponse).members ?? []);
    }
    expect(pages).toEqual([['U01', 'U02'], ['U03', 'U04'], ['U05']]);
    expect(fake.callsTo('conversations.members').at(-1)?.args).toMatchObject({ limit: '2', cursor: expect.any(String) });

    await expect(client.conversations.members({ channel: 'C0UNKNOWN' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
  });

  it('answers users.info with names and time zone, and user_not_found otherwise', async () => {
    fake.addUser({ id: 'U0ANNA', name: 'anna', real_name: 'Anna Berg', tz: 'Asia/Kolkata' });

    const result = await client.users.info({ user: 'U0ANNA' });

    expect(result.user).toMatchObject({
      id: 'U0ANNA',
      name: 'anna',
      real_name: 'Anna Berg',
      tz: 'Asia/Kolkata',
      tz_offset: 19800,
      is_bot: false,
      is_admin: false,
      deleted: false,
      profile: { real_name: 'Anna Berg', display_name: 'anna' },
    });
    await expect(client.users.info({ user: 'U0NOBODY' })).rejects.toMatchObject({ data: { error: 'user_not_found' } });
  });

  it('opens modals and publishes home views', async () => {
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Add stakeholder' }, blocks: [] };

    const opened = await client.views.open({ trigger_id: '123.456.abc', view });
    const published = await client.views.publish({ user_id: 'U0ANNA', view: { type: 'home', blocks: [] } });

    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), type: 'modal', title: view.title });
    expect(fake.callsTo('views.open')[0]?.args.view).toEqual(view);
    expect(published.view).toMatchObject({ id: expect.stringMatching(/^V/), type: 'home' });
  });

  it('rejects views.open of views Slack would refuse, like Slack does', async () => {
    const title = { type: 'plain_text' as const, text: 'Working hours' };
    const input = { type: 'input' as const, block_id: 'start', label: title, element: { type: 'timepicker' as const, action_id: 'start' } };
    // The client prints Slack's `[ERROR] …` messages itself; keep this test's expected refusals quiet.
    const quiet = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} };
    const quietClient = new WebClient(TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logger: quiet });
    const refusal = (view: object) =>
      quietClient.views.open({ trigger_id: '1.2.3', view: view as never }).then(
        () => 'accepted',
        (e: WebAPIPlatformError) => `${e.data.error}: ${String(e.data.response_metadata?.messages)}`,
      );

    expect(await refusal({ type: 'home', blocks: [] })).toMatch(/^invalid_arguments: .*type modal.*\/view\/type/);
    expect(await refusal({ type: 'modal', blocks: [] })).toMatch(/\/view\/title/);
    expect(await refusal({ type: 'modal', title: { ...title, text: 'x'.repeat(25) }, blocks: [] })).toMatch(/less than 25 characters \[json-pointer:\/view\/title\/text\]/);
    expect(await refusal({ type: 'modal', title, blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) })).toMatch(/no more than 100 items/);
    expect(await refusal({ type: 'modal', title, blocks: [input] })).toMatch(/submit/);
    expect(await refusal({ type: 'modal', title, submit: title, blocks: [input, input] })).toMatch(/not unique/);
    expect(await refusal({ type: 'modal', title, submit: title, blocks: [input], private_metadata: 'm'.repeat(3001) })).toMatch(/private_metadata/);
    expect(await refusal({ type: 'modal', title, submit: title, close: title, blocks: Array.from({ length: 100 }, (_, i) => ({ ...input, block_id: `b${i}` })) })).toBe('accepted');
    // Block Kit inside the view is checked as Slack checks it.
    const section = (text: object) => ({ type: 'section', text });
    expect(await refusal({ type: 'modal', title, blocks: [section({ type: 'mrkdwn', text: '' })] })).toMatch(/\[json-pointer:\/view\/blocks\/0\/text\/text\]/);
    expect(await refusal({ type: 'modal', title, blocks: [section({ type: 'markdown', text: 'x' })] })).toMatch(/\/view\/blocks\/0\/text\/type/);
    expect(await refusal({ type: 'modal', title, submit: title, blocks: [{ ...input, lable: title }] })).toMatch(/unknown field "lable"/);
    expect(await refusal({ type: 'modal', title, submit: title, blocks: [{ ...input, element: { type: 'timepicker', action_id: 'start', initial_time: '9:00' } }] })).toMatch(/initial_time/);

    // Refused calls are recorded too, with the answer: openedViews-style helpers keep only `answer.ok`.
    expect(fake.callsTo('views.open').map((call) => call.answer.ok)).toEqual([false, false, false, false, false, false, false, true, false, false, false, false]);
    expect(fake.callsTo('views.open')[0]?.answer).toEqual({ status: 200, ok: false, error: 'invalid_arguments' });
    expect(fake.unexpected).toEqual([]);
  });

  it('refuses messages with nothing to show or with blocks Slack cannot show', async () => {
    const quiet = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} };
    const quietClient = new WebClient(TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logger: quiet });
    const error = (p: Promise<unknown>) => p.then(() => 'accepted', (e: WebAPIPlatformError) => e.data.error);

    expect(await error(quietClient.chat.postMessage({ channel: 'C0PLANNING', blocks: [] }))).toBe('no_text');
    expect(await error(quietClient.chat.postMessage({ channel: 'C0PLANNING', text: 'x', blocks: [{ type: 'section' } as never] }))).toBe('invalid_blocks');
    expect(await error(quietClient.chat.postEphemeral({ channel: 'C0PLANNING', user: 'U0ANNA', text: 'x', blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }] as never }))).toBe('invalid_blocks');
    expect(await error(quietClient.chat.postMessage({ channel: 'C0PLANNING', text: 'fallback', blocks: [] }))).toBe('accepted');
    expect(fake.callsTo('chat.postMessage').map((call) => call.answer)).toEqual([
      { status: 200, ok: false, error: 'no_text' },
      { status: 200, ok: false, error: 'invalid_blocks' },
      { status: 200, ok: true },
    ]);
  });

  it('records what is posted to a response_url and answers like Slack', async () => {
    const url = fake.responseUrl('abc');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/response\/abc$/);
    const post = (body: string, contentType = 'application/json') => fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });

    const ok = await post(JSON.stringify({ replace_original: true, text: 'Undone', blocks: [] }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true });
    expect((await post(JSON.stringify({ response_type: 'ephemeral' }))).status).toBe(400); // nothing to show
    const noText = await post(JSON.stringify({ response_type: 'ephemeral', blocks: [] }));
    expect([noText.status, await noText.text()]).toEqual([400, 'no_text']); // an empty message, not a message
    const badBlocks = await post(JSON.stringify({ text: 'hi', blocks: [{ type: 'section', text: { type: 'plain_text', text: '  ' } }] }));
    expect([badBlocks.status, await badBlocks.text()]).toEqual([400, 'invalid_blocks']);
    expect((await post('text=hi', 'application/x-www-form-urlencoded')).status).toBe(400);
    expect((await post(JSON.stringify({ delete_original: true }))).status).toBe(200);
    fake.failNext('response_url', { error: 'expired_url' });
    const expired = await post(JSON.stringify({ text: 'late' }));
    expect([expired.status, await expired.text()]).toEqual([404, 'expired_url']);

    expect(fake.responsesTo('abc')).toEqual([
      { replace_original: true, text: 'Undone', blocks: [] },
      { response_type: 'ephemeral' },
      { response_type: 'ephemeral', blocks: [] },
      { text: 'hi', blocks: [{ type: 'section', text: { type: 'plain_text', text: '  ' } }] },
      { _raw: 'text=hi' },
      { delete_original: true },
      { text: 'late' },
    ]);
    // What Slack showed: the posts it accepted.
    expect(fake.responsesTo('abc', 'accepted')).toEqual([{ replace_original: true, text: 'Undone', blocks: [] }, { delete_original: true }]);
    expect(fake.callsTo('response_url').map((call) => call.answer)).toEqual([
      { status: 200, ok: true },
      { status: 400, ok: false, error: 'no_text' },
      { status: 400, ok: false, error: 'no_text' },
      { status: 400, ok: false, error: 'invalid_blocks' },
      { status: 400, ok: false, error: 'invalid_payload' },
      { status: 200, ok: true },
      { status: 404, ok: false, error: 'expired_url' },
    ]);
    expect(fake.responsesTo('other')).toEqual([]);
    expect(fake.unexpected).toEqual([]);
    expect(() => fake.responseUrl('../api/chat.postMessage')).toThrow(/letters, digits/);
    // GET, or any other path outside /api/, is still unexpected.
    await fetch(`${fake.origin}/response/`, { method: 'POST', body: '{}' });
    expect(fake.unexpected).toHaveLength(1);
  });

  it('keeps messages as they look now: chat.update and a replace_original through a bound response_url change them', async () => {
    const parent = await client.chat.postMessage({ channel: 'C0PLANNING', text: 'Question' });
    const reply = await client.chat.postMessage({ channel: 'C0PLANNING', text: 'Answer', thread_ts: parent.ts! });
    expect(fake.bodyOf(fake.callsTo('chat.postMessage')[0]!)).toMatchObject({ ok: true, ts: parent.ts });
    expect(fake.threadOf('C0PLANNING', parent.ts!).map((m) => [m.ts, m.text])).toEqual([[reply.ts, 'Answer']]);

    await client.chat.update({ channel: 'C0PLANNING', ts: parent.ts!, text: 'Question (answered)' });
    expect(fake.shown(parent.ts!)).toMatchObject({ channel: 'C0PLANNING', text: 'Question (answered)' });

    const url = fake.responseUrl('bound', parent.ts!);
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'Resolved' } }];
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ replace_original: true, text: 'Resolved', blocks }) })).status).toBe(200);
    expect(fake.shown(parent.ts!)).toMatchObject({ text: 'Resolved', blocks });
    // A private reply through the same URL leaves the message as it is.
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ response_type: 'ephemeral', text: 'Only you see this' }) });
    expect(fake.shown(parent.ts!)?.text).toBe('Resolved');
    expect(fake.shown('1.000000')).toBeUndefined();
  });

  it('answers chat.getPermalink for messages it holds, in Slack’s format, and message_not_found otherwise', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0PLANNING', text: 'Link me' });
    const link = await client.chat.getPermalink({ channel: 'C0PLANNING', message_ts: posted.ts! });
    expect(link).toMatchObject({ ok: true, channel: 'C0PLANNING', permalink: `https://po-desk-test.slack.com/archives/C0PLANNING/p${posted.ts!.replace('.', '')}` });
    expect(fake.permalinkFor('C0PLANNING', posted.ts!)).toBe(link.permalink);
    await expect(client.chat.getPermalink({ channel: 'C0OTHER', message_ts: posted.ts! })).rejects.toMatchObject({ data: { error: 'message_not_found' } });
  });

  it('surfaces an injected 429 with its Retry-After as a rate-limited error', async () => {
    const rejecting = new WebClient(TOKEN, { slackApiUrl: fake.url, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
    fake.failNext('chat.postMessage', { rateLimited: 7 });

    const error = (await rejecting.chat.postMessage({ channel: 'C0PLANNING', text: 'hi' }).catch((e: unknown) => e)) as WebAPIRateLimitedError;

    expect(error.code).toBe(ErrorCode.RateLimitedError);
    expect(error.retryAfter).toBe(7);
    await expect(rejecting.chat.postMessage({ channel: 'C0PLANNING', text: 'hi' })).resolves.toMatchObject({ ok: true });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('injects HTTP 5xx and Slack errors for the given number of calls', async () => {
    fake.failNext('users.info', { status: 503 });
    fake.failNext('auth.test', { error: 'invalid_auth' }, 2);

    const httpError = (await client.users.info({ user: 'U0ANNA' }).catch((e: unknown) => e)) as WebAPIHTTPError;
    expect(httpError.code).toBe(ErrorCode.HTTPError);
    expect(httpError.statusCode).toBe(503);

    for (let i = 0; i < 2; i += 1) {
      const platformError = (await client.auth.test().catch((e: unknown) => e)) as WebAPIPlatformError;
      expect(platformError.data.error).toBe('invalid_auth');
    }
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    expect(() => fake.failNext('chat.postMesage', { error: 'x' })).toThrow(/not implemented/);
  });

  it('answers not_authed without a bearer token', async () => {
    const anonymous = new WebClient(undefined, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });

    await expect(anonymous.auth.test()).rejects.toMatchObject({ data: { error: 'not_authed' } });
    expect(fake.calls[0]?.token).toBeUndefined();
  });

  it('reads JSON bodies too', async () => {
    const response = await fetch(`${fake.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C0PLANNING', text: 'via json', unfurl_links: false }),
    });

    expect(await response.json()).toMatchObject({ ok: true, channel: 'C0PLANNING' });
    expect(fake.calls[0]?.args).toEqual({ channel: 'C0PLANNING', text: 'via json', unfurl_links: false });
  });

  it('records unknown methods as unexpected and answers unknown_method', async () => {
    await expect(client.apiCall('reactions.add', { channel: 'C0PLANNING', name: 'eyes', timestamp: '1.2' })).rejects.toMatchObject({
      data: { error: 'unknown_method' },
    });

    expect(fake.unexpected).toEqual([expect.objectContaining({ method: 'reactions.add', args: { channel: 'C0PLANNING', name: 'eyes', timestamp: '1.2' } })]);
    expect(fake.calls).toHaveLength(1);
  });

  it('waitFor resolves on a matching call and times out listing the calls seen', async () => {
    const waiting = fake.waitFor((calls) => calls.some((call) => call.method === 'chat.postMessage'));
    await client.chat.postMessage({ channel: 'C0PLANNING', text: 'ready' });
    await expect(waiting).resolves.toBeUndefined();

    await expect(fake.waitFor((calls) => calls.length > 5, 50)).rejects.toThrow(/timed out after 50 ms[\s\S]*chat\.postMessage .*"ready"/);
  });

  it('reset clears calls and failures but keeps users and channel members', async () => {
    fake.addUser({ id: 'U0BEN', name: 'ben' });
    fake.setChannelMembers('C0KEEP', ['U0BEN']);
    fake.failNext('users.info', { error: 'fatal_error' });
    await client.apiCall('nope.nope').catch(() => undefined);

    fake.reset();

    expect(fake.calls).toEqual([]);
    expect(fake.unexpected).toEqual([]);
    await expect(client.users.info({ user: 'U0BEN' })).resolves.toMatchObject({ user: { name: 'ben' } });
    await expect(client.conversations.members({ channel: 'C0KEEP' })).resolves.toMatchObject({ members: ['U0BEN'] });
  });
});
