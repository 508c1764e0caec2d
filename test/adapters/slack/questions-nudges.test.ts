import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/zoned-time.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { ALI, BOB, CHANNEL, PAT } from '../../support/slack-cast.js';
import { channelMessageEvent } from '../../support/slack-requests.js';
import type { TestApp } from '../../support/test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';
import {
  anchorOf, clickButton, dmsTo, expectAllValid, poDmOf, postEvent, postsIn, settle, startQuestionWorld, textOf, type QuestionWorld,
} from './questions-world.js';

type Json = Record<string, unknown>;

/**
 * The response target (4 business hours by default) with the scheduler's own ticks on a test clock: the
 * nudge job runs every five minutes, and each slot is its "now".
 */
describe.each(testDatabaseKinds())('Questions to the PO on Slack: nudges and away (%s)', (kind) => {
  let w: QuestionWorld;
  let t: TestApp;
  beforeAll(async () => {
    w = await startQuestionWorld(kind);
    t = w.t;
  });
  afterAll(async () => w?.stop());
  beforeEach(() => t.fake.reset());
  afterEach(async () => {
    await settle(t);
    expect(t.fake.unexpected).toEqual([]);
    expectAllValid(t);
  });

  const prisma = () => t.app.db.prisma;
  const question = (number: number) => prisma().question.findFirstOrThrow({ where: { number } });
  const unix = (d: Date) => Math.floor(d.getTime() / 1000);

  /** Runs the scheduler's every slot up to `day hhmm`, as its minute ticks would. */
  async function runUntil(day: number, hhmm: string): Promise<void> {
    w.goTo(day, hhmm);
    await t.app.scheduler.tick(w.at(day, hhmm));
    await settle(t);
  }

  /** Starts a test at `day hhmm`: the clock is there, and the scheduler has run every slot before it. */
  async function startAt(day: number, hhmm: string): Promise<void> {
    await t.app.scheduler.restartFrom(w.at(day, hhmm));
    w.goTo(day, hhmm);
  }

  /** Runs only the slot at `day hhmm` (the process was idle until then: the slots before it are skipped). */
  async function runOnlyAt(day: number, hhmm: string): Promise<void> {
    const at = w.at(day, hhmm);
    await t.app.scheduler.restartFrom(new Date(at.getTime() - 60_000));
    w.goTo(day, hhmm);
    await t.app.scheduler.tick(at);
    await settle(t);
  }

  /** Nudge DMs to the PO (not the DMs that bring new questions). */
  const nudges = (): RecordedCall[] => dmsTo(t, PAT).filter((c) => textOf(c.args as Json).startsWith('⏰'));
  const nudgeTexts = () => nudges().map((c) => textOf(c.args as Json));

  it('nudges the PO once at half the target, tells the thread at the target, and then at most once a business day', async () => {
    await startAt(0, '10:00');
    await t.po('ask Can we drop IE11 support?', { userId: ALI, channelId: CHANNEL });
    const anchor = await anchorOf(t, 'Q1');
    await settle(t);

    await runUntil(0, '11:55');
    expect(nudges()).toEqual([]);

    // 12:00 is 2 of the 4 working hours: one DM to the PO, linking to the question.
    await runUntil(0, '12:00');
    expect(nudgeTexts()).toEqual([expect.stringContaining(`⏰ Reminder: <@${ALI}> of team Checkout has waited 2 h of working time for an answer to Q1:`)]);
    expect(nudgeTexts()[0]).toContain('Can we drop IE11 support?');
    expect(nudgeTexts()[0]).toContain(`<${t.fake.permalinkFor(CHANNEL, anchor.ts)}|Open the question>`);
    expect(postsIn(t, CHANNEL, anchor.ts)).toEqual([]);
    expect((await question(1)).lastNudgedDay).toBe(w.monday);

    await runUntil(0, '13:55');
    expect(nudges()).toHaveLength(1);
    expect(postsIn(t, CHANNEL, anchor.ts)).toEqual([]);

    // 14:00, the target: the team's thread is told the PO was reminded; the PO, nudged today already, is not nudged again.
    await runUntil(0, '14:00');
    expect(postsIn(t, CHANNEL, anchor.ts).map((c) => textOf(c.args as Json))).toEqual([
      `This question has waited 4 h of working time, past the response target. I have reminded <@${PAT}>.`,
    ]);
    expect(nudges()).toHaveLength(1);
    expect((await question(1)).escalatedAt).toEqual(w.at(0, '14:00'));

    // The rest of Monday and the night: nothing more.
    await runUntil(0, '17:30');
    await runOnlyAt(1, '03:00');
    await runOnlyAt(1, '08:55');
    expect(nudges()).toHaveLength(1);
    expect(postsIn(t, CHANNEL, anchor.ts)).toHaveLength(1);

    // Tuesday 09:00: past the target, one reminder for the new business day; and only one.
    await runUntil(1, '09:00');
    expect(nudgeTexts()).toHaveLength(2);
    expect(nudgeTexts()[1]).toContain(`⏰ Past the response target: <@${ALI}> of team Checkout has waited 7 h of working time for an answer to Q1:`);
    await runUntil(1, '11:00');
    expect(nudges()).toHaveLength(2);
    expect(postsIn(t, CHANNEL, anchor.ts)).toHaveLength(1); // the team is told once

    // A first response ends the reminders.
    const dm = await poDmOf(t, 'Q1');
    await clickButton(t, { userId: PAT, channelId: `D${PAT}`, ts: dm.ts, label: 'I’m on it', responseId: 'q1-on-it' });
    await settle(t);
    await runOnlyAt(2, '09:00');
    await runOnlyAt(2, '12:00');
    expect(nudges()).toHaveLength(2);
  });

  it('counts only working time: no nudge in the evening or at the weekend, the first one on Monday morning', async () => {
    await startAt(4, '16:00'); // Friday
    await t.po('ask Is the Friday deploy still on?', { userId: BOB, channelId: CHANNEL });
    const anchor = await anchorOf(t, 'Q2');
    await settle(t);

    await runUntil(4, '17:00');
    for (const [day, hhmm] of [[4, '20:00'], [5, '12:00'], [6, '12:00'], [7, '08:00'], [7, '09:55']] as const) await runOnlyAt(day, hhmm);
    expect(nudges()).toEqual([]);

    // Monday 10:00: one hour on Friday and one on Monday make half the target.
    await runOnlyAt(7, '10:00');
    expect(nudgeTexts()).toEqual([expect.stringContaining(`⏰ Reminder: <@${BOB}> of team Checkout has waited 2 h of working time for an answer to Q2:`)]);
    expect(postsIn(t, CHANNEL, anchor.ts)).toEqual([]);

    // Answered in the thread at 10:05: two hours and five minutes of working time, a whole weekend in all.
    w.goTo(7, '10:05');
    await postEvent(t.baseUrl, channelMessageEvent({ userId: PAT, channelId: CHANNEL, text: 'Yes, at 15:00.', ts: '1800000100.000100', threadTs: anchor.ts }));
    await settle(t);
    expect(await question(2)).toMatchObject({
      firstResponseKind: 'thread-reply',
      firstResponseBusinessSec: 2 * 3600 + 5 * 60,
      firstResponseWallSec: (w.at(7, '10:05').getTime() - w.at(4, '16:00').getTime()) / 1000,
    });
    await runUntil(7, '15:00');
    expect(nudges()).toHaveLength(1);
  });

  it('away mode: askers are told when the PO is back, with the note; questions queue; the target clock and nudges pause', async () => {
    await startAt(8, '09:00'); // Tuesday
    const lastDay = addDays(w.monday, 10); // Thursday

    const refused = await t.po(`away ${lastDay} Sneaky`, { userId: ALI, channelId: CHANNEL });
    expect(refused.reply).toBe('Only the Product Owner (pat) can set the PO away.');
    expect(await prisma().absence.count()).toBe(0);

    const away = await t.po(`away ${lastDay} Conference in Lisbon`, { userId: PAT, channelId: `D${PAT}`, channelName: 'directmessage' });
    const [, month, day] = lastDay.split('-');
    const monthName = new Date(Date.UTC(2000, Number(month) - 1, 1)).toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' });
    // A day, not a time of day: "until the end of Thu 3 Dec 2026 (Europe/Berlin)".
    expect(away.reply).toContain(`You are away until the end of Thu ${Number(day)} ${monthName} ${lastDay.slice(0, 4)} (Europe/Berlin).`);
    expect(away.reply).toContain('Askers are told when you are back, your response clock pauses, and I send no nudges.');

    w.goTo(8, '10:00');
    const asked = await t.po('ask Do we support Apple Pay on the web?', { userId: ALI, channelId: CHANNEL });
    expect(asked.reply).toContain(`Sent to <@${PAT}> (the Product Owner) as Q3`);
    // Back on Friday at 09:00, the start of the PO's next working day.
    expect(asked.reply).toContain(`pat is away and back <!date^${unix(w.at(11, '09:00'))}^`);
    expect(asked.reply).toContain('Your question waits in the queue until then. Note: Conference in Lisbon.');
    // It still queues: the anchor is in the channel, and the PO has it in a DM.
    await anchorOf(t, 'Q3');
    await poDmOf(t, 'Q3');
    await settle(t);

    for (const [day, hhmm] of [[8, '12:00'], [8, '16:00'], [9, '12:00'], [10, '16:55']] as const) await runOnlyAt(day, hhmm);
    expect(nudges()).toEqual([]);

    // Friday: back by the date; the clock runs from 09:00, so half the target is at 11:00.
    await runUntil(11, '10:55');
    expect(nudges()).toEqual([]);
    await runUntil(11, '11:00');
    expect(nudgeTexts()).toEqual([expect.stringContaining('has waited 2 h of working time for an answer to Q3:')]);
  });

  it('/po back ends an absence early: the waiting questions are counted and the clock runs again', async () => {
    await startAt(11, '11:30');
    const lastDay = addDays(w.monday, 15); // the Tuesday after
    await t.po(`away ${lastDay}`, { userId: PAT, channelId: `D${PAT}`, channelName: 'directmessage' });

    w.goTo(11, '11:40');
    const asked = await t.po('ask Who signs off the copy?', { userId: BOB, channelId: CHANNEL });
    expect(asked.reply).toContain(`pat is away and back <!date^${unix(w.at(16, '09:00'))}^`);
    expect(asked.reply).not.toContain('Note:');
    await settle(t);

    expect((await t.po('back', { userId: BOB, channelId: CHANNEL })).reply).toBe('Only the Product Owner (pat) can end the PO’s absence.');

    w.goTo(11, '12:00');
    const back = await t.po('back', { userId: PAT, channelId: `D${PAT}`, channelName: 'directmessage' });
    expect(back.reply).toContain('Welcome back! 2 questions are waiting for you: `/po questions`');
    const again = await t.po('back', { userId: PAT, channelId: `D${PAT}`, channelName: 'directmessage' });
    expect(again.reply).toContain('You were not marked away.');

    // The next asker hears that the PO is working.
    w.goTo(11, '12:05');
    const next = await t.po('ask Is the sale banner ready?', { userId: ALI, channelId: CHANNEL });
    expect(next.reply).toContain('pat is working now');
    await settle(t);

    // Q4 waited while the PO was away (11:40–12:00): that time does not count, so its nudge is at 14:00, not 13:40.
    t.fake.reset();
    await runUntil(11, '13:55');
    expect(nudgeTexts().filter((n) => n.includes('Q4'))).toEqual([]);
    await runUntil(11, '14:00');
    expect(nudgeTexts().filter((n) => n.includes('Q4'))).toEqual([expect.stringContaining('has waited 2 h of working time for an answer to Q4:')]);
  });
});
