/**
 * The PO's weekly digest and the App Home dashboard on Slack: a week of activity (questions, a request,
 * an interception), the digest at the PO's local time once a week, `/po digest` now and `at`, and the
 * Home tab for the PO and for a stakeholder, with buttons that work from it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALI, ANN, BOB, CHANNEL, PAT, SAM } from '../../support/slack-cast.js';
import { blockActionsPayload, channelMessageEvent, postInteraction } from '../../support/slack-requests.js';
import type { TestApp } from '../../support/test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';
import {
  anchorOf, buttonsIn, dmsTo, expectAllValid, openedViews, postEvent, settle, startQuestionWorld, submit, textOf, type QuestionWorld,
} from './questions-world.js';

type Json = Record<string, unknown>;

describe.each(testDatabaseKinds())('The weekly digest and App Home on Slack (%s)', (kind) => {
  let w: QuestionWorld;
  let t: TestApp;

  beforeAll(async () => {
    w = await startQuestionWorld(kind, { digest: true });
    t = w.t;
    await t.po(`stakeholder add <@${SAM}>`, { userId: PAT, channelId: CHANNEL });
    t.fake.setChannelMembers(CHANNEL, [ANN, PAT, ALI, BOB, SAM, 'U0PODESKBOT']);
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
  async function runAt(day: number, hhmm: string): Promise<void> {
    w.goTo(day, hhmm);
    await t.app.scheduler.tick(w.at(day, hhmm));
    await settle(t);
  }
  const digests = () => dmsTo(t, PAT).filter((c) => textOf(c.args as Json).includes('Your week at a glance'));
  const homeOf = (userId: string) => t.fake.callsTo('views.publish').filter((c) => c.args.user_id === userId).at(-1)?.args.view as Json | undefined;
  /** A click on a button of the Home tab: no channel, no response_url; Slack says it came from a view. */
  const clickOnHome = (userId: string, button: { action_id: string; value?: string }, triggerId: string) => {
    const payload = blockActionsPayload({ userId, actionId: button.action_id, value: button.value, responseUrl: '', triggerId });
    delete payload.channel;
    delete payload.response_url;
    return postInteraction(t.baseUrl, { ...payload, container: { type: 'view', view_id: 'V0HOME' }, view: { id: 'V0HOME', type: 'home', blocks: [] } });
  };

  it('a week of activity: questions asked and answered, a request, one caught in the team channel', async () => {
    await runAt(0, '09:01'); // Monday, after 08:30: but the PO was named this morning, so no digest yet
    expect(digests()).toEqual([]);
    expect((await t.po('digest', { userId: PAT, channelId: `D${PAT}` })).reply).toContain('A quiet week');

    w.goTo(0, '10:00');
    await t.po('ask Do we ship the refund flow behind a flag?', { userId: ALI, channelId: CHANNEL });
    await t.po('ask Who owns the gift card copy?', { userId: BOB, channelId: CHANNEL });
    const anchor = await anchorOf(t, 'Q1');
    w.goTo(0, '10:30');
    await postEvent(t.baseUrl, channelMessageEvent({ userId: PAT, channelId: CHANNEL, text: 'Yes, behind a flag until Friday.', ts: '1800000001.000100', threadTs: anchor.ts }));
    await t.po('request Export orders to CSV', { userId: SAM, channelId: CHANNEL });
    await submit(t, SAM, openedViews(t).at(-1)!.view, { title: 'Export orders to CSV' });
    await postEvent(t.baseUrl, channelMessageEvent({ userId: SAM, channelId: CHANNEL, text: 'Can you add a VAT column to the invoice by Friday?', ts: '1800000002.000100' }));
    await settle(t);
    expect(await prisma().question.count()).toBe(2);
    expect(await prisma().intakeItem.count()).toBe(1);
    expect(await prisma().interception.count()).toBe(1);
  });

  it('sends the digest at the PO’s local time, once a week, with what happened', async () => {
    await runAt(7, '08:29');
    expect(digests()).toEqual([]);
    await runAt(7, '08:30'); // Monday 08:30 in Berlin, the PO's zone
    await runAt(7, '08:45');
    expect(digests()).toHaveLength(1);
    const text = textOf(digests()[0]!.args as Json);
    expect(text).toContain('2 questions asked, 1 responded to, 1 waiting.');
    expect(text).toContain('First response: median 30 min, 90th percentile 30 min of working time');
    expect(text).toContain('Checkout: 2 questions, median 30 min.');
    expect(text).toMatch(/Still open: <https:\/\/[^|]+\|Q2> \(Checkout, bob\) waiting 4 d 7 h: Who owns the gift card copy\?/);
    expect(text).toContain('1 new request, 0 triaged, 1 waiting for you (1 for more than 3 working days).');
    expect(text).toContain('Requests sent properly: 1; caught in team channels: 1.');
    expect(await prisma().product.findFirstOrThrow()).toMatchObject({ lastDigestDay: w.at(7, '08:30').toISOString().slice(0, 10) });
  });

  it('/po digest shows it now, privately, to the PO only; /po digest at moves it', async () => {
    const now = await t.po('digest', { userId: PAT, channelId: `D${PAT}` });
    expect(now.body?.response_type).toBe('ephemeral');
    expect(now.reply).toContain('Your week at a glance');
    expect(now.reply).toContain('Sent to you every Monday at 08:30 (Europe/Berlin)');
    expect((await t.po('digest', { userId: ALI, channelId: CHANNEL })).reply).toContain('Only the Product Owner (pat) can see or schedule the weekly digest.');
    const moved = await t.po('digest at tue 09:00', { userId: PAT, channelId: `D${PAT}` });
    expect(moved.reply).toContain('Done: your weekly digest comes every *Tuesday at 09:00* (Europe/Berlin).');
    await runAt(8, '08:59');
    expect(digests()).toEqual([]);
    await runAt(8, '09:00');
    expect(digests()).toHaveLength(1);
  });

  it('publishes the PO’s Home tab: open questions with Answer, requests to decide, this week, and the buttons work', async () => {
    await postEvent(t.baseUrl, { type: 'app_home_opened', user: PAT, channel: `D${PAT}`, tab: 'home', event_ts: '1800000003.000100' });
    await settle(t);
    const home = homeOf(PAT)!;
    expect(home.type).toBe('home');
    const text = textOf(home);
    expect(text).toContain('*Open questions: 2* (oldest first)'); // Q1 is answered, not yet resolved
    expect(text).toContain('Who owns the gift card copy?');
    expect(text).toContain('*Waiting for your decision: 1*');
    expect(text).toContain('Export orders to CSV');
    expect(text).toContain('This week');
    const buttons = buttonsIn(home);
    expect(buttons.map((b) => b.label)).toEqual(expect.arrayContaining(['Answer', 'I’m on it', 'Accept', 'Decline', 'Refresh']));

    // I'm on it: done at once, and the Home tab is published again with the new state.
    t.fake.reset();
    await clickOnHome(PAT, buttons.find((b) => b.label === 'I’m on it')!, 'trigger.home-1');
    await settle(t);
    expect(textOf(homeOf(PAT)!)).not.toContain('I’m on it');
    expect((await prisma().question.findFirstOrThrow({ where: { number: 2 } })).firstResponseKind).toBe('on-it');

    // Accept opens its form; submitted, the request is accepted.
    t.fake.reset();
    const accept = buttons.find((b) => b.label === 'Accept')!;
    await clickOnHome(PAT, accept, 'trigger.home-2');
    const form = openedViews(t).at(-1)!;
    expect(form.view).toMatchObject({ callback_id: 'intake.accept' });
    await submit(t, PAT, form.view, { position: 'top' });
    expect((await prisma().intakeItem.findFirstOrThrow({ where: { id: accept.value } })).status).toBe('accepted');

    // A stakeholder clicking a PO button there is refused in a modal, and nothing changes.
    t.fake.reset();
    const decline = buttons.filter((b) => b.label === 'Decline').at(-1)!;
    await clickOnHome(SAM, { action_id: 'intake.shipped', value: decline.value }, 'trigger.home-3');
    await settle(t);
    expect(textOf(openedViews(t).at(-1)?.view)).toContain('Only the Product Owner (pat) can decide');
  });

  it('publishes everyone else’s Home tab with their own questions and requests, and the commands', async () => {
    await postEvent(t.baseUrl, { type: 'app_home_opened', user: SAM, channel: `D${SAM}`, tab: 'home', event_ts: '1800000004.000100' });
    await settle(t);
    const text = textOf(homeOf(SAM)!);
    expect(text).toContain('*Your open questions to the PO: 0*');
    expect(text).toContain('*Your requests: 1*');
    expect(text).toContain('*#1* Export orders to CSV — accepted into the backlog');
    expect(text).toContain('/po request [title]');
    expect(text).not.toContain('Waiting for your decision');
  });
});
