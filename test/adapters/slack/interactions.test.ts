import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buttonsOf } from '../../support/block-kit.js';
import { addCast, ALI, ANN, BOB, CHANNEL, EVE, PAT, SAM } from '../../support/slack-cast.js';
import { blockActionsPayload, interactionBody, messageShortcutPayload, postInteraction, viewSubmissionPayload, type ButtonClick } from '../../support/slack-requests.js';
import { replyText, startTestApp, type TestApp } from '../../support/test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';

type Json = Record<string, unknown>;

const APOLOGY = 'Sorry, something went wrong on my side and nothing was changed. Please try again in a moment.';

describe.each(testDatabaseKinds())('Slack buttons and forms (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
    addCast(t.fake);
    t.fake.setChannelMembers(CHANNEL, [ANN, PAT, ALI, BOB, SAM]);
    await t.po(`owner <@${PAT}>`, { userId: ANN });
    await t.po(`stakeholder add <@${SAM}>`, { userId: PAT });
    await t.po('team Checkout', { userId: ALI, channelId: CHANNEL });
  });
  afterAll(async () => t?.stop());
  beforeEach(() => t.fake.reset());
  // Any Web API call the app makes that the fake does not know is a bug in the app or the fake.
  afterEach(() => expect(t.fake.unexpected).toEqual([]));

  const prisma = () => t.app.db.prisma;
  const click = (c: Omit<ButtonClick, 'responseUrl'> & { responseId: string }) =>
    postInteraction(t.baseUrl, blockActionsPayload({ ...c, responseUrl: t.fake.responseUrl(c.responseId) }));
  /** The modals Slack opened: views.open calls it accepted, not those it refused. */
  const openedViews = () => t.fake.callsTo('views.open').filter((c) => c.answer.ok).map((c) => c.args as { trigger_id: string; view: Json });
  const hoursOf = (userId: string) =>
    prisma().person.findFirstOrThrow({ where: { platformUserId: userId }, select: { timeZone: true, workStartMin: true, workEndMin: true, workDays: true } });
  const personId = async (userId: string) => (await prisma().person.findFirstOrThrow({ where: { platformUserId: userId } })).id;
  const latestAudit = () => prisma().auditEvent.findFirstOrThrow({ orderBy: { id: 'desc' } });

  /** The one message the app posted to `responseUrl(id)`, which Slack must have accepted. */
  function onePostTo(id: string): Json {
    const posts = t.fake.responsesTo(id);
    expect(posts, `posts to ${id}`).toHaveLength(1);
    expect(t.fake.responsesTo(id, 'accepted'), `posts to ${id} that Slack accepted`).toEqual(posts);
    return posts[0]!;
  }

  /** Submits the form `view` as `userId`, with `values` typed over its initial ones. */
  const submit = (userId: string, view: Json, values?: Record<string, string | null>, teamId?: string) =>
    postInteraction(t.baseUrl, viewSubmissionPayload({ userId, view, values, teamId }));

  /** Runs `fn` while the database refuses to change anyone's working hours, as a full disk or a lost connection would. */
  async function whileHoursCannotBeSaved<T>(fn: () => Promise<T>): Promise<T> {
    await prisma().$executeRawUnsafe(
      `CREATE FUNCTION test_refuse_hours() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected by the test'; END $$`,
    );
    await prisma().$executeRawUnsafe(
      `CREATE TRIGGER test_refuse_hours BEFORE UPDATE ON "Person" FOR EACH ROW WHEN (OLD."workStartMin" IS DISTINCT FROM NEW."workStartMin") EXECUTE FUNCTION test_refuse_hours()`,
    );
    try {
      return await fn();
    } finally {
      await prisma().$executeRawUnsafe('DROP TRIGGER test_refuse_hours ON "Person"');
      await prisma().$executeRawUnsafe('DROP FUNCTION test_refuse_hours()');
    }
  }

  /** Opens the working-hours modal with `/po hours edit` and returns the view Slack was given. */
  async function openHoursForm(userId: string): Promise<Json> {
    const res = await t.po('hours edit', { userId, triggerId: `trigger-${userId}` });
    expect(res.status).toBe(200);
    expect(res.body).toBeUndefined();
    expect(t.fake.responsesTo('po-command')).toEqual([]); // the form opened: no failure message was sent
    const opened = openedViews();
    expect(opened).toHaveLength(1);
    expect(opened[0]?.view).toMatchObject({ type: 'modal', callback_id: 'hours' });
    return opened[0]!.view;
  }

  describe('the working-hours form', () => {
    it('opens from /po hours edit with an empty ack, prefilled with the current hours', async () => {
      const res = await t.po('hours edit', { userId: PAT, triggerId: '111.222.hours', channelId: CHANNEL });

      expect(res.status).toBe(200);
      expect(res.body).toBeUndefined(); // acked without a body: Slack shows nothing in the channel
      expect(t.fake.responsesTo('po-command')).toEqual([]); // and nothing is said afterwards either
      const [opened] = openedViews();
      expect(t.fake.callsTo('views.open')).toHaveLength(1);
      expect(opened?.trigger_id).toBe('111.222.hours');
      expect(opened?.view).toMatchObject({ type: 'modal', callback_id: 'hours', title: { text: 'Working hours' }, submit: { text: 'Save' } });
      const blocks = opened?.view.blocks as Json[];
      expect(blocks.map((b) => [b.block_id, b.element])).toEqual([
        ['start', { type: 'timepicker', action_id: 'start', initial_time: '09:00' }],
        ['end', { type: 'timepicker', action_id: 'end', initial_time: '17:00' }],
        ['days', expect.objectContaining({ type: 'plain_text_input', initial_value: 'mon-fri' })],
        ['timeZone', expect.objectContaining({ type: 'plain_text_input', initial_value: 'Europe/Berlin' })],
      ]);
      // The channel travels in private_metadata, because a submission does not say where the form came from.
      expect(JSON.parse(opened?.view.private_metadata as string)).toEqual({ c: CHANNEL });
    });

    it('opens from the “Change working hours” button under /po hours, remembering the button’s channel', async () => {
      const elsewhere = 'C0DESIGN01';
      const shown = await t.po('hours', { userId: ALI, channelId: elsewhere });
      expect(shown.reply).toContain('Your working hours: 09:00–17:00 mon-fri (Europe/Berlin)');
      const [button] = buttonsOf(shown.body);
      expect(button).toMatchObject({ action_id: 'hours.edit', label: 'Change working hours' });

      const res = await click({ userId: ALI, channelId: elsewhere, actionId: button!.action_id, value: button!.value, triggerId: '333.444.click', responseId: 'hours-button' });

      expect(res.status).toBe(200);
      expect(openedViews()).toEqual([expect.objectContaining({ trigger_id: '333.444.click', view: expect.objectContaining({ type: 'modal', callback_id: 'hours' }) })]);
      expect(JSON.parse(openedViews()[0]?.view.private_metadata as string)).toEqual({ c: elsewhere });
      expect(t.fake.responsesTo('hours-button')).toEqual([]); // the modal is the answer; nothing is posted
    });

    it('saves a valid submission and turns the modal into the confirmation', async () => {
      const view = await openHoursForm(BOB);
      const res = await submit(BOB, view, { start: '08:30', end: '16:30', days: 'Mon-Thu', timeZone: 'america/new_york' });

      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({
        response_action: 'update',
        view: { type: 'modal', title: { type: 'plain_text', text: 'Working hours' }, close: { type: 'plain_text', text: 'Done' } },
      });
      expect((res.json?.view as Json).submit).toBeUndefined();
      expect(replyText(res.json?.view as Json)).toContain('Your working hours are now 08:30–16:30 mon-thu (America/New_York)');
      expect(await hoursOf(BOB)).toEqual({ timeZone: 'America/New_York', workStartMin: 510, workEndMin: 990, workDays: [1, 2, 3, 4] });
    });

    it('answers invalid values with errors on the right inputs and changes nothing', async () => {
      const view = await openHoursForm(ANN);
      const before = await hoursOf(ANN);
      const blockIds = (view.blocks as Json[]).map((b) => b.block_id);

      const res = await submit(ANN, view, { start: '17:00', end: '09:00', days: 'someday', timeZone: 'Mars/Olympus' });

      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        response_action: 'errors',
        errors: {
          end: 'The end of the working day must be after its start',
          days: expect.stringContaining('mon-fri'),
          timeZone: expect.stringContaining('Not a time zone I know'),
        },
      });
      for (const id of Object.keys(res.json?.errors as Json)) expect(blockIds).toContain(id);
      expect(await hoursOf(ANN)).toEqual(before);
    });

    it('answers emptied inputs (which Slack sends as null) with what to write, and changes nothing', async () => {
      const view = await openHoursForm(ANN);
      const before = await hoursOf(ANN);

      const res = await submit(ANN, view, { start: null, end: '18:00', days: '', timeZone: null });

      expect(res.json).toEqual({
        response_action: 'errors',
        errors: {
          start: 'Write a time as HH:MM, e.g. 09:00',
          days: 'Write the days as a range or a list, e.g. mon-fri or mon,tue,thu',
          timeZone: 'Not a time zone I know: use an IANA name such as Europe/Berlin',
        },
      });
      expect(await hoursOf(ANN)).toEqual(before);
    });

    it('confirms the hours when the form is submitted unchanged', async () => {
      const view = await openHoursForm(EVE);
      const res = await submit(EVE, view);

      expect(res.json).toMatchObject({ response_action: 'update', view: { title: { text: 'Working hours' } } });
      expect(replyText(res.json?.view as Json)).toContain('Your working hours are now 09:00–17:00 mon-fri (Europe/Berlin)');
      expect(await hoursOf(EVE)).toEqual({ timeZone: 'Europe/Berlin', workStartMin: 540, workEndMin: 1020, workDays: [1, 2, 3, 4, 5] });
    });

    it('says privately, and honestly, when Slack will not open the form, and how to type the person’s own hours instead', async () => {
      // Hours other than the defaults, so the typed alternative shows that it carries the person's own.
      const typed = await t.po('hours 08:30-16:30 mon,tue,thu America/New_York', { userId: SAM });
      expect(typed.reply).toContain('Your working hours are now 08:30–16:30 mon,tue,thu (America/New_York)');

      t.fake.failNext('views.open', { error: 'expired_trigger_id' });
      const res = await t.po('hours edit', { userId: SAM, responseUrl: t.fake.responseUrl('cmd-expired') });

      expect(res.status).toBe(200);
      expect(t.fake.callsTo('views.open')).toHaveLength(1);
      expect(openedViews()).toEqual([]); // refused: no modal is open
      const answer = onePostTo('cmd-expired');
      expect(answer).toMatchObject({ response_type: 'ephemeral' });
      expect(replyText(answer)).toContain('I could not open the “Working hours” form: Slack lets me open a form only within 3 seconds');
      expect(replyText(answer)).toContain('`/po hours 08:30-16:30 mon,tue,thu America/New_York`');

      t.fake.failNext('views.open', { error: 'invalid_arguments' });
      await click({ userId: SAM, actionId: 'hours.edit', value: 'edit', responseId: 'click-refused' });
      expect(openedViews()).toEqual([]);
      const clickAnswer = onePostTo('click-refused');
      expect(clickAnswer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(replyText(clickAnswer)).toContain('Slack did not accept it. Nothing was changed.');
      expect(replyText(clickAnswer)).toContain('`/po hours 08:30-16:30 mon,tue,thu America/New_York`');
    });

    it('keeps the form open with an apology when saving fails, and saves when submitted again', async () => {
      const view = await openHoursForm(ALI);
      const before = await hoursOf(ALI);

      const res = await whileHoursCannotBeSaved(() => submit(ALI, view, { start: '07:15' }));

      // What the person sees: the form, still filled in, with the apology on its first input.
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ response_action: 'errors', errors: { start: APOLOGY } });
      expect(await hoursOf(ALI)).toEqual(before);

      const again = await submit(ALI, view, { start: '07:15' });
      expect(replyText(again.json?.view as Json)).toContain('Your working hours are now 07:15–17:00 mon-fri (Europe/Berlin)');
      expect(await hoursOf(ALI)).toEqual({ ...before, workStartMin: 7 * 60 + 15 });
    });

    it('says so in the modal when the form is submitted in a workspace without a product, and saves nothing', async () => {
      const view = await openHoursForm(EVE);
      const persons = await prisma().person.count();

      const res = await submit(EVE, view, { start: '06:00' }, 'T0NOPROD01');

      expect(res.json).toMatchObject({ response_action: 'update', view: { type: 'modal', title: { text: 'Working hours' } } });
      expect(replyText(res.json?.view as Json)).toBe('po-desk is not set up in this workspace yet: start with `/po owner @someone`.');
      expect(await prisma().person.count()).toBe(persons);
      expect((await hoursOf(EVE)).workStartMin).toBe(540);
    });

    it('refuses a submission whose private_metadata is not ours, and saves nothing', async () => {
      const view = await openHoursForm(PAT);
      const before = await hoursOf(PAT);
      const res = await submit(PAT, { ...view, private_metadata: 'This is for you!' }, { start: '07:00' });

      expect(res.json).toMatchObject({ response_action: 'update', view: { type: 'modal', title: { text: 'Working hours' } } });
      expect(replyText(res.json?.view as Json)).toContain('comes from an older version of po-desk, so nothing was saved');
      expect(await hoursOf(PAT)).toEqual(before);
    });

    it('says so in the modal when Slack rate-limits the lookup on submit, and saves nothing', async () => {
      const view = await openHoursForm(PAT);
      const before = await hoursOf(PAT);
      t.fake.failNext('users.info', { rateLimited: 4 });
      const res = await submit(PAT, view, { start: '06:00' });

      expect(res.json).toMatchObject({ response_action: 'update', view: { title: { text: 'Working hours' } } });
      expect(replyText(res.json?.view as Json)).toContain('Slack asked me to slow down. Nothing was changed; please try again in 4 seconds.');
      expect(await hoursOf(PAT)).toEqual(before);
    });

    it('answers a form it does not know with a modal that says so', async () => {
      const res = await submit(PAT, { callback_id: 'request.create', title: { type: 'plain_text', text: 'New request' }, private_metadata: '{}', blocks: [] });
      expect(res.json).toMatchObject({ response_action: 'update', view: { title: { text: 'New request' } } });
      expect(replyText(res.json?.view as Json)).toContain('That form no longer exists');
    });
  });

  describe('Undo', () => {
    it('puts a removed stakeholder back, replaces the original reply and audits the undo', async () => {
      const removed = await t.po(`stakeholder remove <@${SAM}>`, { userId: PAT });
      expect(removed.reply).toContain(`Removed <@${SAM}> from the stakeholders`);
      expect(await prisma().stakeholder.count()).toBe(0);
      const [undo] = buttonsOf(removed.body);
      expect(undo).toMatchObject({ action_id: 'stakeholder.undo-remove', label: 'Undo' });

      const res = await click({ userId: PAT, actionId: undo!.action_id, value: undo!.value, responseId: 'undo-stakeholder' });

      expect(res.status).toBe(200);
      const answer = onePostTo('undo-stakeholder');
      expect(answer).toMatchObject({ replace_original: true });
      expect(replyText(answer)).toContain(`Undone: <@${SAM}> is a stakeholder of *acme* again.`);
      expect(buttonsOf(answer)).toEqual([]); // the Undo button is gone with the message it replaced
      const back = await prisma().stakeholder.findMany({ include: { person: true } });
      expect(back.map((s) => s.person.platformUserId)).toEqual([SAM]);
      expect(await latestAudit()).toMatchObject({ action: 'stakeholders.added', actorId: await personId(PAT), details: { persons: [await personId(SAM)], undo: true } });

      // A second click finds nothing left to undo and changes nothing.
      const audits = await prisma().auditEvent.count();
      await click({ userId: PAT, actionId: undo!.action_id, value: undo!.value, responseId: 'undo-again' });
      expect(replyText(onePostTo('undo-again'))).toContain('Nothing to undo');
      expect(await prisma().stakeholder.count()).toBe(1);
      expect(await prisma().auditEvent.count()).toBe(audits);
    });

    it('refuses a stakeholder Undo by someone who may not change the stakeholders, privately, and changes nothing', async () => {
      const removed = await t.po(`stakeholder remove <@${SAM}>`, { userId: ANN });
      const [undo] = buttonsOf(removed.body);

      await click({ userId: EVE, actionId: undo!.action_id, value: undo!.value, responseId: 'undo-by-eve' });

      const answer = onePostTo('undo-by-eve');
      expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false }); // the original reply stays
      expect(replyText(answer)).toContain('Only the PO (pat) or an admin (ann) can change the stakeholders.');
      expect(await prisma().stakeholder.count()).toBe(0);

      await click({ userId: ANN, actionId: undo!.action_id, value: undo!.value, responseId: 'undo-by-ann' });
      expect(onePostTo('undo-by-ann')).toMatchObject({ replace_original: true });
      expect(await prisma().stakeholder.count()).toBe(1);
      expect(await latestAudit()).toMatchObject({ action: 'stakeholders.added', actorId: await personId(ANN), details: { undo: true } });
    });

    it('puts a removed team member back on the roster and audits the undo', async () => {
      const removed = await t.po(`members remove <@${BOB}>`, { userId: ALI, channelId: CHANNEL });
      const [undo] = buttonsOf(removed.body);
      expect(undo).toMatchObject({ action_id: 'members.undo-remove', label: 'Undo' });

      await click({ userId: ALI, channelId: CHANNEL, actionId: undo!.action_id, value: undo!.value, responseId: 'undo-members' });

      const answer = onePostTo('undo-members');
      expect(answer).toMatchObject({ replace_original: true });
      expect(replyText(answer)).toContain(`Undone: <@${BOB}> is back on *Checkout*.`);
      const team = await prisma().team.findFirstOrThrow({ include: { members: { include: { person: true } } } });
      expect(team.members.map((m) => m.person.platformUserId)).toContain(BOB);
      expect(await latestAudit()).toMatchObject({ action: 'team.members.added', actorId: await personId(ALI), details: { team: team.id, persons: [await personId(BOB)], undo: true } });
    });

    it('refuses a members Undo by someone who may not change the roster, privately, and changes nothing', async () => {
      const removed = await t.po(`members remove <@${BOB}>`, { userId: ALI, channelId: CHANNEL });
      const [undo] = buttonsOf(removed.body);
      const audits = await prisma().auditEvent.count();

      await click({ userId: SAM, channelId: CHANNEL, actionId: undo!.action_id, value: undo!.value, responseId: 'undo-members-by-sam' });

      const answer = onePostTo('undo-members-by-sam');
      expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(replyText(answer)).toContain('Only the PO (pat), an admin (ann) or a member of Checkout can change the roster of Checkout.');
      const team = await prisma().team.findFirstOrThrow({ include: { members: { include: { person: true } } } });
      expect(team.members.map((m) => m.person.platformUserId)).not.toContain(BOB);
      expect(await prisma().auditEvent.count()).toBe(audits);

      await click({ userId: ALI, channelId: CHANNEL, actionId: undo!.action_id, value: undo!.value, responseId: 'undo-members-by-ali' });
      expect(replyText(onePostTo('undo-members-by-ali'))).toContain(`Undone: <@${BOB}> is back on *Checkout*.`);
    });
  });

  describe('malformed and unknown clicks', () => {
    it('answers an unknown action id privately and kindly', async () => {
      const res = await click({ userId: EVE, actionId: 'digest.snooze', value: '1', responseId: 'unknown' });

      expect(res.status).toBe(200);
      const answer = onePostTo('unknown');
      expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(replyText(answer)).toContain('That button no longer does anything');
    });

    it('routes a de-duplicated action id (hours.edit:2) like its base id', async () => {
      await click({ userId: EVE, actionId: 'hours.edit:2', value: 'edit', responseId: 'suffixed' });
      expect(openedViews()).toEqual([expect.objectContaining({ view: expect.objectContaining({ callback_id: 'hours' }) })]);
      expect(t.fake.responsesTo('suffixed')).toEqual([]);
    });

    it('answers a click without action id, value, channel or user kindly instead of failing', async () => {
      const noAction = blockActionsPayload({ userId: EVE, actionId: 'x', responseUrl: t.fake.responseUrl('no-action-id') });
      noAction.actions = [{ type: 'button', block_id: 'b1', action_ts: '1700000000.000200' }];
      const noUser = { ...blockActionsPayload({ userId: EVE, actionId: 'stakeholder.undo-remove', responseUrl: t.fake.responseUrl('no-user') }), user: {} };
      const noChannel = blockActionsPayload({ userId: EVE, actionId: 'stakeholder.undo-remove', responseUrl: t.fake.responseUrl('no-channel') });
      delete noChannel.channel;
      delete noChannel.container;

      for (const payload of [noAction, noUser, noChannel]) expect((await postInteraction(t.baseUrl, payload)).status).toBe(200);

      expect(replyText(onePostTo('no-action-id'))).toContain('That button no longer does anything');
      expect(replyText(onePostTo('no-user'))).toContain('Slack did not tell me enough about that click');
      expect(replyText(onePostTo('no-channel'))).toContain('Only the PO (pat) or an admin (ann) can change the stakeholders');
      expect(await prisma().stakeholder.count()).toBe(1);
    });

    it('answers at once, not after Slack’s 3 s timeout, when a click names no element at all', async () => {
      const payload = { ...blockActionsPayload({ userId: EVE, actionId: 'x', responseUrl: t.fake.responseUrl('no-actions') }), actions: [] };
      const started = Date.now();
      expect((await postInteraction(t.baseUrl, payload)).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(replyText(onePostTo('no-actions'))).toContain('Slack did not tell me which button you clicked');
    });

    it('answers a message shortcut it does not know (a manifest not this po-desk’s) at once, and asks or files nothing', async () => {
      const payload = messageShortcutPayload({ userId: ALI, callbackId: 'send_to_backlog', channelId: CHANNEL, text: 'Can we ship on Friday?', authorId: BOB, responseUrl: t.fake.responseUrl('unknown-shortcut') });
      const started = Date.now();
      expect((await postInteraction(t.baseUrl, payload)).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(replyText(onePostTo('unknown-shortcut'))).toContain('Sorry, I do not know that shortcut, so I did nothing');
      expect(await prisma().question.count()).toBe(0);
      expect(await prisma().intakeItem.count()).toBe(0);
      expect(t.fake.calls.map((c) => c.method)).toEqual(['response_url']); // nothing posted anywhere else
    });

    it('answers 400, not 500, to signed payloads Bolt cannot route, and keeps serving', async () => {
      const noUser = { ...blockActionsPayload({ userId: EVE, actionId: 'hours.edit', responseUrl: t.fake.responseUrl('x') }), user: undefined, team: null };
      const noView = { ...viewSubmissionPayload({ userId: EVE, view: { callback_id: 'hours', blocks: [] } }), view: undefined };
      for (const payload of [noUser, noView]) expect((await postInteraction(t.baseUrl, payload)).status).toBe(400);
      expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
      expect(t.fake.calls).toEqual([]);
    });

    it('refuses an unsigned interactivity request with 401 and changes nothing', async () => {
      const payload = blockActionsPayload({ userId: PAT, actionId: 'stakeholder.undo-remove', value: 'x', responseUrl: t.fake.responseUrl('unsigned') });

      const res = await fetch(`${t.baseUrl}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: interactionBody(payload),
      });

      expect(res.status).toBe(401);
      expect(t.fake.calls).toEqual([]);
    });
  });
});
