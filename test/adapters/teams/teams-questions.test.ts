import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ASK_PO_COMMAND } from '../../../src/adapters/teams/teams-turn.js';
import { cardText, createdChatId, type ConnectorCall, type FakeMember, type SentActivity } from '../../support/fake-bot-connector.js';
import {
  BOT,
  CHANNEL_ID,
  channelMessage,
  channelPost,
  invoke,
  membersAdded,
  messageAction,
  OTHER_CHANNEL_ID,
  person,
  personalConversationId,
  personalMessage,
  TEAM_ID,
  TENANT_ID,
  type PersonalWhere,
} from '../../support/teams-activities.js';
import { startTeamsTestApp, type TeamsTestApp } from '../../support/teams-test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';

const ANN = person('ann', 1); // sets the product up → admin
const PAT = person('pat', 2); // the Product Owner
const ALI = person('alice', 3); // on team Checkout's roster
const BOB = person('bob', 4); // on team Checkout's roster
const SAM = person('sam', 5); // a customer, in the team, whom the PO hands a question to

interface Card {
  body: unknown[];
  actions?: unknown[];
}
type Action = { type: string; title: string; verb?: string; data: Record<string, unknown> };
type Dialog = { task: { type: string; value: { title: string; card: { contentType: string; content: Card } } } };

/** Every action on a card, wherever it sits. */
function actionsOf(card: unknown): Action[] {
  const found: Action[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Action.')) found.push(o as unknown as Action);
    Object.values(o).forEach(walk);
  };
  walk(card);
  return found;
}
/** Every TextRun with a link (Action.OpenUrl) on a card: [text, url]. */
function linksOf(card: unknown): [string, string][] {
  const found: [string, string][] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as { type?: string; text?: string; selectAction?: { type?: string; url?: string } };
    if (o.type === 'TextRun' && o.selectAction?.type === 'Action.OpenUrl') found.push([o.text!, o.selectAction.url!]);
    Object.values(o).forEach(walk);
  };
  walk(card);
  return found;
}
const cardOf = (activity: Record<string, unknown>) => (activity.attachments as { content: Card }[])[0]!.content;
/** The buttons' titles (a link's Action.OpenUrl has none). */
const buttons = (card: unknown) => actionsOf(card).filter((a) => a.title !== undefined).map((a) => a.title);
const button = (card: unknown, title: string) => {
  const found = actionsOf(card).find((a) => a.title === title);
  if (!found) throw new Error(`no button "${title}" on the card; it has ${JSON.stringify(buttons(card))}`);
  return found;
};
const dialogOf = (body: unknown) => (body as Dialog).task;

describe.each(testDatabaseKinds())('Teams: questions to the PO (%s)', (kind) => {
  let t: TeamsTestApp;
  let serviceUrl: string;
  /** Pat's 1:1 chat with po-desk, which po-desk created to welcome the new PO. */
  let patChat: PersonalWhere;

  beforeAll(async () => {
    t = await startTeamsTestApp(kind);
    serviceUrl = t.fake.url;
    t.fake.setRoster(TEAM_ID, [ANN, PAT, ALI, BOB, SAM, { id: BOT.id, name: BOT.name, aadObjectId: '' } as FakeMember]);
    patChat = { personal: true, serviceUrl, conversationId: createdChatId(PAT) };
    await t.send(membersAdded(ANN, [{ id: BOT.id }], serviceUrl));
    for (const text of ['owner', 'team Checkout']) {
      const step = channelMessage(ANN, text, { serviceUrl }, text === 'owner' ? [PAT] : []);
      await t.send(step);
      await t.fake.waitForSent((s) => s.replyToId === step.id);
    }
    await t.fake.waitForSent((s) => s.conversationId === createdChatId(PAT) && s.text.includes('You are the Product Owner'));
    await outboxSettled();
  });
  afterAll(async () => t?.stop());

  // The outbox sends after a test's own checks, so each test waits for it to settle before it is checked.
  beforeEach(() => t.fake.reset());
  afterEach(async () => {
    await outboxSettled();
    expect(t.fake.unexpected).toEqual([]);
    expect(t.fake.calls.filter((c) => c.status >= 300 && !plannedRefusal(c)).map(describeCall)).toEqual([]);
  });

  const prisma = () => t.app.db.prisma;
  const personOf = (p: FakeMember) => prisma().person.findFirstOrThrow({ where: { platformUserId: p.aadObjectId } });
  const where = () => ({ serviceUrl });
  /**
   * The one refusal these tests plan for: a picked person is first looked for in the roster of the 1:1 chat
   * the card was used in (just the PO and po-desk), which Teams answers 404 before po-desk asks the teams.
   */
  const plannedRefusal = (c: ConnectorCall) => c.method === 'getMember' && c.status === 404 && c.conversationId === createdChatId(PAT);
  const describeCall = (c: ConnectorCall) => `${c.status} ${c.method} ${c.conversationId ?? ''} ${c.activityId ?? ''}`.trim();
  async function outboxSettled(): Promise<void> {
    const until = Date.now() + 10_000;
    while ((await prisma().outboxMessage.count({ where: { status: 'pending' } })) > 0) {
      if (Date.now() > until) throw new Error('the outbox still has pending messages');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  /** What po-desk sent in a channel thread (replies to its root). */
  const inThread = (rootId: string) => t.fake.sent.filter((s) => s.method === 'reply' && s.conversationId === `${CHANNEL_ID};messageid=${rootId}`);

  interface Asked {
    anchor: SentActivity;
    dm: SentActivity;
    questionId: string;
  }
  /** Alice asks by mentioning po-desk; returns the anchor in the channel and the PO's card. */
  async function ask(text: string): Promise<Asked> {
    const mention = channelMessage(ALI, text, where());
    await t.send(mention);
    const anchor = await t.fake.waitForSent((s) => s.method === 'send' && s.conversationId === CHANNEL_ID && s.text.includes(text));
    const dm = await t.fake.waitForSent((s) => s.conversationId === createdChatId(PAT) && s.method === 'send' && s.text.includes(text));
    await t.fake.waitForSent((s) => s.replyToId === mention.id);
    const question = await prisma().question.findFirstOrThrow({ where: { text } });
    return { anchor, dm, questionId: question.id };
  }

  it('asks the PO by @mention: the question is posted in the channel, the asker answered in their thread, the PO gets a card', async () => {
    // "<at>po-desk</at> Should <at>Sam</at> see prices before login?": Sam's mention stays as "@Sam".
    const base = channelMessage(ALI, 'x', where(), [SAM]);
    const mention = { ...base, text: '<at>po-desk</at> Should <at>Sam</at> see prices before login?' };
    expect((await t.send(mention)).status).toBe(200);

    const anchor = await t.fake.waitForSent((s) => s.method === 'send' && s.conversationId === CHANNEL_ID);
    expect(anchor.text).toContain('Question for the PO from Alice:');
    expect(anchor.text).toContain('Should @Sam see prices before login?');
    expect(buttons(cardOf(anchor.activity))).toEqual(['Mark resolved']);

    // Teams has no reply only the asker sees in a channel: the answer to Alice is in her message's thread.
    const toAsker = await t.fake.waitForSent((s) => s.replyToId === mention.id);
    expect(toAsker.conversationId).toBe(`${CHANNEL_ID};messageid=${mention.id}`);
    expect(toAsker.text).toContain('Sent to Pat (the Product Owner) as Q1');

    const dm = await t.fake.waitForSent((s) => s.conversationId === createdChatId(PAT) && s.text.includes('Q1 from team Checkout'));
    expect(dm.text).toContain('Should @Sam see prices before login?');
    const card = cardOf(dm.activity);
    expect(buttons(card)).toEqual(['Answer', 'I’m on it', 'Ask a customer']);
    expect(actionsOf(card).filter((a) => a.title !== undefined).map((a) => [a.type, (a.data as { msteams?: { type?: string } }).msteams?.type])).toEqual([
      ['Action.Submit', 'task/fetch'], // opens the answer form as a dialog
      ['Action.Execute', undefined],
      ['Action.Submit', 'task/fetch'],
    ]);
    // "open the question" is a deep link to the anchor message in the channel.
    const [[label, url]] = linksOf(card) as [[string, string]];
    expect(label).toBe('open the question');
    const link = new URL(url);
    expect(`${link.origin}${link.pathname}`).toBe(`https://teams.microsoft.com/l/message/${encodeURIComponent(CHANNEL_ID)}/${anchor.id}`);
    expect(Object.fromEntries(link.searchParams)).toEqual({ tenantId: TENANT_ID, parentMessageId: anchor.id, createdTime: anchor.id });

    expect(await prisma().question.findFirstOrThrow({ include: { asker: true } })).toMatchObject({
      number: 1,
      text: 'Should @Sam see prices before login?',
      source: 'mention',
      asker: { platformUserId: ALI.aadObjectId },
    });
  });

  it('keeps mentions in a question typed as "ask …", and treats a known subcommand ending in "?" as the command', async () => {
    const typed = channelMessage(BOB, 'ask Can', where(), [SAM]);
    await t.send({ ...typed, text: '<at>po-desk</at> ask Can <at>Sam</at> try the beta?' });
    const anchor = await t.fake.waitForSent((s) => s.method === 'send' && s.conversationId === CHANNEL_ID && s.text.includes('beta'));
    expect(anchor.text).toContain('Can @Sam try the beta?');
    expect(await prisma().question.findFirstOrThrow({ where: { text: 'Can @Sam try the beta?' } })).toMatchObject({ source: 'command' });

    const command = channelMessage(BOB, 'owner?', where());
    await t.send(command);
    expect((await t.fake.waitForSent((s) => s.replyToId === command.id)).text).not.toContain('Question');
    const notAQuestion = channelMessage(BOB, 'hello there', where());
    await t.send(notAQuestion);
    expect((await t.fake.waitForSent((s) => s.replyToId === notAQuestion.id)).text).toContain('/po help');
    expect(await prisma().question.count({ where: { asker: { platformUserId: BOB.aadObjectId } } })).toBe(1);
  });

  it('answers from the PO card: a dialog with the form, then the answer in the thread and both cards updated', async () => {
    const q = await ask('Do we support IE11?');
    const answer = button(cardOf(q.dm.activity), 'Answer');

    const fetched = await t.send(invoke(PAT, 'task/fetch', { data: answer.data, context: { theme: 'default' } }, patChat, q.dm.id));
    const dialog = dialogOf(fetched.body);
    expect(dialog.type).toBe('continue');
    expect(dialog.value.title).toBe('Answer the question');
    const form = dialog.value.card.content;
    expect(cardText(form)).toContain('Do we support IE11?'); // the question, as a hint
    expect(form.body).toContainEqual(expect.objectContaining({ type: 'Input.Text', id: 'answer', isMultiline: true, isRequired: true }));
    const submit = button(form, 'Post answer');

    const submitted = await t.send(invoke(PAT, 'task/submit', { data: { ...submit.data, answer: 'No: Edge and the last two versions of the others.' }, context: { theme: 'default' } }, patChat));
    expect(cardText(dialogOf(submitted.body).value.card.content)).toContain('is posted in the question’s thread in team Checkout’s channel');

    const posted = await t.fake.waitForSent((s) => s.method === 'reply' && s.replyToId === q.anchor.id);
    expect(posted.conversationId).toBe(`${CHANNEL_ID};messageid=${q.anchor.id}`);
    expect(posted.text).toContain('Alice, an answer from Pat:');
    expect(posted.text).toContain('No: Edge and the last two versions of the others.');
    const anchor = await t.fake.waitForSent((s) => s.method === 'update' && s.updatedId === q.anchor.id);
    expect(anchor.conversationId).toBe(CHANNEL_ID);
    expect(anchor.text).toContain('✅ Answered by Pat');
    const dm = await t.fake.waitForSent((s) => s.method === 'update' && s.updatedId === q.dm.id);
    expect(dm.conversationId).toBe(createdChatId(PAT));
    expect(buttons(cardOf(dm.activity))).toEqual(['Answer again']);
    // A card's "Alice" notifies nobody on Teams: Alice hears of the answer in her chat with po-desk.
    const told = await t.fake.waitForSent((s) => s.conversationId === createdChatId(ALI) && s.text.includes('has an answer from Pat'));
    expect(told.text).toContain('No: Edge and the last two versions of the others.');
    expect(await prisma().question.findUniqueOrThrow({ where: { id: q.questionId } })).toMatchObject({ firstResponseKind: 'answer', answerText: 'No: Edge and the last two versions of the others.' });
  });

  it("marks the question \"I'm on it\" from the PO card: the card refreshes at once, the team is told in the thread", async () => {
    const q = await ask('Can we drop the legacy export?');
    const onIt = button(cardOf(q.dm.activity), 'I’m on it');
    expect(onIt.type).toBe('Action.Execute');

    const res = await t.send(invoke(PAT, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: onIt.verb, data: onIt.data }, trigger: 'manual' }, patChat, q.dm.id));
    const refreshed = res.body as { statusCode: number; type: string; value: Card };
    expect(refreshed).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(cardText(refreshed.value)).toContain('👀 Pat is on it');
    expect(buttons(refreshed.value)).toEqual(['Answer', 'Ask a customer']);

    const told = await t.fake.waitForSent((s) => s.method === 'reply' && s.replyToId === q.anchor.id);
    expect(told.text).toBe('Pat is on it and will answer here.');
    expect((await t.fake.waitForSent((s) => s.method === 'update' && s.updatedId === q.anchor.id)).text).toContain('👀 Pat is on it');
    expect(await prisma().question.findUniqueOrThrow({ where: { id: q.questionId } })).toMatchObject({ firstResponseKind: 'on-it', answeredAt: null });
  });

  it("takes the PO's plain reply in the question's thread (no mention) as the answer, and nobody else's", async () => {
    const q = await ask('Is the Friday release still on?');
    const thread = { ...where(), threadId: q.anchor.id };

    // Alice (who asked) replies in the thread: that is conversation, not an answer.
    expect((await t.send(channelPost(ALI, 'Asking because QA is short-staffed.', thread))).status).toBe(200);
    await outboxSettled();
    expect(await prisma().question.findUniqueOrThrow({ where: { id: q.questionId } })).toMatchObject({ answeredAt: null, firstResponseAt: null });

    const reply = channelPost(PAT, 'Yes. Friday 10:00, as planned.', thread);
    expect((await t.send(reply)).status).toBe(200);
    const anchor = await t.fake.waitForSent((s) => s.method === 'update' && s.updatedId === q.anchor.id);
    expect(anchor.text).toContain('✅ Answered by Pat');
    expect((await t.fake.waitForSent((s) => s.method === 'update' && s.updatedId === q.dm.id)).text).toContain('✅ Answered by Pat');
    expect(await prisma().question.findUniqueOrThrow({ where: { id: q.questionId } })).toMatchObject({
      firstResponseKind: 'thread-reply',
      answerText: 'Yes. Friday 10:00, as planned.',
    });
    await outboxSettled();
    // Nothing is said in the thread: the PO's reply is the answer everyone already sees there.
    expect(inThread(q.anchor.id)).toEqual([]);
  });

  it('ignores channel messages that do not mention po-desk and are not in a question thread: no reply, nothing recorded', async () => {
    const count = async () => ({ outbox: await prisma().outboxMessage.count(), receipts: await prisma().inboundReceipt.count(), questions: await prisma().question.count() });
    const before = await count();
    const post = channelPost(ALI, 'Lunch at noon?', where()); // a question, but not to po-desk
    expect((await t.send(post)).status).toBe(200);
    expect((await t.send(channelPost(BOB, 'Sure, see you there', { ...where(), threadId: post.id }))).status).toBe(200);
    expect((await t.send(channelPost(PAT, 'team Payments', where()))).status).toBe(200); // a subcommand's word, not a command
    await new Promise((r) => setTimeout(r, 200));
    await outboxSettled();
    expect(t.fake.calls).toEqual([]);
    expect(await count()).toEqual({ ...before, receipts: before.receipts + 1 }); // only the thread reply was looked at
  });

  it('asks with the "Ask the PO" message action: the message becomes the question, the asker sees a dialog', async () => {
    const target = { id: '1700000200001', author: ALI, html: '<div><div><at id="0">Pat</at> can guests see prices&nbsp;before they log in?</div>\n</div>', mentions: [PAT] };
    const res = await t.send(messageAction(BOB, ASK_PO_COMMAND, target, where()));
    expect(res.status).toBe(200);
    const dialog = dialogOf(res.body);
    expect(dialog.type).toBe('continue');
    expect(dialog.value.title).toBe('Ask the PO');
    expect(cardText(dialog.value.card.content)).toContain('Sent to Pat (the Product Owner) as Q');

    const anchor = await t.fake.waitForSent((s) => s.method === 'send' && s.conversationId === CHANNEL_ID && s.text.includes('guests see prices'));
    expect(anchor.text).toContain('Question for the PO from Bob:');
    expect(anchor.text).toContain('@Pat can guests see prices before they log in?');
    await t.fake.waitForSent((s) => s.conversationId === createdChatId(PAT) && s.text.includes('@Pat can guests see prices before they log in?'));
    const question = await prisma().question.findFirstOrThrow({ where: { text: '@Pat can guests see prices before they log in?' }, include: { asker: true } });
    expect(question).toMatchObject({ source: 'shortcut', asker: { platformUserId: BOB.aadObjectId } });
    // The asker's answer is the dialog: nothing is posted in the message's thread.
    await outboxSettled();
    expect(inThread(target.id)).toEqual([]);
  });

  it('refuses the message action outside a team channel, with the hint to make the channel a team', async () => {
    const target = { id: '1700000200002', author: ALI, html: '<p>Why is the build red?</p>' };
    const unbound = await t.send(messageAction(BOB, ASK_PO_COMMAND, target, { ...where(), channelId: OTHER_CHANNEL_ID }));
    expect(cardText(dialogOf(unbound.body).value.card.content)).toContain('/po team <name>');

    // In a chat between two people (not with po-desk): refused, and that chat is not taken for Bob's 1:1 with po-desk.
    const chat = 'a:1on1-between-bob-and-alice';
    const personal = await t.send(messageAction(BOB, ASK_PO_COMMAND, target, { personal: true, serviceUrl, conversationId: chat }));
    expect(cardText(dialogOf(personal.body).value.card.content)).toContain('/po team <name>');
    expect(await prisma().teamsConversation.findUnique({ where: { id: chat } })).toBeNull();
    expect(await prisma().question.count({ where: { text: 'Why is the build red?' } })).toBe(0);
    expect(personalConversationId(BOB)).not.toBe(chat);
  });

  it('hands a question to a customer picked in a people picker, who answers into the thread', async () => {
    const q = await ask('Which invoice format do you need?');
    const handoff = button(cardOf(q.dm.activity), 'Ask a customer');

    const fetched = dialogOf((await t.send(invoke(PAT, 'task/fetch', { data: handoff.data, context: { theme: 'default' } }, patChat, q.dm.id))).body);
    expect(fetched.value.title).toBe('Ask a customer');
    const form = fetched.value.card.content;
    // Teams' people picker: it searches the organisation and submits the person's AAD object id.
    expect(form.body).toContainEqual(
      expect.objectContaining({ type: 'Input.ChoiceSet', id: 'person', 'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' } }),
    );
    const submit = button(form, 'Ask them');
    const done = dialogOf((await t.send(invoke(PAT, 'task/submit', { data: { ...submit.data, person: SAM.aadObjectId, note: 'You built the invoices.' } }, patChat))).body);
    expect(cardText(done.value.card.content)).toContain('I sent Sam');

    // Sam never wrote to po-desk: found in the team's members, then a new 1:1 for the question.
    const toSam = await t.fake.waitForSent((s) => s.conversationId === createdChatId(SAM));
    expect(toSam.text).toContain('would like you to answer a question from Alice');
    expect(toSam.text).toContain('You built the invoices.');
    expect((await t.fake.waitForSent((s) => s.method === 'reply' && s.replyToId === q.anchor.id)).text).toContain('Pat asked Sam to answer this directly');

    const samChat: PersonalWhere = { personal: true, serviceUrl, conversationId: createdChatId(SAM) };
    const answer = button(cardOf(toSam.activity), 'Answer');
    const samForm = dialogOf((await t.send(invoke(SAM, 'task/fetch', { data: answer.data }, samChat, toSam.id))).body).value.card.content;
    await t.send(invoke(SAM, 'task/submit', { data: { ...button(samForm, 'Post answer').data, answer: 'ZUGFeRD, please.' } }, samChat));
    const posted = await t.fake.waitForSent((s) => s.method === 'reply' && s.replyToId === q.anchor.id && s.text.includes('ZUGFeRD'));
    expect(posted.text).toContain('Alice, an answer from Sam (asked by the PO to answer):');
    expect(await prisma().question.findUniqueOrThrow({ where: { id: q.questionId } })).toMatchObject({
      firstResponseKind: 'handoff',
      handedToId: (await personOf(SAM)).id,
      answeredById: (await personOf(SAM)).id,
      answerText: 'ZUGFeRD, please.',
    });
  });

  it('marks the question resolved from the anchor card in the channel: the asker may, others may not', async () => {
    const q = await ask('Shall we rename Checkout to Pay?');
    const resolve = button(cardOf(q.anchor.activity), 'Mark resolved');
    const onAnchor = { ...where(), threadId: q.anchor.id };
    const click = (who: FakeMember) => invoke(who, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: resolve.verb, data: resolve.data }, trigger: 'manual' }, onAnchor, q.anchor.id);

    const byBob = await t.send(click(BOB));
    expect(byBob.body).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: expect.stringContaining('Only Alice, who asked, or the Product Owner') as unknown });
    expect(await prisma().question.findUniqueOrThrow({ where: { id: q.questionId } })).toMatchObject({ resolvedAt: null });

    const byAlice = await t.send(click(ALI));
    const refreshed = byAlice.body as { statusCode: number; type: string; value: Card };
    expect(refreshed.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(refreshed.value)).toContain('☑️ Resolved by Alice');
    expect(buttons(refreshed.value)).toEqual(['Reopen']);
    // The PO's copy follows through the outbox, with nothing left to do on it.
    const dm = await t.fake.waitForSent((s) => s.method === 'update' && s.updatedId === q.dm.id);
    expect(dm.text).toContain('☑️ Resolved by Alice');
    expect(buttons(cardOf(dm.activity))).toEqual([]);
    expect(await prisma().question.findUniqueOrThrow({ where: { id: q.questionId } })).toMatchObject({ resolvedById: (await personOf(ALI)).id });
  });

  it('still treats every message in a 1:1 chat as a command, and refuses a question there with where to ask it', async () => {
    await t.send(personalMessage(ALI, 'questions', serviceUrl));
    const list = await t.fake.waitForSent((s) => s.conversationId === personalConversationId(ALI));
    expect(list.text).toContain('Should @Sam see prices before login?');
    await t.send(personalMessage(ALI, 'Should guests see prices?', serviceUrl));
    const refused = await t.fake.waitForSent((s) => s.conversationId === personalConversationId(ALI) && s.text.includes('team’s channel'));
    expect(refused.text).toContain('/po team <name>');
    expect(await prisma().question.count({ where: { text: 'Should guests see prices?' } })).toBe(0);
  });

  it('keeps a question’s markup literal on the anchor and the PO card: no mentions, links, formatting or date macros', async () => {
    // As Teams delivers it: HTML, so a typed "&" arrives as &amp; and a typed <at> as &lt;at&gt;.
    const typed = 'Should **bold** [x](https://evil.example) &lt;at&gt;Pat&lt;/at&gt; {{DATE(2026-01-01T00:00:00Z)}} &amp; ship?';
    await t.send(channelMessage(ALI, typed, where()));
    const anchor = await t.fake.waitForSent((s) => s.method === 'send' && s.conversationId === CHANNEL_ID && s.text.includes('**bold**'));
    const dm = await t.fake.waitForSent((s) => s.conversationId === createdChatId(PAT) && s.method === 'send' && s.text.includes('**bold**'));
    const q = { anchor, dm, questionId: (await prisma().question.findFirstOrThrow({ where: { text: { contains: '**bold**' } } })).id };
    expect(cardText(anchor.activity)).toContain('<at>Pat</at>');
    expect(cardText(anchor.activity)).toContain(' & ship?');
    for (const sent of [q.anchor, q.dm]) {
      const raw = JSON.stringify(sent.activity);
      expect(raw).not.toContain('evil.example"'); // never a link target
      expect(raw).not.toMatch(/"type":"mention"/);
      expect(raw).not.toMatch(/"type":"TextBlock"/); // TextRuns only: Teams reads no Markdown there
      expect(raw).not.toContain('{{DATE(');
    }
    const stored = await prisma().question.findUniqueOrThrow({ where: { id: q.questionId } });
    expect(stored.text).toContain('**bold** [x](https://evil.example)');
    expect(cardText(q.anchor.activity)).toContain('**bold** [x](https://evil.example)');
  });
});
