/**
 * Ceremonies on Teams, on a test clock: the Daily Scrum reminder card in the team channel, "I need the
 * PO" as a dialog whose question lands in the reminder's thread, the sprint cadence as an inline form in
 * the PO's chat, and a stakeholder's RSVP on the invitation card, refreshed in place.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { zonedInstant } from '../../../src/domain/zoned-time.js';
import { cardText, createdChatId, type FakeMember } from '../../support/fake-bot-connector.js';
import { BOT, CHANNEL_ID, cardSubmit, channelMessage, invoke, membersAdded, person, personalMessage, TEAM_ID, type PersonalWhere } from '../../support/teams-activities.js';
import { buttonOf as button, cardOf, dialogOf, type Card } from '../../support/teams-cards.js';
import { startTeamsTestApp, type TeamsTestApp } from '../../support/teams-test-app.js';
import { TestClock } from '../../support/test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';

const ANN = person('ann', 1);
const PAT = person('pat', 2);
const ALI = person('alice', 3);
const SAM = person('sam', 5);

const BERLIN = 'Europe/Berlin';
const at = (date: string, hhmm: string) => zonedInstant(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), BERLIN);

describe.each(testDatabaseKinds())('Teams: ceremonies (%s)', (kind) => {
  let t: TeamsTestApp;
  let serviceUrl: string;
  const clock = new TestClock(at('2027-03-08', '08:00'));

  beforeAll(async () => {
    t = await startTeamsTestApp(kind, { clock });
    serviceUrl = t.fake.url;
    const bot = { id: BOT.id, name: BOT.name, aadObjectId: '' } as FakeMember;
    t.fake.setRoster(TEAM_ID, [ANN, PAT, ALI, bot]);
    await t.send(membersAdded(ANN, [{ id: BOT.id }], serviceUrl));
    for (const text of ['owner', 'team Checkout']) {
      const step = channelMessage(ANN, text, { serviceUrl }, text === 'owner' ? [PAT] : []);
      await t.send(step);
      await t.fake.waitForSent((s) => s.replyToId === step.id);
    }
    t.fake.setRoster(TEAM_ID, [ANN, PAT, ALI, SAM, bot]);
    const stake = channelMessage(PAT, 'stakeholder add', { serviceUrl }, [SAM]);
    await t.send(stake);
    await t.fake.waitForSent((s) => s.replyToId === stake.id);
    await outboxSettled();
  });
  afterAll(async () => t?.stop());
  afterEach(async () => {
    await outboxSettled();
    expect(t.fake.unexpected).toEqual([]);
  });

  const prisma = () => t.app.db.prisma;
  async function outboxSettled(): Promise<void> {
    const until = Date.now() + 10_000;
    while ((await prisma().outboxMessage.count({ where: { status: 'pending' } })) > 0) {
      if (Date.now() > until) throw new Error('the outbox still has pending messages');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  async function runAt(instant: Date): Promise<void> {
    clock.set(instant);
    await t.app.scheduler.tick(instant);
    await outboxSettled();
  }

  it('posts the Daily Scrum reminder in the channel; “I need the PO” asks in its thread', async () => {
    const set = channelMessage(ALI, `daily 09:30 mon-fri ${BERLIN}`, { serviceUrl });
    await t.send(set);
    expect((await t.fake.waitForSent((s) => s.replyToId === set.id)).text).toContain('Daily Scrum is at 09:30 mon-fri (Europe/Berlin), reminder 10 min before');
    await runAt(at('2027-03-08', '09:19'));
    expect(t.fake.sent.filter((s) => s.text.includes('Daily Scrum at'))).toEqual([]);
    await runAt(at('2027-03-08', '09:20'));
    const reminder = await t.fake.waitForSent((s) => s.method === 'send' && s.conversationId === CHANNEL_ID && s.text.includes('Where do you need the PO today?'));

    const need = button(cardOf(reminder.activity), 'I need the PO');
    const where = { serviceUrl, threadId: reminder.id };
    const fetched = await t.send(invoke(ALI, 'task/fetch', { data: need.data, context: { theme: 'default' } }, where, reminder.id));
    const form = dialogOf(fetched.body).value.card.content;
    const submitted = await t.send(invoke(ALI, 'task/submit', { data: { ...button(form, 'Ask the PO').data, question: 'Ten minutes on the refund rules' }, context: { theme: 'default' } }, where));
    expect(cardText(dialogOf(submitted.body).value.card.content)).toContain('Sent to Pat (the Product Owner) as Q1');
    const anchor = await t.fake.waitForSent((s) => s.method === 'reply' && s.conversationId === `${CHANNEL_ID};messageid=${reminder.id}` && s.text.includes('Ten minutes on the refund rules'));
    expect(anchor.text).toContain('Q1 · daily scrum');
    await t.fake.waitForSent((s) => s.conversationId === createdChatId(PAT) && s.text.includes('Ten minutes on the refund rules'));
  });

  it('sets the sprint cadence with the inline form in the PO’s chat; Sam answers the invitation on its card', async () => {
    const sprint = personalMessage(PAT, 'sprint', serviceUrl);
    await t.send(sprint);
    const formCard = await t.fake.waitForSent((s) => s.text.includes('Sprint cadence') || s.text.includes('First day of the first sprint'));
    const submit = button(cardOf(formCard.activity), 'Save');
    const saved = await t.send(cardSubmit(PAT, { ...submit.data, start: '2027-03-15', weeks: '2', weekday: '4', time: '14:00', timeZone: BERLIN, location: 'Room Ada' }, formCard.id, { personal: true, serviceUrl, conversationId: formCard.conversationId }));
    expect(saved.status).toBe(200);
    expect((await t.fake.waitForSent((s) => s.text.includes('Saved: 2-week sprints from 2027-03-15'))).text).toContain('reviews on the sprint’s last Thursday at 14:00 (Europe/Berlin)');

    await runAt(at('2027-03-23', '10:00'));
    const invite = await t.fake.waitForSent((s) => s.conversationId === createdChatId(SAM) && s.text.includes('Sprint 1 review'));
    expect(invite.text).toContain('Room Ada');
    const attending = button(cardOf(invite.activity), 'Attending');
    expect(attending.type).toBe('Action.Execute');
    const samChat: PersonalWhere = { personal: true, serviceUrl, conversationId: createdChatId(SAM) };
    const res = await t.send(invoke(SAM, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: attending.verb, data: attending.data }, trigger: 'manual' }, samChat, invite.id));
    expect(cardText((res.body as { value: Card }).value)).toContain('Your answer: Attending (you can change it).');
    const sam = await prisma().person.findFirstOrThrow({ where: { platformUserId: SAM.aadObjectId } });
    expect(await prisma().reviewRsvp.findFirstOrThrow({ where: { personId: sam.id } })).toMatchObject({ answer: 'yes' });
  });
});
