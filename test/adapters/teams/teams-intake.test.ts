/**
 * The PO's intake queue on Teams: "Send to PO intake" as a message action, interception of channel messages
 * (delivered with ChannelMessage.Read.Group), the PO's card with the decisions as dialogs and universal
 * actions, the requester told in their chat with po-desk, and non-PO clicks refused.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEND_TO_INTAKE_COMMAND } from '../../../src/adapters/teams/teams-turn.js';
import { cardText, createdChatId, type FakeMember } from '../../support/fake-bot-connector.js';
import {
  BOT, CHANNEL_ID, channelMessage, channelPost, invoke, membersAdded, messageAction, person, TEAM_ID, type PersonalWhere,
} from '../../support/teams-activities.js';
import { buttonOf as button, buttonTitles as buttons, cardOf, dialogOf, type Card } from '../../support/teams-cards.js';
import { startTeamsTestApp, type TeamsTestApp } from '../../support/teams-test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';

const ANN = person('ann', 1);
const PAT = person('pat', 2); // the Product Owner
const ALI = person('alice', 3); // on team Checkout's roster
const BOB = person('bob', 4); // on team Checkout's roster
const SAM = person('sam', 5); // a stakeholder: in the Teams team, not on the roster

describe.each(testDatabaseKinds())('Teams: the PO’s intake queue (%s)', (kind) => {
  let t: TeamsTestApp;
  let serviceUrl: string;
  let patChat: PersonalWhere;
  let samChat: PersonalWhere;
  /** The PO's card for #1 (each test starts with the fake's record of sent activities cleared). */
  let firstCard: Awaited<ReturnType<TeamsTestApp['fake']['waitForSent']>>;

  beforeAll(async () => {
    t = await startTeamsTestApp(kind);
    serviceUrl = t.fake.url;
    const bot = { id: BOT.id, name: BOT.name, aadObjectId: '' } as FakeMember;
    t.fake.setRoster(TEAM_ID, [ANN, PAT, ALI, BOB, bot]);
    patChat = { personal: true, serviceUrl, conversationId: createdChatId(PAT) };
    samChat = { personal: true, serviceUrl, conversationId: createdChatId(SAM) };
    await t.send(membersAdded(ANN, [{ id: BOT.id }], serviceUrl));
    for (const text of ['owner', 'team Checkout']) {
      const step = channelMessage(ANN, text, { serviceUrl }, text === 'owner' ? [PAT] : []);
      await t.send(step);
      await t.fake.waitForSent((s) => s.replyToId === step.id);
    }
    // Sam joins the Teams team after the roster was seeded: a stakeholder who reads the channel.
    t.fake.setRoster(TEAM_ID, [ANN, PAT, ALI, BOB, SAM, bot]);
    await outboxSettled();
  });
  afterAll(async () => t?.stop());
  beforeEach(() => t.fake.reset());
  afterEach(async () => {
    await outboxSettled();
    expect(t.fake.unexpected).toEqual([]);
  });

  const prisma = () => t.app.db.prisma;
  const where = () => ({ serviceUrl });
  const personOf = (p: FakeMember) => prisma().person.findFirstOrThrow({ where: { platformUserId: p.aadObjectId } });
  async function outboxSettled(): Promise<void> {
    const until = Date.now() + 10_000;
    while ((await prisma().outboxMessage.count({ where: { status: 'pending' } })) > 0) {
      if (Date.now() > until) throw new Error('the outbox still has pending messages');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const inThread = (rootId: string) => t.fake.sent.filter((s) => s.method === 'reply' && s.conversationId === `${CHANNEL_ID};messageid=${rootId}`);
  /** The intake job as the scheduler runs it two minutes from now: new items are a minute old by then. */
  let minutesAhead = 0;
  async function sendBatches(): Promise<void> {
    minutesAhead += 2;
    await t.app.scheduler.tick(new Date(Date.now() + minutesAhead * 60_000));
    await outboxSettled();
  }

  it('“Send to PO intake” on a stakeholder’s message makes an item; the thread is told; the PO gets a card', async () => {
    const target = { id: '1765000000001', author: SAM, html: '<p>Could the invoice PDF show our <b>VAT number</b>?</p>' };
    t.fake.knowActivity(CHANNEL_ID, target.id); // Sam posted it in the channel (po-desk's reply goes in its thread)
    const used = await t.send(messageAction(ALI, SEND_TO_INTAKE_COMMAND, target, where()));
    expect(used.status).toBe(200);
    const dialog = dialogOf(used.body);
    expect(dialog.value.title).toBe('Send to PO intake');
    expect(cardText(dialog.value.card.content)).toContain('Sent to the PO’s intake as #1, with Sam as the requester.');
    expect(await prisma().intakeItem.findFirstOrThrow({ where: { number: 1 } })).toMatchObject({
      title: 'Could the invoice PDF show our VAT number?',
      source: 'shortcut',
      requesterId: (await personOf(SAM)).id,
      createdById: (await personOf(ALI)).id,
      link: `https://teams.microsoft.com/l/message/${CHANNEL_ID}/${target.id}`,
    });
    await outboxSettled();
    const told = inThread(target.id).map((s) => s.text).join('\n');
    expect(told).toContain('Alice sent this to the PO’s intake as #1 “Could the invoice PDF show our VAT number?” on behalf of Sam.');
    expect(told).toContain('please don’t start it until the PO decides');

    await sendBatches();
    const card = await t.fake.waitForSent((s) => s.conversationId === createdChatId(PAT) && s.text.includes('New request for your intake'));
    expect(card.text).toContain('#1 “Could the invoice PDF show our VAT number?” from Sam · team Checkout');
    expect(buttons(cardOf(card.activity))).toEqual(['Accept', 'Decline', 'Need info', 'Duplicate of…']);
    firstCard = card;
  });

  it('only the PO decides: Alice opening a triage dialog is refused and nothing changes', async () => {
    const decline = button(cardOf(firstCard.activity), 'Decline');
    const fetched = await t.send(invoke(ALI, 'task/fetch', { data: decline.data, context: { theme: 'default' } }, { personal: true, serviceUrl, conversationId: createdChatId(ALI) }));
    expect(cardText(dialogOf(fetched.body).value.card.content)).toContain('Only the Product Owner (Pat) can decide about requests in the intake. Nothing was changed.');
    expect((await prisma().intakeItem.findFirstOrThrow({ where: { number: 1 } })).status).toBe('new');
  });

  it('Decline from the PO card: a dialog asks why; Sam reads the reason in his chat with po-desk', async () => {
    const card = firstCard;
    const decline = button(cardOf(card.activity), 'Decline');
    const fetched = await t.send(invoke(PAT, 'task/fetch', { data: decline.data, context: { theme: 'default' } }, patChat, card.id));
    const form = dialogOf(fetched.body).value.card.content;
    expect(dialogOf(fetched.body).value.title).toBe('Decline the request');
    expect(form.body).toContainEqual(expect.objectContaining({ type: 'Input.Text', id: 'reason', isRequired: true }));
    const submit = button(form, 'Decline');
    const submitted = await t.send(invoke(PAT, 'task/submit', { data: { ...submit.data, reason: 'Finance gets the VAT number from the ledger.' }, context: { theme: 'default' } }, patChat));
    expect(cardText(dialogOf(submitted.body).value.card.content)).toContain('#1 is declined.');
    const told = await t.fake.waitForSent((s) => s.conversationId === createdChatId(SAM) && s.text.includes('decided not to take on'));
    expect(told.text).toContain('Pat decided not to take on #1 “Could the invoice PDF show our VAT number?”.');
    expect(told.text).toContain('The reason: Finance gets the VAT number from the ledger.');
    const updated = await t.fake.waitForSent((s) => s.method === 'update' && s.updatedId === card.id);
    expect(updated.text).toContain('🚫 Declined by Pat');
    expect(buttons(cardOf(updated.activity))).toEqual([]);
  });

  async function poCardWith(label: string) {
    return t.fake.waitForSent((s) => s.conversationId === createdChatId(PAT) && s.method === 'send' && s.text.includes(label));
  }

  it('interception in auto mode: Sam’s plain channel post becomes an item; Bob says it is not a work request', async () => {
    const set = channelMessage(ALI, 'intercept auto', where());
    await t.send(set);
    expect((await t.fake.waitForSent((s) => s.replyToId === set.id)).text).toContain('are now auto');

    // Alice (on the roster) asking the same is the team talking: not caught.
    await t.send(channelPost(ALI, 'Can you add the retry to the payment job by Friday?', where()));
    await outboxSettled();
    expect(await prisma().interception.count()).toBe(0);

    const post = channelPost(SAM, 'Hi team, can you quickly add a CSV export to the orders page? We need it by Friday.', where());
    expect((await t.send(post)).status).toBe(200);
    await outboxSettled();
    const item = await prisma().intakeItem.findFirstOrThrow({ where: { number: 2 } });
    expect(item).toMatchObject({ source: 'intercept', requesterId: (await personOf(SAM)).id, status: 'new' });
    const told = inThread(post.id).at(-1)!;
    expect(told.text).toContain('Sam, this reads like a work request, so it is in the PO’s intake as #2');
    expect(told.text).toContain('Team: this is in the PO’s intake as #2 — please don’t start it until the PO decides.');
    expect(told.text).toMatch(/Why I caught it: .*add/);

    const notRequest = button(cardOf(told.activity), 'Not a work request');
    expect(notRequest.type).toBe('Action.Execute');
    const res = await t.send(invoke(BOB, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: notRequest.verb, data: notRequest.data }, trigger: 'manual' }, { ...where(), threadId: post.id }, told.id));
    const refreshed = res.body as { statusCode: number; value: Card };
    expect(cardText(refreshed.value)).toContain('Bob marked this as not a work request: #2 is withdrawn from the PO’s intake.');
    expect(await prisma().intakeItem.findFirstOrThrow({ where: { number: 2 } })).toMatchObject({ status: 'withdrawn' });
    expect(await prisma().interception.findFirstOrThrow()).toMatchObject({ outcome: 'not-a-request', undoneById: (await personOf(BOB)).id });
  });

  it('interception in nudge mode: Teams has no private channel notes, so Sam is nudged in his chat with po-desk', async () => {
    const set = channelMessage(BOB, 'intercept nudge', where());
    await t.send(set);
    await t.fake.waitForSent((s) => s.replyToId === set.id);
    const post = channelPost(SAM, 'Could someone please fix the typo on the pricing page asap?', where());
    await t.send(post);
    const nudge = await t.fake.waitForSent((s) => s.conversationId === createdChatId(SAM) && s.text.includes('reads like a work request'));
    expect(nudge.text).toContain('This reads like a work request for team Checkout');
    expect(buttons(cardOf(nudge.activity))).toEqual(['Send to PO intake', 'Not a work request']);
    expect(await prisma().intakeItem.count()).toBe(2);

    const send = button(cardOf(nudge.activity), 'Send to PO intake');
    const res = await t.send(invoke(SAM, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: send.verb, data: send.data }, trigger: 'manual' }, samChat, nudge.id));
    expect(cardText((res.body as { value: Card }).value)).toContain('Sent to the PO’s intake as #3. Thank you!');
    expect(await prisma().intakeItem.findFirstOrThrow({ where: { number: 3 } })).toMatchObject({ source: 'intercept', requesterId: (await personOf(SAM)).id });
    await outboxSettled();
    expect(inThread(post.id).map((s) => s.text).join()).toContain('please don’t start it until the PO decides');
  });

  it('Accept, then Shipped from the PO card: Sam hears both', async () => {
    await sendBatches();
    const card = await poCardWith('#3');
    const accept = button(cardOf(card.activity), 'Accept');
    const fetched = await t.send(invoke(PAT, 'task/fetch', { data: accept.data, context: { theme: 'default' } }, patChat, card.id));
    const form = dialogOf(fetched.body).value.card.content;
    expect(form.body).toContainEqual(expect.objectContaining({ type: 'Input.ChoiceSet', id: 'position' }));
    const submitted = await t.send(invoke(PAT, 'task/submit', { data: { ...button(form, 'Accept').data, position: 'top' }, context: { theme: 'default' } }, patChat));
    expect(cardText(dialogOf(submitted.body).value.card.content)).toContain('#3 is accepted, at position 1 of 1 in the backlog.');
    await t.fake.waitForSent((s) => s.conversationId === createdChatId(SAM) && s.text.includes('accepted #3'));

    const updated = await t.fake.waitForSent((s) => s.method === 'update' && s.updatedId === card.id && s.text.includes('Accepted'));
    const shipped = button(cardOf(updated.activity), 'Shipped');
    const res = await t.send(invoke(PAT, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: shipped.verb, data: shipped.data }, trigger: 'manual' }, patChat, card.id));
    expect(JSON.stringify(res.body)).toContain('#3 is marked shipped.');
    const told = await t.fake.waitForSent((s) => s.conversationId === createdChatId(SAM) && s.text.includes('has shipped'));
    expect(told.text).toContain('🚀 Delivered: #3');
    expect(await prisma().intakeItem.findFirstOrThrow({ where: { number: 3 } })).toMatchObject({ status: 'shipped' });
  });
});
