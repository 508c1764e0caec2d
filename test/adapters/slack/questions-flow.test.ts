import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALI, BOB, CHANNEL, PAT } from '../../support/slack-cast.js';
import type { TestApp } from '../../support/test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';
import { expectValidInfoModal, expectValidMessage } from '../../support/block-kit.js';
import { channelMessageEvent } from '../../support/slack-requests.js';
import {
  anchorOf, buttonsIn, click, clickButton, dmsTo, expectAllValid, openedViews, poDmOf, postsIn, settle, startQuestionWorld, submit, textOf,
  tsOf, postEvent, CAROL, CHANNEL_B, KIM, DAN, type QuestionWorld,
} from './questions-world.js';

type Json = Record<string, unknown>;

describe.each(testDatabaseKinds())('Questions to the PO on Slack: asking and answering (%s)', (kind) => {
  let w: QuestionWorld;
  let t: TestApp;
  beforeAll(async () => {
    w = await startQuestionWorld(kind);
    t = w.t;
  });
  afterAll(async () => w?.stop());
  beforeEach(() => t.fake.reset());
  afterEach(async () => {
    await settle(t); // nothing of this test arrives during the next one
    // Any Web API call the app makes that the fake does not know is a bug in the app or the fake.
    expect(t.fake.unexpected).toEqual([]);
    expectAllValid(t);
  });

  const prisma = () => t.app.db.prisma;
  const question = (number: number) => prisma().question.findFirstOrThrow({ where: { number } });
  const personId = async (userId: string) => (await prisma().person.findFirstOrThrow({ where: { platformUserId: userId } })).id;

  it('asks with /po ask, tells the PO at once, answers from the DM into the thread, and measures it exactly', async () => {
    w.goTo(0, '10:00');
    const asked = await t.po('ask Should guests see prices before they log in?', { userId: ALI, channelId: CHANNEL });

    // The asker, privately: sent, and what to expect.
    expect(asked.status).toBe(200);
    expect(asked.body?.response_type).toBe('ephemeral');
    expect(asked.reply).toContain(`Sent to <@${PAT}> (the Product Owner) as Q1; it is posted in the channel so the team sees the answer.`);
    expect(asked.reply).toContain('There are no answered questions from the last 4 weeks yet');
    expect(asked.reply).toContain('pat is working now (09:00–17:00 mon-fri (Europe/Berlin)).');
    expectValidMessage(asked.body as { text: string; blocks: unknown[] });

    // The team channel: the anchor, with the asker, the time and the status.
    const anchor = await anchorOf(t, 'Q1');
    const anchorText = textOf(anchor.shown());
    expect(anchorText).toContain(`*Question for the PO* from <@${ALI}>:`);
    expect(anchorText).toContain('Should guests see prices before they log in?');
    expect(anchorText).toMatch(/Q1 · asked <!date\^\d+\^/);
    expect(anchorText).toContain(`⏳ Waiting for <@${PAT}>`);
    expect(buttonsIn(anchor.shown()).map((b) => b.label)).toEqual(['Mark resolved']);

    // The PO: a DM with the question, the team, a link to the channel message and three buttons.
    const dm = await poDmOf(t, 'Q1');
    expect(t.fake.callsTo('conversations.open').map((c) => c.args.users)).toContain(PAT);
    const dmText = textOf(dm.shown());
    expect(dmText).toContain(`*Q1 from team Checkout*: <@${ALI}> asks`);
    expect(dmText).toContain('Should guests see prices before they log in?');
    expect(dmText).toContain(`<${t.fake.permalinkFor(CHANNEL, anchor.ts)}|open the question>`);
    expect(t.fake.callsTo('chat.getPermalink').map((c) => c.args)).toContainEqual(expect.objectContaining({ channel: CHANNEL, message_ts: anchor.ts }));
    expect(buttonsIn(dm.shown()).map((b) => b.label)).toEqual(['Answer', 'I’m on it', 'Ask a customer']);
    expect(await question(1)).toMatchObject({ askedAt: w.at(0, '10:00'), poNotifiedAt: w.at(0, '10:00'), firstResponseAt: null });

    // 11:30: the PO answers from the DM.
    w.goTo(0, '11:30');
    const clicked = await clickButton(t, { userId: PAT, channelId: `D${PAT}`, ts: dm.ts, label: 'Answer', responseId: 'q1-answer' });
    expect(clicked.status).toBe(200);
    const [form] = openedViews(t);
    expect(form?.view).toMatchObject({ type: 'modal', callback_id: 'question.answer', title: { text: 'Answer the question' }, submit: { text: 'Post answer' } });
    expect(t.fake.responsesTo('q1-answer')).toEqual([]); // the form is the answer to the click

    const done = await submit(t, PAT, form!.view, { answer: 'Yes, but without the member discount.' });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ response_action: 'update', view: { type: 'modal' } });
    expect(textOf(done.json?.view as Json)).toContain('Your answer to Q1 is posted in the question’s thread in team Checkout’s channel');
    expectValidInfoModal(done.json?.view);
    await settle(t);

    // The answer is in the question's thread, mentioning the asker.
    const thread = postsIn(t, CHANNEL, anchor.ts);
    expect(thread).toHaveLength(1);
    expect(textOf(thread[0]!.args as Json)).toContain(`<@${ALI}>, an answer from <@${PAT}>:`);
    expect(textOf(thread[0]!.args as Json)).toContain('Yes, but without the member discount.');
    // The anchor and the PO's DM show the new status.
    expect(t.fake.callsTo('chat.update').map((c) => c.args.ts)).toEqual(expect.arrayContaining([anchor.ts, dm.ts]));
    expect(textOf(anchor.shown())).toContain(`✅ Answered by <@${PAT}> — see the thread`);
    expect(textOf(dm.shown())).toContain(`✅ Answered by <@${PAT}>`);
    expect(textOf(dm.shown())).toContain(`<${t.fake.permalinkFor(CHANNEL, anchor.ts)}|open the question>`);
    expect(buttonsIn(dm.shown()).map((b) => b.label)).toEqual(['Answer again']);

    expect(await question(1)).toMatchObject({
      firstResponseAt: w.at(0, '11:30'),
      firstResponseKind: 'answer',
      firstResponseBusinessSec: 90 * 60,
      firstResponseWallSec: 90 * 60,
      answeredAt: w.at(0, '11:30'),
      answerText: 'Yes, but without the member discount.',
      resolvedAt: null,
    });

    const stats = await t.po('stats', { userId: BOB, channelId: CHANNEL });
    expect(stats.reply).toContain('1 asked · 1 responded · 0 waiting');
    expect(stats.reply).toContain('1 h 30 min working time · 1 h 30 min in all');
    expect(stats.reply).toContain('100 % of 1 response');
    expect(stats.reply).toMatch(/\*Checkout\* — median 1 h 30 min/);
    expectValidMessage(stats.body as { text: string; blocks: unknown[] });

  });

  it('“I’m on it” is a first response: the thread is told, the anchor says so, and the answer comes later', async () => {
    w.goTo(0, '11:40');
    const asked = await t.po('ask Do we keep the old checkout for a week?', { userId: BOB, channelId: CHANNEL });
    // The asker is told how long answers usually take now that there is one.
    expect(asked.reply).toContain('pat usually responds within *1 h 30 min* of working time (median of the last 4 weeks).');
    const anchor = await anchorOf(t, 'Q2');
    const dm = await poDmOf(t, 'Q2');

    w.goTo(0, '11:50');
    const onIt = buttonsIn(dm.shown()).find((b) => b.label === 'I’m on it')!;
    const res = await clickButton(t, { userId: PAT, channelId: `D${PAT}`, ts: dm.ts, label: 'I’m on it', responseId: 'q2-on-it' });
    expect(res.status).toBe(200);
    await settle(t);

    // The PO's DM is replaced in place: on it, and only what is left to do.
    expect(t.fake.responsesTo('q2-on-it', 'accepted')).toEqual([expect.objectContaining({ replace_original: true })]);
    expect(textOf(dm.shown())).toContain(`👀 <@${PAT}> is on it`);
    expect(buttonsIn(dm.shown()).map((b) => b.label)).toEqual(['Answer', 'Ask a customer']);
    // The team's thread is told, and the anchor shows it.
    const thread = postsIn(t, CHANNEL, anchor.ts);
    expect(thread.map((c) => textOf(c.args as Json))).toEqual([`<@${PAT}> is on it and will answer here.`]);
    expect(textOf(anchor.shown())).toContain(`👀 <@${PAT}> is on it`);
    expect(await question(2)).toMatchObject({ firstResponseAt: w.at(0, '11:50'), firstResponseKind: 'on-it', firstResponseBusinessSec: 600, answeredAt: null });

    // A second click (a stale copy of the DM) tells nobody again and keeps the first response.
    t.fake.reset();
    const stale = await click(t, { userId: PAT, channelId: `D${PAT}`, actionId: onIt.action_id, value: onIt.value, responseId: 'q2-stale', ephemeral: false });
    expect(stale.status).toBe(200);
    await settle(t);
    expect(postsIn(t, CHANNEL, anchor.ts)).toEqual([]);
    expect((await question(2)).firstResponseAt).toEqual(w.at(0, '11:50'));

    // Answered at 12:10: the first response stays the one at 11:50.
    w.goTo(0, '12:10');
    await clickButton(t, { userId: PAT, channelId: `D${PAT}`, ts: dm.ts, label: 'Answer', responseId: 'q2-answer' });
    await submit(t, PAT, openedViews(t)[0]!.view, { answer: 'One week, then it goes.' });
    await settle(t);
    expect(postsIn(t, CHANNEL, anchor.ts).map((c) => textOf(c.args as Json))).toEqual([expect.stringContaining('One week, then it goes.')]);
    expect(await question(2)).toMatchObject({ firstResponseAt: w.at(0, '11:50'), firstResponseKind: 'on-it', answeredAt: w.at(0, '12:10') });
  });

  it('“Ask a customer” hands the question to the person who knows: DM with an Answer button, answer in the same thread', async () => {
    w.goTo(0, '12:20');
    await t.po('ask Which payment providers do our customers in Austria use?', { userId: ALI, channelId: CHANNEL });
    const anchor = await anchorOf(t, 'Q3');
    const dm = await poDmOf(t, 'Q3');

    w.goTo(0, '12:35');
    await clickButton(t, { userId: PAT, channelId: `D${PAT}`, ts: dm.ts, label: 'Ask a customer', responseId: 'q3-handoff' });
    const [form] = openedViews(t);
    expect(form?.view).toMatchObject({ type: 'modal', callback_id: 'question.handoff', title: { text: 'Ask a customer' }, submit: { text: 'Ask them' } });
    const person = (form!.view.blocks as Json[]).find((b) => b.block_id === 'person');
    expect(person).toMatchObject({ type: 'input', element: { type: 'users_select' }, label: { text: 'Who knows the answer?' } });

    // Naming the PO themself, or the asker, is refused next to the input; nothing is sent.
    const self = await submit(t, PAT, form!.view, { person: PAT });
    expect(self.json).toEqual({ response_action: 'errors', errors: { person: 'That is you: use Answer instead.' } });
    const asker = await submit(t, PAT, form!.view, { person: ALI });
    expect(asker.json).toEqual({ response_action: 'errors', errors: { person: 'That is who asked: pick the person who knows the answer.' } });
    expect((await question(3)).handedToId).toBeNull();

    const handed = await submit(t, PAT, form!.view, { person: CAROL, note: 'You set up the Austrian shop.' });
    expect(handed.json).toMatchObject({ response_action: 'update' });
    expect(textOf(handed.json?.view as Json)).toContain(`I sent <@${CAROL}> Q3 with a button to answer in the team’s thread, and told the team.`);
    await settle(t);

    // Carol gets the question, the PO's note and an Answer button.
    const toCarol = dmsTo(t, CAROL);
    expect(toCarol).toHaveLength(1);
    const carolDm = tsOf(t, toCarol[0]!);
    expect(textOf(t.fake.shown(carolDm))).toContain(`<@${PAT}> (Product Owner) would like you to answer a question from <@${ALI}> of team *Checkout* directly:`);
    expect(textOf(t.fake.shown(carolDm))).toContain('Which payment providers do our customers in Austria use?');
    expect(textOf(t.fake.shown(carolDm))).toContain('Note from the PO: You set up the Austrian shop.');
    expect(buttonsIn(t.fake.shown(carolDm)).map((b) => b.label)).toEqual(['Answer']);
    // The team is told in the thread; the anchor and the PO's DM say who was asked.
    expect(postsIn(t, CHANNEL, anchor.ts).map((c) => textOf(c.args as Json))).toEqual([
      expect.stringContaining(`<@${PAT}> asked <@${CAROL}> to answer this directly`),
    ]);
    expect(textOf(anchor.shown())).toContain(`🤝 <@${PAT}> asked <@${CAROL}> to answer`);
    expect(textOf(dm.shown())).toContain(`🤝 <@${PAT}> asked <@${CAROL}> to answer`);
    expect(await question(3)).toMatchObject({ firstResponseAt: w.at(0, '12:35'), firstResponseKind: 'handoff', firstResponseBusinessSec: 15 * 60 });
    // The same form sent again (a second click, a stale dialog) hands nothing to a second person.
    const twice = await submit(t, PAT, form!.view, { person: BOB });
    expect(JSON.stringify(twice.json)).toContain('Q3 is already with carol: answer it yourself');
    expect(dmsTo(t, BOB)).toHaveLength(0);
    expect((await question(3)).handedToId).toBe(await personId(CAROL));

    // Carol answers from her DM; the answer lands in the team's thread.
    w.goTo(0, '13:00');
    t.fake.reset();
    await clickButton(t, { userId: CAROL, channelId: `D${CAROL}`, ts: carolDm, label: 'Answer', responseId: 'q3-carol' });
    const [answerForm] = openedViews(t);
    expect(answerForm?.view).toMatchObject({ callback_id: 'question.customer-answer' });
    // Someone else who got hold of the form cannot answer for her.
    const intruder = await submit(t, BOB, answerForm!.view, { answer: 'Whatever.' });
    expect(intruder.json).toMatchObject({ response_action: 'errors', errors: { answer: 'Only the person the PO asked (or the PO) can answer this question here.' } });
    const answered = await submit(t, CAROL, answerForm!.view, { answer: 'Mostly EPS and Klarna.' });
    expect(textOf(answered.json?.view as Json)).toContain('Your answer to Q3 is posted in the question’s thread');
    await settle(t);

    expect(postsIn(t, CHANNEL, anchor.ts).map((c) => textOf(c.args as Json))).toEqual([
      expect.stringMatching(new RegExp(`^<@${ALI}>, an answer from <@${CAROL}> \\(asked by the PO to answer\\):\nMostly EPS and Klarna\\.`)),
    ]);
    expect(textOf(anchor.shown())).toContain(`✅ Answered by <@${CAROL}>`);
    expect(textOf(t.fake.shown(carolDm))).toContain('✅ You answered');
    expect(buttonsIn(t.fake.shown(carolDm))).toEqual([]);
    expect(await question(3)).toMatchObject({ answeredAt: w.at(0, '13:00'), answerText: 'Mostly EPS and Klarna.', firstResponseKind: 'handoff' });

    // /po stats counts the hand-off: one of the three responses so far.
    const stats = await t.po('stats', { userId: PAT });
    expect(stats.reply).toContain('*Handed to a customer or stakeholder:* 33 % of 3 responses');
    expect(stats.reply).toMatch(/\*Checkout\* — .* · 1 handed off/);
  });

  it('a reply typed by the PO in the question’s thread is the first response and the answer; anyone else’s is not', async () => {
    w.goTo(0, '13:10');
    await t.po('ask Is the coupon field case sensitive?', { userId: BOB, channelId: CHANNEL });
    const anchor = await anchorOf(t, 'Q4');
    const dm = await poDmOf(t, 'Q4');
    await settle(t);
    const updatesBefore = t.fake.callsTo('chat.update').length;

    w.goTo(0, '13:15');
    const byAli = await postEvent(t.baseUrl, channelMessageEvent({ userId: ALI, channelId: CHANNEL, text: 'I think it is not?', ts: '1800000001.000100', threadTs: anchor.ts }));
    expect(byAli.status).toBe(200);
    await settle(t);
    expect(t.fake.callsTo('chat.update')).toHaveLength(updatesBefore);
    expect(await question(4)).toMatchObject({ firstResponseAt: null, answeredAt: null });
    expect(textOf(anchor.shown())).toContain(`⏳ Waiting for <@${PAT}>`);

    // The PO replying in another thread, or at the top of the channel, answers nothing.
    await postEvent(t.baseUrl, channelMessageEvent({ userId: PAT, channelId: CHANNEL, text: 'Lunch?', ts: '1800000001.000200' }));
    await postEvent(t.baseUrl, channelMessageEvent({ userId: PAT, channelId: CHANNEL, text: 'Sure.', ts: '1800000001.000300', threadTs: '1800000001.000100' }));
    await settle(t);
    expect(await question(4)).toMatchObject({ firstResponseAt: null });

    w.goTo(0, '13:30');
    const byPo = await postEvent(t.baseUrl, channelMessageEvent({ userId: PAT, channelId: CHANNEL, text: `No &amp; it never was, <@${BOB}>.`, ts: '1800000001.000400', threadTs: anchor.ts }));
    expect(byPo.status).toBe(200);
    await settle(t);

    expect(await question(4)).toMatchObject({
      firstResponseAt: w.at(0, '13:30'),
      firstResponseKind: 'thread-reply',
      firstResponseBusinessSec: 20 * 60,
      answeredAt: w.at(0, '13:30'),
      answerText: 'No & it never was, @bob.',
    });
    expect(textOf(anchor.shown())).toContain(`✅ Answered by <@${PAT}> — see the thread`);
    expect(textOf(dm.shown())).toContain(`✅ Answered by <@${PAT}>`);
    // The PO's reply is already in the thread: po-desk posts nothing there.
    expect(postsIn(t, CHANNEL, anchor.ts)).toEqual([]);
  });

  it('the asker marks the question resolved from the anchor, a stranger is refused privately, and it can be reopened', async () => {
    // Q1's anchor, posted in the first test: where the outbox recorded Slack put it.
    const q1Anchor = await prisma().outboxMessage.findFirstOrThrow({ where: { messageKey: `question:${(await question(1)).id}` } });
    const ts = q1Anchor.platformMessageId!;
    const shown = () => t.fake.shown(ts)!;
    expect(buttonsIn(shown()).map((b) => b.label)).toEqual(['Mark resolved']);

    w.goTo(0, '14:00');
    const byBob = await clickButton(t, { userId: BOB, channelId: CHANNEL, ts, label: 'Mark resolved', responseId: 'q1-bob' });
    expect(byBob.status).toBe(200);
    const refusal = t.fake.responsesTo('q1-bob', 'accepted');
    expect(refusal).toEqual([expect.objectContaining({ response_type: 'ephemeral', replace_original: false })]);
    expect(textOf(refusal[0])).toContain('Only alice, who asked, or the Product Owner can mark this question resolved.');
    expect(textOf(shown())).toContain(`✅ Answered by <@${PAT}>`);
    expect((await question(1)).resolvedAt).toBeNull();

    await clickButton(t, { userId: ALI, channelId: CHANNEL, ts, label: 'Mark resolved', responseId: 'q1-ali' });
    await settle(t);
    expect(t.fake.responsesTo('q1-ali', 'accepted')).toEqual([expect.objectContaining({ replace_original: true })]);
    expect(textOf(shown())).toContain(`☑️ Resolved by <@${ALI}>`);
    expect(buttonsIn(shown()).map((b) => b.label)).toEqual(['Reopen']);
    expect(await question(1)).toMatchObject({ resolvedAt: w.at(0, '14:00'), resolvedById: (await personId(ALI)) });
    // The PO's copy follows: resolved, nothing left to do.
    const poCopy = await prisma().outboxMessage.findFirstOrThrow({ where: { messageKey: `question:${(await question(1)).id}:po:${await personId(PAT)}`, kind: 'dm' } });
    expect(textOf(t.fake.shown(poCopy.platformMessageId!))).toContain(`☑️ Resolved by <@${ALI}>`);
    expect(buttonsIn(t.fake.shown(poCopy.platformMessageId!))).toEqual([]);

    // Reopened by the asker: back to answered, with the button to resolve it.
    await clickButton(t, { userId: ALI, channelId: CHANNEL, ts, label: 'Reopen', responseId: 'q1-reopen' });
    await settle(t);
    expect(textOf(shown())).toContain(`✅ Answered by <@${PAT}>`);
    expect(buttonsIn(shown()).map((b) => b.label)).toEqual(['Mark resolved']);
    expect(buttonsIn(t.fake.shown(poCopy.platformMessageId!)).map((b) => b.label)).toEqual(['Answer again']);
    expect(await question(1)).toMatchObject({ resolvedAt: null, resolvedById: null });

    // The PO may resolve it too.
    await clickButton(t, { userId: PAT, channelId: CHANNEL, ts, label: 'Mark resolved', responseId: 'q1-pat' });
    expect(textOf(shown())).toContain(`☑️ Resolved by <@${PAT}>`);
    const audit = await prisma().auditEvent.findMany({ where: { action: { in: ['question.resolved', 'question.reopened'] } }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['question.resolved', 'question.reopened', 'question.resolved']);
  });

  it('/po questions: the PO sees every team’s open questions, oldest first, with wait times; a member sees their team’s', async () => {
    w.goTo(0, '14:10');
    await t.po('ask Can refunds go to a different card?', { userId: KIM, channelId: CHANNEL_B, channelName: 'team-b' });
    w.goTo(0, '14:40');
    await t.po('ask What is the max basket size?', { userId: ALI, channelId: CHANNEL });
    w.goTo(0, '15:10');
    await settle(t);

    const po = await t.po('questions', { userId: PAT, channelId: `D${PAT}`, channelName: 'directmessage' });
    expect(po.reply).toContain('Open questions (all teams), oldest first: 5');
    expectValidMessage(po.body as { text: string; blocks: unknown[] });
    const order = ['Q2', 'Q3', 'Q4', 'Q5', 'Q6'].map((label) => po.reply.indexOf(`*${label}*`));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(po.reply).not.toContain('*Q1*'); // resolved
    expect(po.reply).toContain(`*Q5* · Payments · <@${KIM}>: Can refunds go to a different card? · waiting 1 h of working time (1 h in all)`);
    expect(po.reply).toContain(`*Q6* · Checkout · <@${ALI}>: What is the max basket size? · waiting 30 min of working time (30 min in all)`);
    expect(po.reply).toContain(`*Q2* · Checkout · <@${BOB}>: Do we keep the old checkout for a week? · answered, not yet resolved · first response after 10 min of working time`);

    const ali = await t.po('questions', { userId: ALI, channelId: CHANNEL });
    expect(ali.reply).toContain('Open questions (team Checkout), oldest first: 4');
    expect(ali.reply).not.toContain('Payments');
    const kim = await t.po('questions', { userId: KIM, channelId: `D${KIM}`, channelName: 'directmessage' });
    expect(kim.reply).toContain('Open questions (team Payments), oldest first: 1');
    expect(kim.reply).toContain('*Q5*');
    const dan = await t.po('questions', { userId: DAN, channelId: 'C0RANDOM01', channelName: 'random' });
    expect(dan.reply).toContain('No open questions (you asked).');
  });

  // An anchor update that failed once and is retried later was rendered before the question was resolved:
  // the outbox drops an update superseded by a newer one for the same message, and resolving queues one.
  it('a retried older update never overwrites the anchor after the asker resolved the question', async () => {
    w.goTo(0, '15:20');
    await t.po('ask Do we need a cookie banner on the status page?', { userId: ALI, channelId: CHANNEL });
    const anchor = await anchorOf(t, 'Q7');
    const dm = await poDmOf(t, 'Q7');
    await settle(t);

    t.fake.failNext('chat.update', { status: 503 }); // the anchor's "Answered" update fails once
    await clickButton(t, { userId: PAT, channelId: `D${PAT}`, ts: dm.ts, label: 'Answer', responseId: 'q7-answer' });
    await submit(t, PAT, openedViews(t)[0]!.view, { answer: 'No: it sets no cookies.' });
    await t.fake.waitFor((calls) => calls.some((c) => c.method === 'chat.update' && !c.answer.ok));
    await clickButton(t, { userId: ALI, channelId: CHANNEL, ts: anchor.ts, label: 'Mark resolved', responseId: 'q7-resolve' });
    expect(textOf(anchor.shown())).toContain(`☑️ Resolved by <@${ALI}>`);

    w.goTo(0, '15:25'); // the failed update's retry is due
    await settle(t);
    expect(textOf(anchor.shown())).toContain(`☑️ Resolved by <@${ALI}>`);
    expect(buttonsIn(anchor.shown()).map((b) => b.label)).toEqual(['Reopen']);
  });

  it('a PO reply also sent to the channel answers; edits and the PO’s later thanks change nothing', async () => {
    w.goTo(0, '15:40');
    await t.po('ask May we drop the legacy coupon API?', { userId: BOB, channelId: CHANNEL });
    const anchor = await anchorOf(t, 'Q8');
    const dm = await poDmOf(t, 'Q8');
    await settle(t);

    w.goTo(0, '15:45');
    const edited = { ...channelMessageEvent({ userId: PAT, channelId: CHANNEL, text: 'edited', ts: '1800000003.000050', threadTs: anchor.ts }), subtype: 'message_changed' };
    await postEvent(t.baseUrl, edited);
    await settle(t);
    expect(await question(8)).toMatchObject({ answeredAt: null });

    w.goTo(0, '15:50');
    const broadcast = { ...channelMessageEvent({ userId: PAT, channelId: CHANNEL, text: 'Yes, after the January release.', ts: '1800000003.000100', threadTs: anchor.ts }), subtype: 'thread_broadcast' };
    expect((await postEvent(t.baseUrl, broadcast)).status).toBe(200);
    await settle(t);
    expect(await question(8)).toMatchObject({ answeredAt: w.at(0, '15:50'), answerText: 'Yes, after the January release.', firstResponseKind: 'thread-reply' });

    w.goTo(0, '16:00');
    await postEvent(t.baseUrl, channelMessageEvent({ userId: PAT, channelId: CHANNEL, text: 'Thanks, all!', ts: '1800000003.000200', threadTs: anchor.ts }));
    await settle(t);
    expect(await question(8)).toMatchObject({ answeredAt: w.at(0, '15:50'), answerText: 'Yes, after the January release.' });

    expect(textOf(anchor.shown())).toContain(`✅ Answered by <@${PAT}>`);
    expect(textOf(dm.shown())).toContain(`✅ Answered by <@${PAT}>`);
  });
});
