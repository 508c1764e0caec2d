/**
 * The PO's intake queue on Slack, as people meet it: requests in (the form, the message shortcut, the 📥
 * reaction, interception), the PO's batched DM, each decision with the requesters told, merges and their
 * undo, refusals, racing clicks and the daily aging note.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALI, ANN, BOB, CHANNEL, EVE, PAT, SAM } from '../../support/slack-cast.js';
import type { TestApp } from '../../support/test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';
import { expectValidInfoModal } from '../../support/block-kit.js';
import { channelMessageEvent } from '../../support/slack-requests.js';
import {
  buttonsIn, click, clickButton, dmsTo, expectAllValid, openedViews, postEvent, postsIn, settle, shortcut, startQuestionWorld, submit, textOf, tsOf,
  type QuestionWorld,
} from './questions-world.js';
import type { RecordedCall } from '../../support/fake-slack.js';

type Json = Record<string, unknown>;

describe.each(testDatabaseKinds())('The PO’s intake queue on Slack (%s)', (kind) => {
  let w: QuestionWorld;
  let t: TestApp;
  let ts = 1_800_000_000;
  const nextTs = () => `${++ts}.000100`;

  beforeAll(async () => {
    w = await startQuestionWorld(kind);
    t = w.t;
    const added = await t.po(`stakeholder add <@${SAM}>`, { userId: PAT, channelId: CHANNEL });
    expect(added.reply).toContain(`Added <@${SAM}> as a stakeholder`);
    // Sam and Eve read the team's channel too; the roster (Ann, Alice, Bob) was seeded before they joined.
    t.fake.setChannelMembers(CHANNEL, [ANN, PAT, ALI, BOB, SAM, EVE, 'U0PODESKBOT']);
    await settle(t);
  });
  afterAll(async () => w?.stop());
  beforeEach(() => t.fake.reset());
  afterEach(async () => {
    await settle(t);
    expect(t.fake.unexpected).toEqual([]);
    expectAllValid(t);
  });

  const prisma = () => t.app.db.prisma;
  const item = (number: number) => prisma().intakeItem.findFirstOrThrow({ where: { number } });
  const personId = async (userId: string) => (await prisma().person.findFirstOrThrow({ where: { platformUserId: userId } })).id;
  const lastDm = (userId: string): RecordedCall | undefined => dmsTo(t, userId).at(-1);
  const dmTexts = (userId: string) => dmsTo(t, userId).map((c) => textOf(c.args as Json));

  /** Runs the scheduler at that time (the intake job sends what has waited a minute) and waits for the outbox. */
  const runJobs = async (day: number, hhmm: string) => {
    w.goTo(day, hhmm);
    await t.app.scheduler.tick(w.at(day, hhmm));
    await settle(t);
  };

  /** `/po request` → the form → submitted with `values`; returns the modal's confirmation text. */
  async function request(userId: string, channelId: string, values: Record<string, string | null>, title = '') {
    const opened = await t.po(`request ${title}`.trim(), { userId, channelId });
    expect(opened.status).toBe(200);
    const form = openedViews(t).at(-1)!;
    expect(form.view).toMatchObject({ callback_id: 'intake.request', title: { text: 'Request work' } });
    const done = await submit(t, userId, form.view, values);
    expect(done.status).toBe(200);
    return done;
  }

  /** Opens a triage form from a button on message `ts` as `userId`, and submits it. */
  async function decide(userId: string, channelId: string, messageTs: string, label: string, values: Record<string, string | null>, responseId: string) {
    t.fake.reset();
    const clicked = await clickButton(t, { userId, channelId, ts: messageTs, label, responseId });
    expect(clicked.status).toBe(200);
    const form = openedViews(t).at(-1);
    if (!form) return { refused: t.fake.responsesTo(responseId).map((r) => textOf(r)).join('\n'), done: undefined };
    const done = await submit(t, userId, form.view, values);
    return { refused: undefined, done, form };
  }

  /** The item's block in the PO's batched DM: its buttons, by item number. */
  function buttonsFor(messageTs: string, number: number) {
    return buttonsIn(t.fake.shown(messageTs)).filter((b) => b.value === itemIds.get(number));
  }
  const itemIds = new Map<number, string>();
  const remember = async (...numbers: number[]) => {
    for (const n of numbers) itemIds.set(n, (await item(n)).id);
  };
  async function clickFor(userId: string, messageTs: string, number: number, label: string, responseId: string) {
    const button = buttonsFor(messageTs, number).find((b) => b.label === label);
    if (!button) throw new Error(`no ${label} for #${number}: ${JSON.stringify(buttonsIn(t.fake.shown(messageTs)))}`);
    return click(t, { userId, channelId: `D${PAT}`, actionId: button.action_id, value: button.value, responseId, messageTs, ephemeral: false, triggerId: `trigger.${responseId}` });
  }

  let batchTs = '';

  it('/po request opens the form; two requests within a minute reach the PO in one DM, with likely duplicates', async () => {
    w.goTo(0, '10:00');
    // Invalid input keeps the form open with the reason, and saves nothing.
    const bad = await request(SAM, CHANNEL, { title: '', value: '3', urgency: 'high', neededBy: '2020-01-01', link: 'not a link' });
    expect(bad.json).toMatchObject({ response_action: 'errors' });
    expect((bad.json as Json).errors).toMatchObject({
      title: expect.stringContaining('needs a title') as unknown,
      neededBy: expect.stringContaining('has passed') as unknown,
      link: expect.stringContaining('https://') as unknown,
    });
    expect(await prisma().intakeItem.count()).toBe(0);

    const done = await request(SAM, CHANNEL, {
      title: 'Export orders to CSV',
      problem: 'Finance rebuilds the monthly report by hand from screenshots.',
      value: '4',
      urgency: 'high',
      link: 'https://wiki.example.com/finance/report',
    }, 'Export orders to CSV');
    expect(done.json).toMatchObject({ response_action: 'update' });
    const confirmation = textOf(done.json?.view as Json);
    expect(confirmation).toContain('Your request *#1* “Export orders to CSV” is in the PO’s intake queue.');
    expect(confirmation).toContain(`What happens next: <@${PAT}> (the Product Owner) decides`);
    expectValidInfoModal(done.json?.view);
    expect(await item(1)).toMatchObject({ title: 'Export orders to CSV', value: 4, urgency: 'high', source: 'form', status: 'new', poNotifiedAt: null, requesterId: await personId(SAM) });

    // 30 seconds later Eve asks for much the same, from her DM with po-desk.
    w.goTo(0, '10:00');
    w.clock.advance(30_000);
    const eve = await request(EVE, `D${EVE}`, { title: 'CSV export of orders', problem: 'We need orders in a spreadsheet', urgency: 'normal' });
    expect(textOf(eve.json?.view as Json)).toContain('#2');

    // Within the minute nothing is sent; after it, one DM holds both, the second with #1 as a likely duplicate.
    await t.app.scheduler.tick(w.clock.now());
    await settle(t);
    expect(dmsTo(t, PAT)).toEqual([]);
    await runJobs(0, '10:02');
    const dms = dmsTo(t, PAT);
    expect(dms).toHaveLength(1);
    const text = textOf(dms[0]!.args as Json);
    expect(text).toContain('2 new requests for your intake');
    expect(text).toContain(`*#1* “Export orders to CSV” from <@${SAM}> · team Checkout`);
    expect(text).toContain('Finance rebuilds the monthly report by hand from screenshots.');
    expect(text).toContain('value 4/5 · high urgency');
    expect(text).toContain(`*#2* “CSV export of orders” from <@${EVE}>`);
    expect(text).toMatch(/Looks like: \*#1\* “Export orders to CSV” \(waiting for the PO, \d+ % alike\)/);
    batchTs = tsOf(t, dms[0]!);
    await remember(1, 2);
    expect(buttonsFor(batchTs, 1).map((b) => b.label)).toEqual(['Accept', 'Decline', 'Need info', 'Duplicate of…']);
    expect((await item(1)).poNotifiedAt).toEqual(w.at(0, '10:02'));

    // The next run sends nothing again.
    await runJobs(0, '10:03');
    expect(dmsTo(t, PAT)).toHaveLength(1);
  });

  it('only the PO decides: anyone else clicking a triage button is refused politely and nothing changes', async () => {
    const button = buttonsFor(batchTs, 1).find((b) => b.label === 'Accept')!;
    const res = await click(t, { userId: SAM, channelId: `D${PAT}`, actionId: button.action_id, value: button.value, responseId: 'sam-accept', messageTs: batchTs, ephemeral: false, triggerId: 'trigger.sam' });
    expect(res.status).toBe(200);
    expect(openedViews(t)).toEqual([]);
    expect(t.fake.responsesTo('sam-accept').map((r) => textOf(r)).join()).toContain('Only the Product Owner (pat) can decide about requests in the intake. Nothing was changed.');
    expect((await item(1)).status).toBe('new');
  });

  it('Duplicate of… merges #2 into #1: demand grows, both requesters are told, and Undo merge puts it back', async () => {
    w.goTo(0, '10:10');
    await clickFor(PAT, batchTs, 2, 'Duplicate of…', 'dup-2b');
    const form = openedViews(t).at(-1)!;
    expect(form.view).toMatchObject({ callback_id: 'intake.duplicate' });
    const options = ((form.view.blocks as Json[])[0]!.element as Json).options as { text: { text: string }; value: string }[];
    expect(options[0]!.text.text).toBe('★ #1 Export orders to CSV'); // the likely duplicate first
    const done = await submit(t, PAT, form.view, { target: itemIds.get(1)! });
    expect(textOf(done.json?.view as Json)).toContain('#2 is merged into #1, which 2 people now ask for.');
    await settle(t);
    expect(await item(2)).toMatchObject({ status: 'duplicate', duplicateOfId: itemIds.get(1), decidedById: await personId(PAT) });
    const requesters = await prisma().intakeRequester.findMany({ where: { itemId: itemIds.get(1) }, orderBy: { addedAt: 'asc' } });
    expect(requesters.map((r) => [r.personId, r.viaItemId])).toEqual([[await personId(SAM), null], [await personId(EVE), itemIds.get(2)]]);
    expect(dmTexts(EVE).at(-1)).toContain('Your request *#2* “CSV export of orders” asks for the same as *#1* “Export orders to CSV”');
    expect(dmTexts(EVE).at(-1)).toContain('2 people now ask for it; everything you wrote is kept.');
    expect(dmTexts(SAM).at(-1)).toContain('so the PO merged it into yours: 2 people now ask for it.');
    expect(textOf(t.fake.shown(batchTs))).toContain('🔗 Merged into *#1* “Export orders to CSV”');
    expect(textOf(t.fake.shown(batchTs))).toContain('2 people ask for it');
    expect(await prisma().auditEvent.count({ where: { action: 'intake.merged' } })).toBe(1);

    // Undo: Eve's request is separate again; #1 is back to one requester.
    t.fake.reset();
    await clickFor(PAT, batchTs, 2, 'Undo merge', 'undo-2');
    await settle(t);
    expect(t.fake.responsesTo('undo-2').map((r) => textOf(r)).join()).toContain('#2 is separate again from #1');
    expect(await item(2)).toMatchObject({ status: 'new', duplicateOfId: null, decidedAt: null });
    expect(await prisma().intakeRequester.count({ where: { itemId: itemIds.get(1) } })).toBe(1);
    expect(dmTexts(EVE).at(-1)).toContain('is separate again and back in the queue');
    // Merge again, for the decisions below: everyone merged into #1 hears what happens to it.
    t.fake.reset();
    await clickFor(PAT, batchTs, 2, 'Duplicate of…', 'dup-2c');
    await submit(t, PAT, openedViews(t).at(-1)!.view, { target: itemIds.get(1)! });
    await settle(t);
    expect((await item(2)).status).toBe('duplicate');
  });

  it('Need info asks the requester, who answers in a form; the item returns to the PO with the answer', async () => {
    w.goTo(0, '10:20');
    t.fake.reset();
    await clickFor(PAT, batchTs, 1, 'Need info', 'info-1');
    const form = openedViews(t).at(-1)!;
    expect(form.view).toMatchObject({ callback_id: 'intake.need-info' });
    const empty = await submit(t, PAT, form.view, { question: '  ' });
    expect(empty.json).toMatchObject({ response_action: 'errors', errors: { question: 'A question is needed.' } });
    const asked = await submit(t, PAT, form.view, { question: 'Which columns does finance need?' });
    expect(textOf(asked.json?.view as Json)).toContain('I asked sam about #1');
    await settle(t);
    expect((await item(1)).status).toBe('needs-info');
    const question = lastDm(SAM)!;
    expect(textOf(question.args as Json)).toContain('has a question about your request *#1* “Export orders to CSV”:');
    expect(textOf(question.args as Json)).toContain('Which columns does finance need?');

    // Bob, who did not ask for it, cannot answer; Sam can (so could Eve, merged into it).
    const answerTs = tsOf(t, question);
    t.fake.reset();
    const refused = await clickButton(t, { userId: BOB, channelId: `D${SAM}`, ts: answerTs, label: 'Answer', responseId: 'bob-answer' });
    expect(refused.status).toBe(200);
    expect(openedViews(t)).toEqual([]);
    expect(t.fake.responsesTo('bob-answer').map((r) => textOf(r)).join()).toContain('Only the people who asked for this request can answer');
    t.fake.reset();
    await clickButton(t, { userId: SAM, channelId: `D${SAM}`, ts: answerTs, label: 'Answer', responseId: 'sam-answer' });
    const answerForm = openedViews(t).at(-1)!;
    expect(answerForm.view).toMatchObject({ callback_id: 'intake.answer' });
    const answered = await submit(t, SAM, answerForm.view, { answer: 'Order id, date, total and VAT.' });
    expect(textOf(answered.json?.view as Json)).toContain('Your answer is with the PO, and #1 is back in their queue.');
    await settle(t);
    expect((await item(1)).status).toBe('new');
    const toPo = textOf(lastDm(PAT)!.args as Json);
    expect(toPo).toContain(`<@${SAM}> answered your question about *#1* “Export orders to CSV”:`);
    expect(toPo).toContain('Order id, date, total and VAT.');
    const events = await prisma().intakeEvent.findMany({ where: { itemId: itemIds.get(1) }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.action, e.note])).toEqual([
      ['created', null],
      ['asked', 'Which columns does finance need?'],
      ['answered', 'Order id, date, total and VAT.'],
    ]);
  });

  it('two Accept submissions racing on one item make one decision; everyone asking is told the position', async () => {
    w.goTo(0, '10:30');
    t.fake.reset();
    await clickFor(PAT, batchTs, 1, 'Accept', 'acc-a');
    await clickFor(PAT, batchTs, 1, 'Accept', 'acc-b');
    const [a, b] = openedViews(t).slice(-2);
    const [first, second] = await Promise.all([submit(t, PAT, a!.view, { position: 'top' }), submit(t, PAT, b!.view, { position: 'bottom', note: 'Planned for next sprint' })]);
    const outcomes = [first, second].map((r) => JSON.stringify(r.json));
    expect(outcomes.filter((o) => o.includes('is accepted'))).toHaveLength(1);
    expect(outcomes.filter((o) => o.includes('is already accepted into the backlog by pat, so nothing was changed'))).toHaveLength(1);
    await settle(t);
    expect(await prisma().intakeEvent.count({ where: { itemId: itemIds.get(1), action: 'accepted' } })).toBe(1);
    expect(await item(1)).toMatchObject({ status: 'accepted', decidedById: await personId(PAT) });
    // Sam, and Eve (merged into #1), each hear it once.
    for (const who of [SAM, EVE]) {
      const accepted = dmTexts(who).filter((x) => x.includes('accepted *#1*'));
      expect(accepted, who).toHaveLength(1);
      expect(accepted[0]).toContain('into the backlog (position 1 of 1).');
    }
    expect(buttonsFor(batchTs, 1).map((b) => b.label)).toEqual(['Decline', 'Duplicate of…', 'Shipped']);
  });

  it('Decline needs a reason; the requester reads it', async () => {
    w.goTo(0, '10:40');
    const done = await request(ALI, CHANNEL, { title: 'Dark mode for the admin', urgency: 'low' });
    expect(textOf(done.json?.view as Json)).toContain('#3');
    await runJobs(0, '10:42');
    const dm = lastDm(PAT)!;
    expect(textOf(dm.args as Json)).toContain('New request for your intake');
    const noReason = await decide(PAT, `D${PAT}`, tsOf(t, dm), 'Decline', { reason: '' }, 'decl-3');
    expect(noReason.done?.json).toMatchObject({ response_action: 'errors', errors: { reason: expect.stringContaining('is needed') as unknown } });
    const declined = await submit(t, PAT, noReason.form!.view, { reason: 'Admins use it twice a month; not worth a sprint.' });
    expect(textOf(declined.json?.view as Json)).toContain('#3 is declined.');
    await settle(t);
    expect(await item(3)).toMatchObject({ status: 'declined' });
    const told = dmTexts(ALI).at(-1)!;
    expect(told).toContain(`<@${PAT}> decided not to take on *#3* “Dark mode for the admin”.`);
    expect(told).toContain('The reason: Admins use it twice a month; not worth a sprint.');
    expect(await prisma().intakeEvent.findFirst({ where: { itemId: (await item(3)).id, action: 'declined' } })).toMatchObject({ note: 'Admins use it twice a month; not worth a sprint.' });
  });

  it('Shipped (accepted items only) tells everyone who asked, merged requesters included', async () => {
    w.goTo(0, '11:00');
    const shipped = buttonsFor(batchTs, 1).find((b) => b.label === 'Shipped')!;
    await clickFor(PAT, batchTs, 1, 'Shipped', 'ship-1');
    await settle(t);
    expect(t.fake.responsesTo('ship-1').map((r) => textOf(r)).join()).toContain('#1 is marked shipped.');
    expect((await item(1)).status).toBe('shipped');
    expect(dmTexts(SAM).at(-1)).toContain('🚀 Delivered: *#1* “Export orders to CSV”, which you asked for, has shipped.');
    expect(dmTexts(EVE).at(-1)).toContain('🚀 Delivered: *#1*');
    // A second click on a stale copy of the button decides nothing twice.
    await click(t, { userId: PAT, channelId: `D${PAT}`, actionId: shipped.action_id, value: shipped.value, responseId: 'ship-again', messageTs: batchTs, ephemeral: false });
    expect(t.fake.responsesTo('ship-again').map((r) => textOf(r)).join()).toContain('#1 is already shipped by pat, so nothing was changed.');
    expect(await prisma().intakeEvent.count({ where: { action: 'shipped' } })).toBe(1);
  });

  it('Send to PO intake on a message and the 📥 reaction make items from messages and tell the thread', async () => {
    w.goTo(0, '11:10');
    const messageTs = nextTs();
    t.fake.addPersonMessage({ channel: CHANNEL, ts: messageTs, user: SAM, text: 'Could the invoice PDF show the VAT number?' });
    const used = await shortcut(t, { userId: ALI, callbackId: 'send_to_intake', channelId: CHANNEL, text: 'Could the invoice PDF show the VAT number?', authorId: SAM, messageTs, responseId: 'sc-1' });
    expect(used.status).toBe(200);
    await settle(t);
    expect(t.fake.responsesTo('sc-1').map((r) => textOf(r)).join()).toContain('Sent to the PO’s intake as #4, with sam as the requester.');
    expect(await item(4)).toMatchObject({ source: 'shortcut', requesterId: await personId(SAM), createdById: await personId(ALI), link: t.fake.permalinkFor(CHANNEL, messageTs) });
    const thread = postsIn(t, CHANNEL, messageTs).map((c) => textOf(c.args as Json));
    expect(thread).toHaveLength(1);
    expect(thread[0]).toContain(`<@${ALI}> sent this to the PO’s intake as *#4* “Could the invoice PDF show the VAT number?” on behalf of <@${SAM}>.`);
    expect(thread[0]).toContain('Team: this is in the PO’s intake as #4 — please don’t start it until the PO decides.');

    // The same message again: already there, nothing new.
    t.fake.reset();
    await shortcut(t, { userId: BOB, callbackId: 'send_to_intake', channelId: CHANNEL, text: 'Could the invoice PDF show the VAT number?', authorId: SAM, messageTs, responseId: 'sc-2' });
    expect(t.fake.responsesTo('sc-2').map((r) => textOf(r)).join()).toContain('already in the PO’s intake as #4 (waiting for the PO)');
    expect(await prisma().intakeItem.count()).toBe(4);

    // 📥 on a reply in a thread: its author requests it, the thread is told.
    const root = nextTs();
    const reply = nextTs();
    t.fake.addPersonMessage({ channel: CHANNEL, ts: root, user: BOB, text: 'Release notes for 2.4 are up' });
    t.fake.addPersonMessage({ channel: CHANNEL, ts: reply, user: EVE, text: 'Nice! Could we add a changelog link to the footer too?', threadTs: root });
    const reacted = await postEvent(t.baseUrl, { type: 'reaction_added', user: BOB, reaction: 'inbox_tray', item_user: EVE, item: { type: 'message', channel: CHANNEL, ts: reply }, event_ts: nextTs() });
    expect(reacted.status).toBe(200);
    await settle(t);
    expect(await item(5)).toMatchObject({ source: 'reaction', title: 'Nice! Could we add a changelog link to the footer too?', requesterId: await personId(EVE), sourceThreadId: root });
    expect(postsIn(t, CHANNEL, root).map((c) => textOf(c.args as Json)).join()).toContain(`<@${BOB}> sent this to the PO’s intake as *#5*`);
    // Other reactions, and 📥 outside a team channel, do nothing.
    await postEvent(t.baseUrl, { type: 'reaction_added', user: BOB, reaction: 'thumbsup', item_user: EVE, item: { type: 'message', channel: CHANNEL, ts: root }, event_ts: nextTs() });
    await settle(t);
    expect(await prisma().intakeItem.count()).toBe(5);
  });

  it('interception, nudge mode (the default): the author is told privately and can send it or say it is not a request', async () => {
    w.goTo(0, '11:20');
    // A team member's message is the team talking, never intercepted; so is chit-chat from anyone.
    await postEvent(t.baseUrl, channelMessageEvent({ userId: ALI, channelId: CHANNEL, text: 'Can you add the retry to the payment job by Friday?', ts: nextTs() }));
    await postEvent(t.baseUrl, channelMessageEvent({ userId: SAM, channelId: CHANNEL, text: 'Thanks all, great demo yesterday!', ts: nextTs() }));
    await settle(t);
    expect(t.fake.callsTo('chat.postEphemeral')).toEqual([]);
    expect(await prisma().interception.count()).toBe(0);

    const msgTs = nextTs();
    t.fake.addPersonMessage({ channel: CHANNEL, ts: msgTs, user: SAM, text: 'Hey team, can you quickly add a discount field to the checkout? Need it by Friday for the campaign' });
    await postEvent(t.baseUrl, channelMessageEvent({ userId: SAM, channelId: CHANNEL, text: 'Hey team, can you quickly add a discount field to the checkout? Need it by Friday for the campaign', ts: msgTs }));
    await settle(t);
    const nudges = t.fake.callsTo('chat.postEphemeral');
    expect(nudges.map((c) => c.args.user)).toEqual([SAM]);
    const nudge = textOf(nudges[0]!.args as Json);
    expect(nudge).toContain('This reads like a work request for team *Checkout*');
    // The signals that fired, in words: the author sees why the message was caught.
    expect(nudge).toContain('(asks to add something ("add"), with a deadline ("by Friday"), marked urgent ("quickly")).');
    expect(buttonsIn(nudges[0]!.args as Json).map((b) => b.label)).toEqual(['Send to PO intake', 'Not a work request']);
    expect(await prisma().interception.findFirstOrThrow()).toMatchObject({ outcome: 'nudged', mode: 'nudge', itemId: null });
    expect(await prisma().intakeItem.count()).toBe(5);

    // Sam sends it: an item, and the thread is told.
    const send = buttonsIn(nudges[0]!.args as Json).find((b) => b.label === 'Send to PO intake')!;
    await click(t, { userId: SAM, channelId: CHANNEL, actionId: send.action_id, value: send.value, responseId: 'nudge-send', ephemeral: true });
    await settle(t);
    expect(t.fake.responsesTo('nudge-send').map((r) => textOf(r)).join()).toContain('Sent to the PO’s intake as #6. Thank you!');
    expect(await item(6)).toMatchObject({ source: 'intercept', requesterId: await personId(SAM), status: 'new' });
    expect(await prisma().interception.findFirstOrThrow()).toMatchObject({ outcome: 'sent', itemId: itemIds.get(6) ?? (await item(6)).id });
    expect(postsIn(t, CHANNEL, msgTs).map((c) => textOf(c.args as Json)).join()).toContain('please don’t start it until the PO decides');

    // A second nudge, which Eve says is not a request: the miss is recorded, nothing is created.
    t.fake.reset();
    const other = nextTs();
    await postEvent(t.baseUrl, channelMessageEvent({ userId: EVE, channelId: CHANNEL, text: 'Please fix the typo on the pricing page asap', ts: other }));
    await settle(t);
    const eveNudge = t.fake.callsTo('chat.postEphemeral')[0]!;
    const no = buttonsIn(eveNudge.args as Json).find((b) => b.label === 'Not a work request')!;
    await click(t, { userId: EVE, channelId: CHANNEL, actionId: no.action_id, value: no.value, responseId: 'nudge-no', ephemeral: true });
    expect(t.fake.responsesTo('nudge-no').map((r) => textOf(r)).join()).toContain('Noted: not a work request');
    expect(await prisma().interception.findFirstOrThrow({ where: { messageId: other } })).toMatchObject({ outcome: 'not-a-request', undoneById: await personId(EVE) });
    expect(await prisma().intakeItem.count()).toBe(6);
  });

  it('interception, auto mode: the item is created, the thread told; a team member’s Not a work request withdraws it', async () => {
    w.goTo(0, '11:30');
    const refused = await t.po('intercept auto', { userId: SAM, channelId: CHANNEL });
    expect(refused.reply).toContain('Only the PO (pat), an admin (ann) or a member of Checkout can change how work requests are caught');
    const set = await t.po('intercept auto', { userId: BOB, channelId: CHANNEL });
    expect(set.reply).toContain('Done: work requests in team Checkout’s channel are now *auto*');
    expect((await t.po('intercept', { userId: SAM, channelId: CHANNEL })).reply).toContain('*auto*');

    const msgTs = nextTs();
    await postEvent(t.baseUrl, channelMessageEvent({ userId: EVE, channelId: CHANNEL, text: '@bob could you change the banner colour to green before the launch? It is urgent', ts: msgTs }));
    await settle(t);
    expect(await item(7)).toMatchObject({ source: 'intercept', requesterId: await personId(EVE), status: 'new' });
    const post = postsIn(t, CHANNEL, msgTs)[0]!;
    const postText = textOf(post.args as Json);
    expect(postText).toContain(`<@${EVE}>, this reads like a work request, so it is in the PO’s intake as *#7*`);
    expect(postText).toContain('Team: this is in the PO’s intake as #7 — please don’t start it until the PO decides.');
    expect(postText).toMatch(/Why I caught it: .*change/);
    expect(t.fake.callsTo('chat.postEphemeral')).toEqual([]);

    // Sam (not on the team, not the author) may not undo it; Alice (on the team) may.
    const postTs = tsOf(t, post);
    await clickButton(t, { userId: SAM, channelId: CHANNEL, ts: postTs, label: 'Not a work request', responseId: 'nar-sam' });
    expect(t.fake.responsesTo('nar-sam').map((r) => textOf(r)).join()).toContain('Only someone on team Checkout, the person who wrote it, or the PO can say this is not a work request.');
    expect((await item(7)).status).toBe('new');
    await clickButton(t, { userId: ALI, channelId: CHANNEL, ts: postTs, label: 'Not a work request', responseId: 'nar-ali' });
    await settle(t);
    expect(t.fake.responsesTo('nar-ali', 'accepted')).toEqual([expect.objectContaining({ replace_original: true })]);
    expect(textOf(t.fake.shown(postTs))).toContain(`<@${ALI}> marked this as not a work request: #7 is withdrawn from the PO’s intake.`);
    expect(await item(7)).toMatchObject({ status: 'withdrawn' });
    expect(await prisma().interception.findFirstOrThrow({ where: { messageId: msgTs } })).toMatchObject({ outcome: 'not-a-request', undoneById: await personId(ALI) });
    expect(await prisma().auditEvent.count({ where: { action: 'intake.not-a-request' } })).toBe(2);

    // off: nothing is caught.
    await t.po('intercept off', { userId: BOB, channelId: CHANNEL });
    await postEvent(t.baseUrl, channelMessageEvent({ userId: EVE, channelId: CHANNEL, text: 'Can you add a logout button please?', ts: nextTs() }));
    await settle(t);
    expect(await prisma().intakeItem.count()).toBe(7);
    await t.po('intercept nudge', { userId: BOB, channelId: CHANNEL });
  });

  it('/po queue: the PO sees untriaged requests oldest first with age, demand and urgency; others see their own', async () => {
    w.goTo(0, '11:40');
    const po = await t.po('queue', { userId: PAT, channelId: `D${PAT}` });
    expect(po.reply).toContain('*Waiting for your decision: 3* (oldest first)');
    const lines = po.reply.split('\n').filter((l) => /^\*#\d+\*/.test(l));
    expect(lines.map((l) => /^\*(#\d+)\*/.exec(l)![1])).toEqual(['#4', '#5', '#6']);
    expect(lines[0]).toMatch(/· waiting 30 min of working time · 1 person asks · normal urgency · from <@U0SAM00001>/);
    const sam = await t.po('queue', { userId: SAM, channelId: CHANNEL });
    expect(sam.reply).toContain('*Your requests (3)*, newest first:');
    expect(sam.reply).toContain('*#1* Export orders to CSV — shipped');
    expect(sam.reply).not.toContain('#7');
  });

  it('requests untriaged for more than 3 working days are flagged to the PO once a day', async () => {
    await runJobs(3, '10:00'); // Thursday: under three working days
    expect(dmTexts(PAT).filter((x) => x.startsWith('⏰'))).toEqual([]);
    await runJobs(4, '11:45'); // Friday, 3 working days and 5 minutes after #4..#6 came in
    const flagged = dmTexts(PAT).filter((x) => x.startsWith('⏰'));
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toContain('3 requests have waited more than 3 working days for your decision');
    await runJobs(4, '15:00');
    expect(dmTexts(PAT).filter((x) => x.startsWith('⏰'))).toHaveLength(1);
    expect((await item(4)).lastFlaggedDay).toBe(w.at(4, '10:00').toISOString().slice(0, 10));
  });

  it('after a handover, the requests waiting for a decision go to the new PO', async () => {
    w.goTo(4, '16:00');
    const handed = await t.po(`owner <@${BOB}>`, { userId: PAT, channelId: CHANNEL });
    expect(handed.reply).toContain('3 requests waiting for a decision go to the new PO within a minute.');
    await runJobs(4, '16:02');
    const toBob = dmTexts(BOB).filter((x) => x.includes('new requests for your intake'));
    expect(toBob).toHaveLength(1);
    for (const n of [4, 5, 6]) expect(toBob[0]).toContain(`*#${n}*`);
    expect(toBob[0]).not.toContain('*#1*');
  });
});
