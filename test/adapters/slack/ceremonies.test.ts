/**
 * Ceremonies on Slack, walked through on a test clock in March 2027, when New York (14 March) and then
 * Berlin (28 March) switch to summer time: Daily Scrum reminders at the right local times in both
 * zones, a holiday skipped, "I need the PO" in the reminder's thread, a refinement note, and a whole
 * sprint review: invitations, RSVPs given and changed, agenda topics, the PO's summary, the teams'
 * agenda, the reminder, and feedback that lands in the PO's intake.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { zonedInstant } from '../../../src/domain/zoned-time.js';
import { ALI, CHANNEL, EVE, PAT, SAM } from '../../support/slack-cast.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import type { TestApp } from '../../support/test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';
import {
  buttonsIn, clickButton, dmsTo, expectAllValid, openedViews, postsIn, settle, startQuestionWorld, submit, textOf, tsOf, CHANNEL_B, KIM, type QuestionWorld,
} from './questions-world.js';

type Json = Record<string, unknown>;
const at = (date: string, hhmm: string, tz: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return zonedInstant(date, h! * 60 + m!, tz);
};
const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';

describe.each(testDatabaseKinds())('Ceremonies on Slack (%s)', (kind) => {
  let w: QuestionWorld;
  let t: TestApp;

  beforeAll(async () => {
    w = await startQuestionWorld(kind, { monday: '2027-03-08' });
    t = w.t;
    await t.po(`stakeholder add <@${SAM}> <@${EVE}>`, { userId: PAT, channelId: CHANNEL });
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
  /** Moves the clock to `instant` and lets the scheduler run what is due then. */
  async function runAt(instant: Date): Promise<void> {
    w.clock.set(instant);
    await t.app.scheduler.tick(instant);
    await settle(t);
  }
  const reminders = (channel: string) => postsIn(t, channel).filter((c) => textOf(c.args as Json).includes('Daily Scrum at'));
  const dmTexts = (userId: string) => dmsTo(t, userId).map((c) => textOf(c.args as Json));

  it('sets each team’s Daily Scrum in its own zone; only the roster (or the PO) may change it', async () => {
    w.clock.set(at('2027-03-08', '09:05', BERLIN));
    const refused = await t.po('daily 09:30', { userId: SAM, channelId: CHANNEL });
    expect(refused.reply).toContain('Only the PO (pat), an admin (ann) or a member of Checkout can change team Checkout’s Daily Scrum.');
    const bad = await t.po('daily 9.30 weekdays', { userId: ALI, channelId: CHANNEL });
    expect(bad.reply).toContain('give the Daily Scrum’s time as HH:MM');
    // Alice is in Berlin: her zone is the default.
    const set = await t.po('daily 09:30', { userId: ALI, channelId: CHANNEL });
    expect(set.reply).toContain('Done: team Checkout’s Daily Scrum is at *09:30 mon-fri (Europe/Berlin), reminder 10 min before*.');
    const setB = await t.po(`daily 10:00 mon-fri ${NEW_YORK}`, { userId: KIM, channelId: CHANNEL_B });
    expect(setB.reply).toContain('*10:00 mon-fri (America/New_York), reminder 10 min before*');
    expect((await t.po('daily', { userId: SAM, channelId: CHANNEL })).reply).toContain('Team Checkout’s Daily Scrum: *09:30 mon-fri (Europe/Berlin), reminder 10 min before*.');
    const holiday = await t.po('holiday add 2027-03-09 Team day', { userId: PAT, channelId: CHANNEL });
    expect(holiday.status).toBe(200);
    expect(await t.app.db.prisma.holiday.findMany({ select: { date: true } })).toEqual([{ date: '2027-03-09' }]);
  });

  it('reminds ten minutes before, at the local time, in Berlin and in New York', async () => {
    await runAt(new Date('2027-03-08T08:19:00Z'));
    expect(reminders(CHANNEL)).toEqual([]);
    await runAt(new Date('2027-03-08T08:20:00Z')); // 09:20 CET
    const [reminder] = reminders(CHANNEL);
    expect(textOf(reminder!.args as Json)).toContain('Where do you need the PO today?');
    expect(buttonsIn(reminder!.args as Json).map((b) => b.label)).toEqual(['I need the PO']);
    await runAt(new Date('2027-03-08T08:25:00Z'));
    expect(reminders(CHANNEL)).toHaveLength(1); // once per day, however often the job runs
    expect(reminders(CHANNEL_B)).toEqual([]);
    await runAt(new Date('2027-03-08T14:50:00Z')); // 09:50 EST
    expect(reminders(CHANNEL_B)).toHaveLength(1);
  });

  it('“I need the PO” asks the PO a question tagged daily scrum, in the reminder’s thread', async () => {
    const reminder = await prisma().outboxMessage.findFirstOrThrow({ where: { messageKey: { startsWith: 'daily:' }, platformChannelId: CHANNEL } });
    const ts = reminder.platformMessageId!;
    await clickButton(t, { userId: ALI, channelId: CHANNEL, ts, label: 'I need the PO', responseId: 'need-po' });
    const form = openedViews(t).at(-1)!;
    expect(form.view).toMatchObject({ callback_id: 'daily.need-po' });
    const done = await submit(t, ALI, form.view, { question: 'Five minutes on the refund rules, please' });
    expect(textOf(done.json?.view as Json)).toContain(`Sent to <@${PAT}> (the Product Owner) as Q1`);
    await settle(t);
    const inThread = postsIn(t, CHANNEL, ts).map((c) => textOf(c.args as Json));
    expect(inThread.join('\n')).toContain('Five minutes on the refund rules, please');
    expect(inThread.join('\n')).toMatch(/Q1 · daily scrum · asked/);
    expect(postsIn(t, CHANNEL).filter((c) => textOf(c.args as Json).includes('Question for the PO'))).toEqual([]); // not at the top level
    expect(await prisma().question.findFirstOrThrow({ where: { number: 1 } })).toMatchObject({ tag: 'daily-scrum', source: 'command' });
    expect(dmTexts(PAT).join('\n')).toContain('Five minutes on the refund rules, please');
  });

  it('skips the holiday; shows the PO’s refinement note in the next reminders', async () => {
    w.clock.set(at('2027-03-08', '17:00', BERLIN));
    expect((await t.po('refine The refund epic needs splitting', { userId: ALI, channelId: CHANNEL })).reply).toContain('Only the Product Owner (pat) can set the refinement note.');
    expect((await t.po('refine The refund epic needs splitting before Thursday', { userId: PAT, channelId: CHANNEL })).reply).toContain('Done: team Checkout’s Daily Scrum reminders say where you need their help with refinement');
    await runAt(new Date('2027-03-09T08:20:00Z')); // Tuesday: the holiday
    await runAt(new Date('2027-03-09T14:50:00Z'));
    expect([...reminders(CHANNEL), ...reminders(CHANNEL_B)]).toEqual([]);
    await runAt(new Date('2027-03-10T08:20:00Z'));
    const [wednesday] = reminders(CHANNEL);
    expect(textOf(wednesday!.args as Json)).toContain('The PO needs your help with refinement: The refund epic needs splitting before Thursday');
  });

  it('keeps local time across New York’s and Berlin’s switches to summer time', async () => {
    await runAt(new Date('2027-03-15T13:50:00Z')); // Monday after 14 March: 09:50 EDT
    expect(reminders(CHANNEL_B)).toHaveLength(1);
    await runAt(new Date('2027-03-29T07:19:00Z'));
    expect(reminders(CHANNEL)).toEqual([]);
    await runAt(new Date('2027-03-29T07:20:00Z')); // Monday after 28 March: 09:20 CEST
    expect(reminders(CHANNEL)).toHaveLength(1);
    // The refinement note set three weeks before was shown for five working days, and is no longer.
    expect(textOf(reminders(CHANNEL)[0]!.args as Json)).not.toContain('refinement');
    const posted = await prisma().dailyReminder.findMany({ where: { date: { in: ['2027-03-08', '2027-03-29'] } }, include: { team: true } });
    expect(posted.map((r) => [r.team.name, r.date, r.meetingAt.toISOString()]).sort()).toEqual([
      ['Checkout', '2027-03-08', '2027-03-08T08:30:00.000Z'],
      ['Checkout', '2027-03-29', '2027-03-29T07:30:00.000Z'],
      ['Payments', '2027-03-08', '2027-03-08T15:00:00.000Z'],
    ]);
  });
});

describe.each(testDatabaseKinds())('A sprint review on Slack (%s)', (kind) => {
  let w: QuestionWorld;
  let t: TestApp;

  beforeAll(async () => {
    w = await startQuestionWorld(kind, { monday: '2027-03-08' });
    t = w.t;
    await t.po(`stakeholder add <@${SAM}> <@${EVE}>`, { userId: PAT, channelId: CHANNEL });
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
  async function runAt(instant: Date): Promise<void> {
    w.clock.set(instant);
    await t.app.scheduler.tick(instant);
    await settle(t);
  }
  const dmsAbout = (userId: string, text: string): RecordedCall[] => dmsTo(t, userId).filter((c) => textOf(c.args as Json).includes(text));
  let samInvite = '';

  it('/po sprint opens the cadence form for the PO; afterwards it shows the sprint and the next review', async () => {
    w.clock.set(at('2027-03-10', '10:00', BERLIN));
    expect((await t.po('sprint', { userId: SAM, channelId: CHANNEL })).reply).toContain('This product has no sprint cadence yet.');
    await t.po('sprint', { userId: PAT, channelId: CHANNEL });
    const form = openedViews(t).at(-1)!;
    expect(form.view).toMatchObject({ callback_id: 'sprint.cadence', title: { text: 'Sprint cadence' } });
    const bad = await submit(t, PAT, form.view, { start: '2027-03-15', timeZone: 'Mars/Olympus' });
    expect(bad.json).toMatchObject({ response_action: 'errors', errors: { timeZone: expect.stringContaining('not a time zone') as unknown } });
    const done = await submit(t, PAT, form.view, { start: '2027-03-15', weeks: '2', weekday: '4', time: '14:00', timeZone: BERLIN, location: 'https://meet.example.com/review' });
    expect(textOf(done.json?.view as Json)).toContain('Saved: 2-week sprints from 2027-03-15, reviews on the sprint’s last Thursday at 14:00 (Europe/Berlin).');
    w.clock.set(at('2027-03-16', '09:00', BERLIN));
    const shown = await t.po('sprint', { userId: SAM, channelId: CHANNEL });
    expect(shown.reply).toContain('*Sprint 1* runs 2027-03-15 to 2027-03-28 (2-week sprints).');
    expect(shown.reply).toMatch(/Next review: \*Sprint 1\*, <!date\^1805979600\^/); // Thursday 25 March, 14:00 CET
    expect(shown.reply).toContain('RSVPs: 0 attending, 0 maybe, 0 can’t make it, 2 no answer yet · 0 agenda topics');
    expect((await t.po('review note The new refund flow and gift cards', { userId: PAT, channelId: CHANNEL })).reply).toContain('Done: stakeholders’ invitations');
  });

  it('invites every stakeholder at 10:00 two working days before, once', async () => {
    await runAt(at('2027-03-23', '09:59', BERLIN));
    expect(dmsAbout(SAM, 'Sprint 1 review')).toEqual([]);
    await runAt(at('2027-03-23', '10:00', BERLIN));
    await runAt(at('2027-03-23', '10:05', BERLIN));
    for (const who of [SAM, EVE]) {
      const invites = dmsAbout(who, 'Sprint 1 review');
      expect(invites, who).toHaveLength(1);
      const text = textOf(invites[0]!.args as Json);
      expect(text).toContain('What the teams plan to show: The new refund flow and gift cards');
      expect(text).toContain('<https://meet.example.com/review|join here>');
      expect(buttonsIn(invites[0]!.args as Json).map((b) => b.label)).toEqual(['Attending', 'Maybe', 'Can’t make it', 'What would you like to see?']);
    }
    samInvite = tsOf(t, dmsAbout(SAM, 'Sprint 1 review')[0]!);
  });

  it('records RSVPs, and a changed answer replaces the earlier one; agenda topics are collected', async () => {
    for (const [label, id] of [['Attending', 'r1'], ['Maybe', 'r2'], ['Attending', 'r3']] as const) {
      await clickButton(t, { userId: SAM, channelId: `D${SAM}`, ts: samInvite, label, responseId: id });
    }
    expect(textOf(t.fake.shown(samInvite))).toContain('Your answer: Attending (you can change it).');
    const eveTs = (await prisma().outboxMessage.findFirstOrThrow({ where: { userId: EVE, kind: 'dm', platformMessageId: { not: null } }, orderBy: { id: 'desc' } })).platformMessageId!;
    await clickButton(t, { userId: EVE, channelId: `D${EVE}`, ts: eveTs, label: 'Can’t make it', responseId: 'r4' });
    const rsvps = await prisma().reviewRsvp.findMany();
    expect(rsvps.map((r) => r.answer).sort()).toEqual(['no', 'yes']);

    await clickButton(t, { userId: SAM, channelId: `D${SAM}`, ts: samInvite, label: 'What would you like to see?', responseId: 'topic' });
    const form = openedViews(t).at(-1)!;
    const done = await submit(t, SAM, form.view, { topic: 'How refunds look for a customer with two orders' });
    expect(textOf(done.json?.view as Json)).toContain('it is on the Sprint 1 review’s agenda');
    expect((await t.po('sprint', { userId: SAM, channelId: CHANNEL })).reply).toContain('RSVPs: 1 attending, 0 maybe, 1 can’t make it, 0 no answer yet · 1 agenda topic');
  });

  it('the day before: the PO gets the RSVPs and the agenda, the teams’ channels the agenda', async () => {
    await runAt(at('2027-03-24', '10:00', BERLIN));
    const [summary] = dmsAbout(PAT, 'Sprint 1 review');
    const text = textOf(summary!.args as Json);
    expect(text).toContain('*Attending*\nsam');
    expect(text).toContain('*Can’t make it*\neve');
    expect(text).toContain(`<@${SAM}>: How refunds look for a customer with two orders`);
    for (const channel of [CHANNEL, CHANNEL_B]) {
      const posts = postsIn(t, channel).map((c) => textOf(c.args as Json)).filter((x) => x.includes('Stakeholders would like to see'));
      expect(posts, channel).toHaveLength(1);
    }
  });

  it('an hour before, those coming (or maybe coming) are reminded; the next morning the attendees are asked how it went', async () => {
    await runAt(at('2027-03-25', '13:00', BERLIN));
    expect(dmsAbout(SAM, 'starts in an hour')).toHaveLength(1);
    expect(dmsAbout(EVE, 'starts in an hour')).toEqual([]);
    await runAt(at('2027-03-26', '10:00', BERLIN));
    const [ask] = dmsAbout(SAM, 'How did it go');
    expect(dmsAbout(EVE, 'How did it go')).toEqual([]);
    await clickButton(t, { userId: SAM, channelId: `D${SAM}`, ts: tsOf(t, ask!), label: 'How did it go?', responseId: 'fb' });
    const done = await submit(t, SAM, openedViews(t).at(-1)!.view, { feedback: 'Show the refund flow on a phone next time.' });
    expect(textOf(done.json?.view as Json)).toMatch(/Your feedback is in the PO’s intake as #1 \(sprint review feedback\)/);
    expect(await prisma().intakeItem.findFirstOrThrow({ where: { number: 1 } })).toMatchObject({ source: 'review', title: 'Sprint 1 review feedback: Show the refund flow on a phone next time.' });
    // Nobody is prompted twice.
    await runAt(at('2027-03-26', '10:30', BERLIN));
    const prompts = await prisma().reviewPrompt.findMany();
    const count = (kind: string) => prompts.filter((p) => p.kind === kind).length;
    expect([count('invite'), count('summary'), count('agenda'), count('reminder'), count('feedback')]).toEqual([2, 1, 2, 1, 1]);
  });

  it('moves or cancels the next review (PO or admin); invitations follow the new time', async () => {
    w.clock.set(at('2027-03-29', '09:00', BERLIN));
    expect((await t.po('review move 2027-04-09 15:00', { userId: SAM, channelId: CHANNEL })).reply).toContain('Only the Product Owner (pat) or an admin can change');
    const moved = await t.po('review move 2027-04-09 15:00', { userId: PAT, channelId: CHANNEL });
    expect(moved.reply).toContain('Done: the Sprint 2 review is now');
    const review = await prisma().review.findFirstOrThrow({ where: { sprintNumber: 2 } });
    expect(review).toMatchObject({ moved: true, at: at('2027-04-09', '15:00', BERLIN) });
    // Invitations now go two working days before Friday 9 April: Wednesday 7 April, 10:00 CEST.
    await runAt(at('2027-04-06', '10:00', BERLIN));
    expect(dmsAbout(SAM, 'Sprint 2 review')).toEqual([]);
    await runAt(at('2027-04-07', '10:00', BERLIN));
    expect(dmsAbout(SAM, 'Sprint 2 review')).toHaveLength(1);
    const cancelled = await t.po('review cancel', { userId: PAT, channelId: CHANNEL });
    expect(cancelled.reply).toContain('the Sprint 2 review is cancelled');
    await runAt(at('2027-04-09', '14:00', BERLIN));
    expect(dmsAbout(SAM, 'starts in an hour')).toEqual([]);
  });
});
