import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { message, section } from '../../../src/messages/build.js';
import { prismaStore } from '../../../src/store/prisma-store.js';
import { adaptiveCardErrors } from '../../support/adaptive-card-schema.js';
import { cardText, type FakeMember } from '../../support/fake-bot-connector.js';
import { BOT, CHANNEL_ID, cardSubmit, channelMessage, invoke, membersAdded, person, TEAM_ID, TENANT_ID } from '../../support/teams-activities.js';
import { startTeamsTestApp, type TeamsTestApp } from '../../support/teams-test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';

const ANN = person('ann', 1);
const PAT = person('pat', 2);
const ALI = person('alice', 3);
const SAM = person('sam', 4);

interface Card {
  body: unknown[];
  actions?: unknown[];
}
type Action = { type: string; title: string; verb?: string; data: Record<string, unknown> };

/** Every action on a card, wherever it sits (ActionSets in the body, or the card's own actions). */
function actionsOf(card: Card): Action[] {
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
const cardOf = (activity: Record<string, unknown>) => (activity.attachments as { content: Card }[])[0]!.content;
const inputsOf = (card: Card) => (card.body as { type: string; id?: string; value?: string }[]).filter((e) => e.type.startsWith('Input.'));

describe.each(testDatabaseKinds())('Teams: cards, dialogs and the outbox (%s)', (kind) => {
  let t: TeamsTestApp;
  let where: { serviceUrl: string };
  /** A thread po-desk answered in during setup: clicks that need no particular card happen there. */
  let setupThread: string;
  beforeAll(async () => {
    t = await startTeamsTestApp(kind);
    where = { serviceUrl: t.fake.url };
    t.fake.setRoster(TEAM_ID, [ANN, PAT, ALI, SAM]);
    await t.send(membersAdded(ANN, [{ id: BOT.id }], t.fake.url));
    const steps = [channelMessage(ANN, 'owner', where, [PAT]), channelMessage(ANN, 'team Checkout', where), channelMessage(ANN, 'stakeholder add', where, [SAM])];
    for (const step of steps) {
      await t.send(step);
      await t.fake.waitForSent((s) => s.replyToId === step.id);
    }
    setupThread = steps[0]!.id;
  });
  afterAll(async () => t?.stop());
  beforeEach(() => t.fake.reset());
  afterEach(() => expect(t.fake.unexpected).toEqual([]));

  const prisma = () => t.app.db.prisma;
  const hoursOf = async (p: FakeMember) => prisma().person.findFirstOrThrow({ where: { platformUserId: p.aadObjectId } });

  it('opens the working-hours form as a dialog from its button, and saves what is submitted', async () => {
    const show = channelMessage(ALI, 'hours', where);
    await t.send(show);
    const reply = await t.fake.waitForSent((s) => s.replyToId === show.id);
    expect(reply.text).toContain('Your working hours: 09:00–17:00 mon-fri (Europe/Berlin)'); // the caller's Teams time zone
    const button = actionsOf(cardOf(reply.activity)).find((a) => a.title === 'Change working hours')!;
    expect(button).toMatchObject({ type: 'Action.Submit', data: { msteams: { type: 'task/fetch' } } });

    const inThread = { ...where, threadId: show.id };
    const fetched = await t.send(invoke(ALI, 'task/fetch', { data: button.data, context: { theme: 'default' } }, inThread, reply.id));
    expect(fetched.status).toBe(200);
    const dialog = (fetched.body as { task: { type: string; value: { title: string; card: { content: Card } } } }).task;
    expect(dialog.type).toBe('continue');
    expect(dialog.value.title).toBe('Working hours');
    expect(adaptiveCardErrors(dialog.value.card.content)).toEqual([]);
    expect(inputsOf(dialog.value.card.content).map((i) => [i.type, i.id, i.value])).toEqual([
      ['Input.Time', 'start', '09:00'],
      ['Input.Time', 'end', '17:00'],
      ['Input.Text', 'days', 'mon-fri'],
      ['Input.Text', 'timeZone', 'Europe/Berlin'],
    ]);
    const submit = actionsOf(dialog.value.card.content).find((a) => a.type === 'Action.Submit')!;

    // Wrong values: the dialog shows the form again with the reasons; nothing is saved.
    const wrong = await t.send(invoke(ALI, 'task/submit', { data: { ...submit.data, start: '18:00', end: '08:00', days: 'mon-fri', timeZone: 'Mars/Olympus' } }, inThread));
    const again = (wrong.body as { task: { value: { card: { content: Card } } } }).task.value.card.content;
    expect(adaptiveCardErrors(again)).toEqual([]);
    const againText = cardText(again);
    expect(againText).toContain('The end of the working day must be after its start');
    expect(againText).toContain('Not a time zone I know');
    expect(inputsOf(again).find((i) => i.id === 'start')?.value).toBe('18:00'); // what was typed stays
    expect(await hoursOf(ALI)).toMatchObject({ workStartMin: 540, workEndMin: 1020 });

    const ok = await t.send(invoke(ALI, 'task/submit', { data: { ...submit.data, start: '08:30', end: '16:30', days: 'mon,tue,thu', timeZone: 'america/new_york' } }, inThread));
    const done = (ok.body as { task: { value: { card: { content: Card } } } }).task.value.card.content;
    expect(cardText(done)).toContain('Your working hours are now 08:30–16:30 mon,tue,thu (America/New_York)');
    expect(await hoursOf(ALI)).toMatchObject({ workStartMin: 510, workEndMin: 990, workDays: [1, 2, 4], timeZone: 'America/New_York' });
  });

  it('shows a typed "hours edit" as an inline form and updates that card in place when it is submitted', async () => {
    const edit = channelMessage(SAM, 'hours edit', where);
    await t.send(edit);
    const form = await t.fake.waitForSent((s) => s.replyToId === edit.id);
    const card = cardOf(form.activity);
    expect(inputsOf(card).map((i) => i.id)).toEqual(['start', 'end', 'days', 'timeZone']);
    const submit = actionsOf(card).find((a) => a.type === 'Action.Submit')!;

    const res = await t.send(cardSubmit(SAM, { ...submit.data, start: '07:00', end: '15:00', days: 'mon-fri', timeZone: 'Europe/London' }, form.id, { ...where, threadId: edit.id }));
    expect(res.status).toBe(200);
    // The form card itself becomes the answer: a PUT to that card, in the thread it is in.
    const updated = await t.fake.waitForSent((s) => s.method === 'update');
    expect(t.fake.calls.filter((c) => c.method === 'update').map((c) => [c.conversationId, c.activityId, c.status])).toEqual([[`${CHANNEL_ID};messageid=${edit.id}`, form.id, 200]]);
    expect(updated).toMatchObject({ id: form.id, updatedId: form.id, replyToId: undefined });
    expect(updated.text).toContain('Your working hours are now 07:00–15:00 mon-fri (Europe/London)');
    expect(await hoursOf(SAM)).toMatchObject({ workStartMin: 420, workEndMin: 900, timeZone: 'Europe/London' });
  });

  it('saves a submitted inline form even when Teams refuses to update its card, and says so in a reply', async () => {
    const edit = channelMessage(SAM, 'hours edit', where);
    await t.send(edit);
    const form = await t.fake.waitForSent((s) => s.replyToId === edit.id);
    const submit = actionsOf(cardOf(form.activity)).find((a) => a.type === 'Action.Submit')!;
    t.fake.failNext(502, { method: 'update' });

    const res = await t.send(cardSubmit(SAM, { ...submit.data, start: '06:00', end: '14:00', days: 'mon-fri', timeZone: 'Europe/London' }, form.id, { ...where, threadId: edit.id }));
    expect(res.status).toBe(200);
    expect(await hoursOf(SAM)).toMatchObject({ workStartMin: 360, workEndMin: 840 });
    // The outcome reaches the person through the outbox, in the thread; never "nothing was changed".
    const told = await t.fake.waitForSent((s) => s.method === 'reply' && s.text.includes('Your working hours are now 06:00–14:00'));
    expect(told.conversationId).toBe(`${CHANNEL_ID};messageid=${edit.id}`);
    expect(t.fake.sent.map((s) => s.text).join('\n')).not.toContain('nothing was changed');
  });

  it('undoes a removal with Action.Execute: the card is refreshed in place and the stakeholder is back', async () => {
    const remove = channelMessage(ANN, 'stakeholder remove', where, [SAM]);
    await t.send(remove);
    const reply = await t.fake.waitForSent((s) => s.replyToId === remove.id);
    expect(reply.text).toContain('Removed');
    expect(await prisma().stakeholder.count()).toBe(0);
    const undo = actionsOf(cardOf(reply.activity)).find((a) => a.title === 'Undo')!;
    expect(undo.type).toBe('Action.Execute');

    // Someone who may not change stakeholders is refused, and nothing changes.
    const onCard = { ...where, threadId: remove.id };
    const callsBefore = t.fake.calls.length;
    const outboxBefore = await prisma().outboxMessage.count();
    const byAlice = await t.send(invoke(ALI, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: undo.verb, data: undo.data }, trigger: 'manual' }, onCard, reply.id));
    expect(byAlice.status).toBe(200);
    // A private answer for Alice only: the card (and Ann's Undo button) stays as it is.
    expect(byAlice.body).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: 'Only the PO (Pat) or an admin (Ann) can change the stakeholders.' });
    expect(await prisma().stakeholder.count()).toBe(0);
    expect(await prisma().outboxMessage.count()).toBe(outboxBefore); // nothing queued to send later
    await new Promise((r) => setTimeout(r, 200));
    expect(t.fake.calls.slice(callsBefore)).toEqual([]); // no update of the card, no message

    const byAnn = await t.send(invoke(ANN, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: undo.verb, data: undo.data }, trigger: 'manual' }, onCard, reply.id));
    const refreshed = byAnn.body as { statusCode: number; type: string; value: Card };
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(adaptiveCardErrors(refreshed.value)).toEqual([]);
    expect(cardText(refreshed.value)).toContain('Undone');
    expect(cardText(refreshed.value)).toContain('Sam');
    const back = await prisma().stakeholder.findMany({ include: { person: true } });
    expect(back.map((s) => s.person.platformUserId)).toEqual([SAM.aadObjectId]);
  });

  it('answers clicks on unknown or foreign cards politely, never with an error', async () => {
    const inThread = { ...where, threadId: setupThread };
    const unknown = await t.send(invoke(ANN, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: 'x', data: { po: { action: 'gone.away', value: '1' } } } }, inThread));
    expect(unknown.status).toBe(200);
    expect(JSON.stringify(unknown.body)).toContain('older version of po-desk');
    const foreign = await t.send(invoke(ANN, 'task/fetch', { data: { something: 'else' } }, inThread));
    expect(JSON.stringify(foreign.body)).toContain('older version of po-desk');
    const extension = await t.send(invoke(ANN, 'composeExtension/fetchTask', { commandId: 'sendToIntake', messagePayload: { id: setupThread } }, inThread));
    expect(extension.status).toBe(400); // "Ask the PO" submits at once (fetchTask false): po-desk never answers a fetchTask
  });

  it('updates a sent card in place through the outbox (the stored activity id), as Slack updates messages', async () => {
    const store = prismaStore(prisma(), () => t.app.dispatcher.wake());
    const workspace = { platform: 'teams' as const, externalId: TENANT_ID };
    await store.transaction(async (tx) => {
      const ws = await tx.workspace(workspace.platform, workspace.externalId);
      await tx.enqueue(ws, { kind: 'post', channelId: CHANNEL_ID, messageKey: 'status:1', message: message(section('Status: open')) });
      await tx.enqueue(ws, { kind: 'update', messageKey: 'status:1', message: message(section('Status: resolved')) });
    });
    const posted = await t.fake.waitForSent((s) => s.text.includes('Status: open'));
    const update = await t.fake.waitForSent((s) => s.text.includes('Status: resolved'));
    expect(posted).toMatchObject({ method: 'send', conversationId: CHANNEL_ID });
    expect(t.fake.calls.filter((c) => c.method === 'update')).toMatchObject([{ conversationId: CHANNEL_ID, activityId: posted.id, status: 200 }]);
    expect(update).toMatchObject({ method: 'update', id: posted.id, updatedId: posted.id });
  });

  it('waits out a 429 from the Bot Connector as told, then delivers once', async () => {
    t.fake.failNext(429, { retryAfter: 1, method: 'reply' });
    const help = channelMessage(ALI, 'help', where);
    const thread = `${CHANNEL_ID};messageid=${help.id}`;
    await t.send(help);
    await t.fake.waitForSent((s) => s.replyToId === help.id, 8000);
    const replies = t.fake.calls.filter((c) => c.method === 'reply' && c.activityId === help.id);
    expect(replies.map((c) => [c.status, c.conversationId])).toEqual([
      [429, thread],
      [200, thread],
    ]);
    expect(replies[1]!.at - replies[0]!.at).toBeGreaterThanOrEqual(900); // Retry-After: 1 s
    await new Promise((r) => setTimeout(r, 200));
    expect(t.fake.sent.filter((s) => s.replyToId === help.id)).toHaveLength(1);
    const row = await prisma().outboxMessage.findFirstOrThrow({ where: { threadId: help.id } });
    expect(row).toMatchObject({ status: 'sent', attempts: 1 }); // the 429 did not use up an attempt
  });
});
