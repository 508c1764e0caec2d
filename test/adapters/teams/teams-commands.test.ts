import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createdChatId, type ConnectorCall, type FakeMember } from '../../support/fake-bot-connector.js';
import {
  BOT,
  CHANNEL_ID,
  channelMessage,
  invoke,
  membersAdded,
  person,
  personalConversationId,
  personalInstall,
  personalMessage,
  TEAM_ID,
  TENANT_ID,
} from '../../support/teams-activities.js';
import { startTeamsTestApp, type TeamsTestApp } from '../../support/teams-test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';

// The cast: Teams user ids (29:…) and AAD object ids.
const ANN = person('ann', 1); // installs and configures → admin
const PAT = person('pat', 2); // the PO; never talked to po-desk before
const ALI = person('alice', 3);
const BOB = person('bob', 4);
const SAM = person('sam', 5);
const ZED = person('zed', 6); // has blocked po-desk

describe.each(testDatabaseKinds())('Teams: the foundation commands (%s)', (kind) => {
  let t: TeamsTestApp;
  let serviceUrl: string;
  beforeAll(async () => {
    t = await startTeamsTestApp(kind);
    serviceUrl = t.fake.url;
    t.fake.setRoster(TEAM_ID, [ANN, PAT, ALI, BOB, SAM, ZED, { id: BOT.id, name: BOT.name, aadObjectId: '' } as FakeMember]);
    t.fake.blockedUsers.add(ZED.id);
  });
  afterAll(async () => t?.stop());
  // The outbox sends after a test's own checks: a bad call can arrive after its afterEach. The reset
  // before the next test must not wipe it unseen, so it is checked first.
  let checked = { calls: 0, unexpected: 0 }; // how much of the fake's record the last afterEach looked at
  beforeEach(() => {
    const late = t.fake.unexpected.slice(checked.unexpected);
    const lateFailures = t.fake.calls.slice(checked.calls).filter((c) => c.status >= 300 && !plannedRefusal(c)).map(describeCall);
    t.fake.reset();
    checked = { calls: 0, unexpected: 0 };
    expect(late, 'unexpected calls that came after the previous test was checked').toEqual([]);
    expect(lateFailures, 'failed calls that came after the previous test was checked').toEqual([]);
  });
  afterEach(async () => {
    await outboxSettled(); // everything this test queued was sent (or dead-lettered): its calls are all in
    const unexpected = [...t.fake.unexpected];
    const calls = [...t.fake.calls];
    checked = { calls: calls.length, unexpected: unexpected.length };
    expect(unexpected).toEqual([]);
    expect(calls.filter((c) => c.status >= 300 && !plannedRefusal(c)).map(describeCall)).toEqual([]);
  });

  const prisma = () => t.app.db.prisma;
  /** Teams' only refusal these tests plan for: a 1:1 with Zed, who blocked po-desk. Any other failed call is a bug. */
  const plannedRefusal = (c: ConnectorCall) => c.method === 'createConversation' && c.status === 403 && (c.body?.members as { id?: string }[] | undefined)?.[0]?.id === ZED.id;
  const describeCall = (c: ConnectorCall) => `${c.status} ${c.method} ${c.conversationId ?? ''} ${c.activityId ?? ''}`.trim();
  /** Waits until the outbox holds nothing left to send (at most 10 s). */
  async function outboxSettled(): Promise<void> {
    const until = Date.now() + 10_000;
    while ((await prisma().outboxMessage.count({ where: { status: 'pending' } })) > 0) {
      if (Date.now() > until) throw new Error(`the outbox still has pending messages: ${JSON.stringify(await prisma().outboxMessage.findMany({ where: { status: 'pending' }, select: { kind: true, lastError: true } }))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const inChannel = { serviceUrl: '' };
  const where = () => ({ ...inChannel, serviceUrl });
  /** Replies po-desk posted in the thread of a channel message. */
  const threadReplies = (rootId: string) => t.fake.sent.filter((s) => s.conversationId === `${CHANNEL_ID};messageid=${rootId}`);

  it('greets once with help when added to a team, even when Teams delivers the event twice', async () => {
    const added = membersAdded(ANN, [{ id: BOT.id }], serviceUrl);
    expect((await t.send(added)).status).toBe(200);
    expect((await t.send(added)).status).toBe(200); // a redelivery
    expect((await t.send({ ...membersAdded(ANN, [{ id: BOT.id }], serviceUrl) })).status).toBe(200); // a second event
    const greeting = await t.fake.waitForSent((s) => s.conversationId === TEAM_ID);
    expect(greeting.text).toContain('Hi, I’m po-desk');
    expect(greeting.text).toContain('@po-desk owner @Pat');
    expect(greeting.text).toContain('/po owner [@user]');
    await new Promise((r) => setTimeout(r, 200));
    expect(t.fake.sent.filter((s) => s.conversationId === TEAM_ID)).toHaveLength(1);
    const stored = await prisma().teamsConversation.findUniqueOrThrow({ where: { id: TEAM_ID } });
    expect(stored).toMatchObject({ tenantId: TENANT_ID, serviceUrl, kind: 'channel', teamId: TEAM_ID });
    expect(stored.greetedAt).not.toBeNull();
  });

  it('configures the product from a channel: owner, team, stakeholder — and welcomes the PO in a new 1:1', async () => {
    const owner = channelMessage(ANN, 'owner', where(), [PAT]);
    expect((await t.send(owner)).status).toBe(200);
    const reply = await t.fake.waitForSent((s) => s.conversationId === `${CHANNEL_ID};messageid=${owner.id}`);
    expect(reply.replyToId).toBe(owner.id); // in the command's thread
    expect(reply.text).toContain('Pat');
    expect(reply.text).toContain('is now the Product Owner');

    const product = await prisma().product.findFirstOrThrow({ include: { owner: { include: { person: true } }, admins: { include: { person: true } } } });
    expect(product.owner?.person.platformUserId).toBe(PAT.aadObjectId); // people are their AAD object ids
    expect(product.admins.map((a) => a.person.platformUserId)).toEqual([ANN.aadObjectId]);
    expect(await prisma().workspace.findFirstOrThrow()).toMatchObject({ platform: 'teams', externalId: TENANT_ID });

    // Pat never talked to po-desk: a 1:1 is created through the team roster, then the welcome sent there.
    const welcome = await t.fake.waitForSent((s) => s.conversationId === createdChatId(PAT));
    expect(welcome.text).toContain('You are the Product Owner of Acme Product');
    const created = t.fake.calls.find((c) => c.method === 'createConversation');
    expect(created?.body).toMatchObject({ bot: { id: BOT.id }, members: [{ id: PAT.id }], tenantId: TENANT_ID, isGroup: false });
    expect(await prisma().teamsConversation.findFirst({ where: { kind: 'personal', userAadId: PAT.aadObjectId } })).toMatchObject({ id: createdChatId(PAT), tenantId: TENANT_ID });

    const team = channelMessage(ANN, 'team Checkout', where());
    await t.send(team);
    const bound = await t.fake.waitForSent((s) => s.conversationId === `${CHANNEL_ID};messageid=${team.id}`);
    expect(bound.text).toContain('Checkout');
    const row = await prisma().team.findFirstOrThrow({ include: { members: { include: { person: true } } } });
    expect(row).toMatchObject({ name: 'Checkout', channelId: CHANNEL_ID });
    // The roster comes from the team's members: not the PO, not the bot.
    expect(row.members.map((m) => m.person.displayName).sort()).toEqual(['Alice', 'Ann', 'Bob', 'Sam', 'Zed']);

    const stakeholder = channelMessage(ANN, 'stakeholder add', where(), [SAM]);
    await t.send(stakeholder);
    const added = await t.fake.waitForSent((s) => s.conversationId === `${CHANNEL_ID};messageid=${stakeholder.id}`);
    expect(added.text).toContain('Sam');
    expect(added.text).toContain('as a stakeholder of');
    const stakeholders = await prisma().stakeholder.findMany({ include: { person: true } });
    expect(stakeholders.map((s) => s.person.platformUserId)).toEqual([SAM.aadObjectId]);
  });

  it('refuses a second PO and a handover by someone who may not, with the same words as on Slack', async () => {
    const two = channelMessage(ANN, 'owner', where(), [ALI, BOB]);
    await t.send(two);
    const refusedTwo = await t.fake.waitForSent((s) => s.conversationId === `${CHANNEL_ID};messageid=${two.id}`);
    expect(refusedTwo.text).toContain('a product has exactly one Product Owner: mention one person');

    const byAlice = channelMessage(ALI, 'owner', where(), [BOB]);
    await t.send(byAlice);
    const refused = await t.fake.waitForSent((s) => s.conversationId === `${CHANNEL_ID};messageid=${byAlice.id}`);
    expect(refused.text).toContain('Only the PO (Pat) or an admin (Ann) can hand over the Product Owner role.');
    const owner = await prisma().productOwner.findFirstOrThrow({ include: { person: true } });
    expect(owner.person.platformUserId).toBe(PAT.aadObjectId); // unchanged
  });

  it("lists and changes the roster from the channel, and undoes a removal with the card's Undo", async () => {
    const list = channelMessage(ALI, 'members', where());
    await t.send(list);
    expect((await t.fake.waitForSent((s) => s.replyToId === list.id)).text).toContain('Checkout has 5 on the roster');

    const remove = channelMessage(ALI, 'members remove', where(), [BOB]);
    await t.send(remove);
    const removed = await t.fake.waitForSent((s) => s.replyToId === remove.id);
    expect(removed.text).toContain('Removed Bob from Checkout.');
    const onRoster = async () => (await prisma().teamMember.findMany({ include: { person: true } })).map((m) => m.person.displayName).sort();
    expect(await onRoster()).toEqual(['Alice', 'Ann', 'Sam', 'Zed']);

    const attachments = removed.activity.attachments as { content: unknown }[];
    const undo = JSON.stringify(attachments[0]!.content).match(/"verb":"members\.undo-remove","data":(\{"po":\{[^}]*\}\})/);
    expect(undo).not.toBeNull();
    const data = JSON.parse(undo![1]!) as unknown;
    const res = await t.send(invoke(ALI, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: 'members.undo-remove', data }, trigger: 'manual' }, { ...where(), threadId: remove.id }, removed.id));
    expect(JSON.stringify(res.body)).toContain('Undone: ');
    expect(await onRoster()).toEqual(['Alice', 'Ann', 'Bob', 'Sam', 'Zed']);
  });

  it('answers in a personal chat without a mention, and understands "/po" typed out of habit', async () => {
    const help = personalMessage(ALI, 'help', serviceUrl);
    await t.send(help);
    const reply = await t.fake.waitForSent((s) => s.conversationId === personalConversationId(ALI));
    expect(reply.replyToId).toBeUndefined();
    expect(reply.text).toContain('/po stakeholder add|remove|list');

    // Commands in backticks show as code, not as backticks: Teams cards do not read Markdown.
    await t.send(personalMessage(ALI, 'team Checkout', serviceUrl));
    const refusal = await t.fake.waitForSent((s) => s.conversationId === personalConversationId(ALI) && s.text.includes('own channel'));
    expect(refusal.text).toBe('Run /po team <name> in the team’s own channel: that channel becomes the team.');
    expect(JSON.stringify(refusal.activity.attachments)).toContain('"text":"/po team <name>","fontType":"monospace"');
    await t.send(personalMessage(ALI, '/po owner', serviceUrl));
    await t.fake.waitForSent((s) => s.conversationId === personalConversationId(ALI) && s.text.includes('is the Product Owner of'));
  });

  it('installs as a personal app with a greeting in that chat', async () => {
    await t.send(personalInstall(BOB, serviceUrl));
    const greeting = await t.fake.waitForSent((s) => s.conversationId === personalConversationId(BOB));
    expect(greeting.text).toContain('Write the commands here without /po');
  });

  it('tells the person who made someone PO when that person cannot be messaged privately', async () => {
    const owner = channelMessage(ANN, 'owner', where(), [ZED]);
    await t.send(owner);
    await t.fake.waitForSent((s) => s.text.includes('Zed') && s.text.includes('is now the Product Owner'));
    // Teams refuses the 1:1 (Zed blocked po-desk): Ann learns who was not reached and why, privately —
    // in her own 1:1 with po-desk, not in the channel for everyone to read.
    const notice = await t.fake.waitForSent((s) => s.text.includes('I could not send'));
    expect(notice.conversationId).toBe(createdChatId(ANN)); // Ann never wrote to po-desk privately: a new 1:1
    expect(t.fake.calls.filter((c) => c.method === 'createConversation').map((c) => [(c.body?.members as { id: string }[])[0]!.id, c.status])).toEqual([
      [ZED.id, 403],
      [ANN.id, 201],
    ]);
    expect(notice.text).toBe(
      'I could not send Zed a private message: Teams refused it: po-desk was removed from that conversation, or the person blocked it.\n' +
        'Nothing else was affected: everything you changed is saved.',
    );
    expect(t.fake.sent.filter((s) => s.conversationId.startsWith(CHANNEL_ID) && s.text.includes('could not'))).toEqual([]);
    const dead = await prisma().outboxMessage.findFirstOrThrow({ where: { status: 'dead', userId: ZED.aadObjectId } });
    expect(dead).toMatchObject({ kind: 'dm', userId: ZED.aadObjectId });
    // Hand the role back so later tests see Pat as PO.
    const back = channelMessage(ANN, 'owner', where(), [PAT]);
    await t.send(back);
    await t.fake.waitForSent((s) => s.conversationId === `${CHANNEL_ID};messageid=${back.id}`);
  });

  it('handles a redelivered message once', async () => {
    const help = channelMessage(ALI, 'help', where());
    await t.send(help);
    await t.send(help);
    await t.fake.waitForSent((s) => s.conversationId === `${CHANNEL_ID};messageid=${help.id}`);
    await new Promise((r) => setTimeout(r, 200));
    expect(threadReplies(help.id)).toHaveLength(1);
  });

  it('rejects over-long commands with the reason, and changes nothing', async () => {
    const teams = () => prisma().team.findMany({ orderBy: { id: 'asc' } });
    const teamsBefore = await teams();
    expect(teamsBefore.map((x) => x.name)).toEqual(['Checkout']);
    const auditBefore = await prisma().auditEvent.findMany({ orderBy: { id: 'asc' } });
    const long = channelMessage(ANN, `team ${'x'.repeat(4100)}`, where());
    await t.send(long);
    const reply = await t.fake.waitForSent((s) => s.conversationId === `${CHANNEL_ID};messageid=${long.id}`);
    expect(reply.text).toContain('That is too long for a command');
    // Padded with spaces, it would be a valid rename to "Renamed": only the length check refuses it.
    const padded = channelMessage(ANN, `team Renamed${' '.repeat(4100)}`, where());
    await t.send(padded);
    const paddedReply = await t.fake.waitForSent((s) => s.conversationId === `${CHANNEL_ID};messageid=${padded.id}`);
    expect(paddedReply.text).toContain('That is too long for a command');
    // Not renamed (a rename also leaves one team), and nothing done that would be audited.
    expect(await teams()).toEqual(teamsBefore);
    expect(await prisma().auditEvent.findMany({ orderBy: { id: 'asc' } })).toEqual(auditBefore);
  });

  it('keeps typed markup literal: no mentions, no formatting injected into the card', async () => {
    const tricky = channelMessage(ANN, 'team **Bold** &lt;at&gt;Pat&lt;/at&gt; [x](http://evil.example)', where());
    await t.send(tricky);
    const reply = await t.fake.waitForSent((s) => s.conversationId === `${CHANNEL_ID};messageid=${tricky.id}`);
    expect(reply.text).toContain('**Bold** <at>Pat</at> [x](http://evil.example)');
    const card = JSON.stringify(reply.activity.attachments);
    expect(card).not.toContain('"msteams"'); // no mention entities
    expect(card).not.toContain('Action.OpenUrl'); // the typed link is not a link
  });

  it('refuses malformed requests with 400 and never crashes', async () => {
    const counts = async () => ({ outbox: await prisma().outboxMessage.count(), receipts: await prisma().inboundReceipt.count() });
    const before = await counts();
    const post = (body: string) => fetch(`${t.baseUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect((await post('{not json')).status).toBe(400);
    expect((await post('[]')).status).toBe(400);
    expect((await post('{"text":"no type"}')).status).toBe(400);
    // Valid JSON, but no conversation or sender: refused as malformed (a 4xx, which Teams does not retry).
    expect((await post(JSON.stringify({ type: 'message', text: 'hi', serviceUrl }))).status).toBe(400);
    // Nothing was recorded or queued: the outbox sends later, so an empty fake.sent right now would prove nothing.
    expect(await counts()).toEqual(before);
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
  });
});
