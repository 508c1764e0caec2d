import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/zoned-time.js';
import { checkMessage, checkModal, expectValidMessage, OURS, problemOf } from '../../support/block-kit.js';
import { ALI, BOB, CHANNEL, PAT } from '../../support/slack-cast.js';
import { appMentionEvent, postToSlackEndpoint, slashCommandBody } from '../../support/slack-requests.js';
import { waitForResponse, type TestApp } from '../../support/test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';
import {
  anchorOf, clickButton, dmsTo, DAN, expectAllValid, openedViews, poDmOf, postEvent, postsIn, settle, shortcut, startQuestionWorld, submit,
  textOf, tsOf, type QuestionWorld,
} from './questions-world.js';

type Json = Record<string, unknown>;

/** The refusal outside a team channel, as mrkdwn (so `<name>` is escaped). */
const NOT_A_TEAM = 'Questions to the PO are asked in a team’s channel, so the team sees the answer. This channel is not a team yet: run `/po team &lt;name&gt;` here first.';

/** Every `<…>` token in mrkdwn: user mentions, broadcasts, links, dates. */
const tokensIn = (text: string) => [...text.matchAll(/<[^<>]*>/g)].map((m) => m[0]).filter((token) => !token.startsWith('<!date^'));

describe.each(testDatabaseKinds())('Questions to the PO on Slack: edge cases and other ways to ask (%s)', (kind) => {
  let w: QuestionWorld;
  let t: TestApp;
  beforeAll(async () => {
    w = await startQuestionWorld(kind);
    t = w.t;
    w.goTo(0, '10:00');
  });
  afterAll(async () => w?.stop());
  beforeEach(() => t.fake.reset());
  afterEach(async () => {
    await settle(t);
    expect(t.fake.unexpected).toEqual([]);
    expectAllValid(t);
  });

  const prisma = () => t.app.db.prisma;
  const questions = () => prisma().question.count();
  const latest = () => prisma().question.findFirstOrThrow({ orderBy: { number: 'desc' } });

  /** Nothing was stored or sent: no question, and nothing new in the outbox but answers to the asker. */
  const outboxNotReplies = () => prisma().outboxMessage.count({ where: { kind: { not: 'reply' } } });
  async function expectNothingAsked(before: { questions: number; outbox: number }): Promise<void> {
    expect(await questions()).toBe(before.questions);
    expect(await outboxNotReplies()).toBe(before.outbox);
    await settle(t);
    expect(t.fake.callsTo('chat.postMessage')).toEqual([]);
  }
  const counts = async () => ({ questions: await questions(), outbox: await outboxNotReplies() });

  describe('what cannot be asked', () => {
    it('refuses an empty question with an example, and stores nothing', async () => {
      const before = await counts();
      for (const text of ['ask', 'ask    ']) {
        const res = await t.po(text, { userId: ALI, channelId: CHANNEL });
        expect(res.body?.response_type).toBe('ephemeral');
        expect(res.reply).toBe('Sorry, a question needs some text, e.g. `/po ask Should guests see prices?`.');
      }
      await expectNothingAsked(before);
    });

    it('refuses a question of 3,001 characters and says how long it is; 3,000 are fine and shown whole or cut cleanly', async () => {
      const before = await counts();
      const res = await t.po(`ask ${'x'.repeat(3001)}`, { userId: ALI, channelId: CHANNEL });
      expect(res.reply).toBe('Sorry, a question is at most 3,000 characters (this one has 3,001): please shorten it or link to a document.');
      // Longer than any command: still the question's limit, not the command's.
      const pasted = await t.po(`ask ${'y'.repeat(5000)}`, { userId: ALI, channelId: CHANNEL });
      expect(pasted.reply).toBe('Sorry, a question is at most 3,000 characters (this one has 5,000): please shorten it or link to a document.');
      await expectNothingAsked(before);

      // At the limit, with text that grows when escaped (& → &amp;) and emoji that must not be cut in half.
      const longest = `${'<&>😀'.repeat(599)}why??`;
      expect(longest).toHaveLength(3000);
      const ok = await t.po(`ask ${longest.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}`, { userId: ALI, channelId: CHANNEL });
      expect(ok.reply).toContain('Sent to');
      const q = await latest();
      expect(q.text).toBe(longest);
      const anchor = await anchorOf(t, `Q${q.number}`);
      const dm = await poDmOf(t, `Q${q.number}`);
      await settle(t);
      for (const shown of [anchor.shown(), dm.shown()]) {
        expect(textOf(shown)).toContain('&lt;&amp;&gt;😀');
        expect(tokensIn(textOf(shown)).filter((token) => !/^<(@U0[A-Z0-9]+|#C0[A-Z0-9]+|https:[^>]+)>$/.test(token))).toEqual([]);
      }
      // Where the question is shortened (the answer form's hint, /po questions), no emoji is cut in half.
      await clickButton(t, { userId: PAT, channelId: `D${PAT}`, ts: dm.ts, label: 'Answer', responseId: 'long-answer' });
      const [form] = openedViews(t);
      expect(form?.view).toMatchObject({ callback_id: 'question.answer' });
      expect(problemOf(() => checkModal(form!.view, OURS))).toBeUndefined();
      const listed = await t.po('questions', { userId: ALI, channelId: CHANNEL });
      expect(problemOf(() => checkMessage(listed.body as { text?: string; blocks?: unknown[] }, OURS))).toBeUndefined();
      expect(listed.reply).toContain(`*Q${q.number}* · Checkout`);
    });

    it('refuses a question outside a team channel, or in a DM, with the /po team hint', async () => {
      const before = await counts();
      const elsewhere = await t.po('ask Anyone?', { userId: DAN, channelId: 'C0RANDOM01', channelName: 'random' });
      expect(elsewhere.reply).toContain(NOT_A_TEAM);
      const inDm = await t.po('ask Anyone?', { userId: ALI, channelId: `D${ALI}`, channelName: 'directmessage' });
      expect(inDm.reply).toContain(NOT_A_TEAM);
      await expectNothingAsked(before);
    });
  });

  it('escapes what people typed everywhere it is shown: no broadcast, no mention or link that po-desk did not mean', async () => {
    // As Slack delivers it: broadcasts and mentions as tokens, & < > as entities, a link with a label.
    const typed =
      `Heads up <!channel> and <!here>, <@${BOB}|bob>: is 1 &lt; 2 &amp;&amp; 3 &gt; 2? ` +
      '&lt;!everyone&gt; &lt;@U0ANN00001&gt; <https://evil.example/x|see this> *bold* `code` ```block``` &gt; quote &amp;amp;';
    const res = await t.po(`ask ${typed}`, { userId: ALI, channelId: CHANNEL });
    expect(res.reply).toContain('Sent to');
    const q = await latest();
    // Stored as the person reads it: names, not tokens; entities decoded once.
    expect(q.text).toBe(
      'Heads up @channel and @here, @bob: is 1 < 2 && 3 > 2? <!everyone> <@U0ANN00001> see this (https://evil.example/x) *bold* `code` ```block``` > quote &amp;',
    );

    const anchor = await anchorOf(t, `Q${q.number}`);
    const dm = await poDmOf(t, `Q${q.number}`);
    await settle(t);

    // The PO answers with text that would break out too (typed into a form: not escaped by Slack).
    await clickButton(t, { userId: PAT, channelId: `D${PAT}`, ts: dm.ts, label: 'Answer', responseId: 'escape-answer' });
    const answer = '<!channel> no. <@U0ANN00001> & <https://evil.example|here> @everyone';
    await submit(t, PAT, openedViews(t)[0]!.view, { answer });
    await settle(t);
    const [inThread] = postsIn(t, CHANNEL, anchor.ts);

    const echoes = { anchor: anchor.shown(), dm: dm.shown(), answer: t.fake.shown(tsOf(t, inThread!))! };
    for (const [where, shown] of Object.entries(echoes)) {
      for (const text of [shown.text, ...textsOf(shown.blocks)]) {
        expect(text, where).not.toMatch(/<!(channel|here|everyone)/);
        expect(text, where).not.toMatch(/(^|[^\u2060])@(channel|here|everyone)/i);
        expect(text, where).not.toContain('<@U0ANN00001>');
        expect(text, where).not.toContain(`<@${BOB}>`);
        expect(text, where).not.toMatch(/<https:\/\/evil/);
        expect(text, where).not.toMatch(/&(?!amp;|lt;|gt;)/);
      }
    }
    // The only tokens are the people po-desk names itself, and its own link to the question.
    expect(new Set(tokensIn(textOf(echoes.anchor)))).toEqual(new Set([`<@${ALI}>`, `<@${PAT}>`]));
    expect(new Set(tokensIn(textOf(echoes.dm)))).toEqual(new Set([`<@${ALI}>`, `<@${PAT}>`, `<#${CHANNEL}>`, `<${t.fake.permalinkFor(CHANNEL, anchor.ts)}|open the question>`]));
    expect(new Set(tokensIn(textOf(echoes.answer)))).toEqual(new Set([`<@${ALI}>`, `<@${PAT}>`]));
    // And the text is all there, escaped once.
    expect(textOf(echoes.anchor)).toContain('is 1 &lt; 2 &amp;&amp; 3 &gt; 2? &lt;!everyone&gt; &lt;@U0ANN00001&gt; see this (https://evil.example/x)');
    expect(textOf(echoes.anchor)).toContain('&gt; quote &amp;amp;');
    expect(textOf(echoes.answer)).toContain('&lt;!channel&gt; no. &lt;@U0ANN00001&gt; &amp; &lt;https://evil.example|here&gt; @\u2060everyone');
    // And in the list of open questions.
    const listed = await t.po('questions', { userId: PAT });
    expect(listed.reply).toContain(`*Q${q.number}* · Checkout · <@${ALI}>: Heads up @\u2060channel and @\u2060here, @bob: is 1 &lt; 2 &amp;&amp; 3 &gt; 2?`);
    expect(listed.reply).not.toContain('<@U0ANN00001>');
    expect(listed.reply).not.toMatch(/<!(channel|here|everyone)/);
  });

  it('asks once when Slack delivers the same slash command twice (same trigger_id)', async () => {
    const before = await questions();
    const body = slashCommandBody({ text: 'ask Is the API frozen?', userId: BOB, channelId: CHANNEL, triggerId: '9999.8888.retried', responseUrl: t.fake.responseUrl('retried') });
    const first = await postToSlackEndpoint(t.baseUrl, body, { contentType: 'application/x-www-form-urlencoded' });
    const again = await postToSlackEndpoint(t.baseUrl, body, { contentType: 'application/x-www-form-urlencoded' });
    // Both acked empty (the question is saved once, then asked); the answer comes through the response_url, once.
    expect([first.status, first.text, again.status, again.text]).toEqual([200, '', 200, '']);
    expect(textOf(await waitForResponse(t.fake, 'retried'))).toContain(`as Q${before + 1}`);
    await settle(t);
    expect(await questions()).toBe(before + 1);
    expect(t.fake.responsesTo('retried')).toHaveLength(1);
    expect(postsIn(t, CHANNEL)).toHaveLength(1);
    expect(dmsTo(t, PAT)).toHaveLength(1);
  });

  it('asks once when Slack delivers the same slash command twice at the same time', async () => {
    const before = await questions();
    const body = slashCommandBody({ text: 'ask Is the API frozen yet?', userId: BOB, channelId: CHANNEL, triggerId: '9999.8888.concurrent', responseUrl: t.fake.responseUrl('concurrent') });
    const send = () => postToSlackEndpoint(t.baseUrl, body, { contentType: 'application/x-www-form-urlencoded' });
    const [first, second] = await Promise.all([send(), send()]);
    expect([first.status, first.text, second.status, second.text]).toEqual([200, '', 200, '']);
    expect(textOf(await waitForResponse(t.fake, 'concurrent'))).toContain(`Sent to <@${PAT}> (the Product Owner) as Q${before + 1}`);
    await settle(t);
    expect(t.fake.responsesTo('concurrent')).toHaveLength(1);
    expect(await questions()).toBe(before + 1);
    expect((await latest()).number).toBe(before + 1);
    await settle(t);
    expect(postsIn(t, CHANNEL)).toHaveLength(1);
    expect(dmsTo(t, PAT)).toHaveLength(1);
    // The number the duplicate drew while it waited was given back: the next question is the next number.
    const next = await t.po('ask And the docs?', { userId: BOB, channelId: CHANNEL });
    expect(next.reply).toContain(`as Q${before + 2}`);
  });

  describe('the “Ask the PO” message shortcut', () => {
    it('asks the message’s text in a team channel, as the person who used it', async () => {
      const res = await shortcut(t, {
        userId: BOB,
        channelId: CHANNEL,
        text: `<@${ALI}|alice> wants to know: can guests pay with PayPal?`,
        authorId: ALI,
        responseId: 'shortcut-team',
      });
      expect(res.status).toBe(200);
      await t.fake.waitFor(() => t.fake.responsesTo('shortcut-team').length > 0);
      const [answer] = t.fake.responsesTo('shortcut-team', 'accepted');
      expect(answer).toMatchObject({ response_type: 'ephemeral' });
      const q = await latest();
      expect(textOf(answer)).toContain(`Sent to <@${PAT}> (the Product Owner) as Q${q.number}`);
      expect(q).toMatchObject({ source: 'shortcut', text: '@alice wants to know: can guests pay with PayPal?', askerId: (await prisma().person.findFirstOrThrow({ where: { platformUserId: BOB } })).id });
      const anchor = await anchorOf(t, `Q${q.number}`);
      expect(textOf(anchor.shown())).toContain(`*Question for the PO* from <@${BOB}>:`);
      expect(textOf(anchor.shown())).toContain('@alice wants to know: can guests pay with PayPal?');
      await poDmOf(t, `Q${q.number}`);
    });

    it('refuses outside a team channel with the /po team hint, and stores nothing', async () => {
      const before = await counts();
      await shortcut(t, { userId: DAN, channelId: 'C0RANDOM01', channelName: 'random', text: 'Who decides this?', authorId: DAN, responseId: 'shortcut-random' });
      await t.fake.waitFor(() => t.fake.responsesTo('shortcut-random').length > 0);
      const [answer] = t.fake.responsesTo('shortcut-random', 'accepted');
      expect(answer).toMatchObject({ response_type: 'ephemeral' });
      expect(textOf(answer)).toContain(NOT_A_TEAM);
      await expectNothingAsked(before);
    });
  });

  describe('an @mention of po-desk', () => {
    it('ending in “?” in a team channel is a question: the asker is answered privately, the anchor is posted', async () => {
      const res = await postEvent(t.baseUrl, appMentionEvent({ userId: ALI, channelId: CHANNEL, text: '<@U0PODESKBOT> can we use the new logo in emails ?  ', ts: '1800000200.000100' }));
      expect(res.status).toBe(200);
      await settle(t);
      const q = await latest();
      expect(q).toMatchObject({ source: 'mention', text: 'can we use the new logo in emails ?' });
      const ephemeral = t.fake.callsTo('chat.postEphemeral');
      expect(ephemeral.map((c) => [c.args.channel, c.args.user])).toEqual([[CHANNEL, ALI]]);
      expect(textOf(ephemeral[0]!.args as Json)).toContain(`Sent to <@${PAT}> (the Product Owner) as Q${q.number}`);
      const anchor = await anchorOf(t, `Q${q.number}`);
      expect(textOf(anchor.shown())).toContain('can we use the new logo in emails ?');
      // No help pointer in the mention's thread.
      expect(postsIn(t, CHANNEL, '1800000200.000100')).toEqual([]);

      // Slack redelivering the same event asks nothing again.
      const before = await questions();
      await postEvent(t.baseUrl, appMentionEvent({ userId: ALI, channelId: CHANNEL, text: '<@U0PODESKBOT> can we use the new logo in emails ?', ts: '1800000200.000100' }), {
        headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
      });
      await settle(t);
      expect(await questions()).toBe(before);
    });

    it('not ending in “?” gets the help pointer in its thread, as before, and asks nothing', async () => {
      const before = await counts();
      await postEvent(t.baseUrl, appMentionEvent({ userId: ALI, channelId: CHANNEL, text: '<@U0PODESKBOT> hello there', ts: '1800000300.000100' }));
      await t.fake.waitFor(() => postsIn(t, CHANNEL, '1800000300.000100').length === 1);
      expect(textOf(postsIn(t, CHANNEL, '1800000300.000100')[0]!.args as Json)).toBe('Hi! I’m po-desk, the Product Owner’s front desk. Type `/po help` to see what I can do.');
      expect(await questions()).toBe(before.questions);
      expect(t.fake.callsTo('chat.postEphemeral')).toEqual([]);
    });

    it('ending in “?” outside a team channel is refused privately with the /po team hint', async () => {
      const before = await questions();
      await postEvent(t.baseUrl, appMentionEvent({ userId: DAN, channelId: 'C0RANDOM01', text: '<@U0PODESKBOT> who owns search?', ts: '1800000400.000100' }));
      await t.fake.waitFor(() => t.fake.callsTo('chat.postEphemeral').length === 1);
      const [refusal] = t.fake.callsTo('chat.postEphemeral');
      expect([refusal!.args.channel, refusal!.args.user]).toEqual(['C0RANDOM01', DAN]);
      expect(textOf(refusal!.args as Json)).toContain(NOT_A_TEAM);
      expect(await questions()).toBe(before);
    });
  });

  it('tells the asker honestly when the PO is not working: evening, a day off, a holiday', async () => {
    const unix = (d: Date) => Math.floor(d.getTime() / 1000);
    await w.jumpTo(0, '18:30');
    const evening = await t.po('ask Can the banner go live tonight?', { userId: ALI, channelId: CHANNEL });
    expect(evening.reply).toContain(`It is outside pat’s working hours (09:00–17:00 mon-fri (Europe/Berlin)); they start again <!date^${unix(w.at(1, '09:00'))}^`);
    expectValidMessage(evening.body as { text: string; blocks: unknown[] });

    await w.jumpTo(5, '11:00'); // Saturday
    const saturday = await t.po('ask Is the sale still on?', { userId: BOB, channelId: CHANNEL });
    expect(saturday.reply).toContain(`It is not one of pat’s working days (09:00–17:00 mon-fri (Europe/Berlin)); they start again <!date^${unix(w.at(7, '09:00'))}^`);

    const holiday = addDays(w.monday, 8); // the Tuesday after
    expect((await t.po(`holiday add ${holiday} Founders day`, { userId: PAT })).reply).toContain(`${holiday} (Founders day) is now a holiday: response times skip it.`);
    await w.jumpTo(8, '10:00');
    const onHoliday = await t.po('ask Who approves the budget?', { userId: ALI, channelId: CHANNEL });
    expect(onHoliday.reply).toContain(`It is a holiday (09:00–17:00 mon-fri (Europe/Berlin)); they start again <!date^${unix(w.at(9, '09:00'))}^`);
  });
});

describe.each(testDatabaseKinds())('Questions to the PO on Slack: before there is a PO (%s)', (kind) => {
  let w: QuestionWorld;
  let t: TestApp;
  beforeAll(async () => {
    w = await startQuestionWorld(kind, { owner: false });
    t = w.t;
    w.goTo(0, '10:00');
  });
  afterAll(async () => w?.stop());
  afterEach(() => expect(t.fake.unexpected).toEqual([]));

  it('keeps the question, tells the asker to have a PO named, and DMs it to the PO once there is one', async () => {
    const asked = await t.po('ask Who decides the roadmap?', { userId: BOB, channelId: CHANNEL });
    expect(asked.reply).toContain('Your question is posted in the channel as Q1, but this product has no Product Owner yet, so nobody has been asked.');
    expect(asked.reply).toContain('Ask an admin to name one with `/po owner @user`: the PO gets your question as soon as they are named. Nothing is lost.');
    const anchor = await anchorOf(t, 'Q1');
    expect(textOf(anchor.shown())).toContain('⏳ Waiting for a Product Owner to be named');
    await settle(t);
    expect(t.fake.callsTo('conversations.open')).toEqual([]);
    expect(await t.app.db.prisma.question.findFirstOrThrow()).toMatchObject({ text: 'Who decides the roadmap?', poNotifiedAt: null });

    w.goTo(0, '10:30');
    const named = await t.po(`owner <@${PAT}>`, { userId: ALI, channelId: CHANNEL });
    expect(named.reply).toContain(`<@${PAT}> is now the Product Owner`);
    expect(named.reply).toContain('1 open question went to the new PO.');
    const dm = await poDmOf(t, 'Q1');
    expect(textOf(dm.shown())).toContain(`*Q1 from team Checkout*: <@${BOB}> asks`);
    expect(textOf(dm.shown())).toContain('Who decides the roadmap?');
    expect(textOf(dm.shown())).toContain(`<${t.fake.permalinkFor(CHANNEL, anchor.ts)}|open the question>`);
    await settle(t);
    expect(textOf(anchor.shown())).toContain(`⏳ Waiting for <@${PAT}>`);
    expect(await t.app.db.prisma.question.findFirstOrThrow()).toMatchObject({ poNotifiedAt: w.at(0, '10:30') });

    // The role moves on: the open question follows it, and the old copy keeps no buttons that would refuse.
    w.goTo(0, '11:00');
    const handedOver = await t.po(`owner <@${DAN}>`, { userId: PAT, channelId: CHANNEL });
    expect(handedOver.reply).toContain('1 open question went to the new PO.');
    await settle(t);
    const toDan = dmsTo(t, DAN).map((c) => textOf(c.args as never)).filter((text) => text.includes('Who decides the roadmap?'));
    expect(toDan).toHaveLength(1);
    expect(textOf(dm.shown())).toContain(`➡️ Now with <@${DAN}>, the new Product Owner.`);
    expect(JSON.stringify(dm.shown())).not.toContain('"type":"button"');
    expect(textOf(anchor.shown())).toContain(`⏳ Waiting for <@${DAN}>`);
    expectAllValid(t);
  });
});

/** The texts of every text object in Block Kit blocks. */
function textsOf(blocks: unknown[]): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return out;
}
