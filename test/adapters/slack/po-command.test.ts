import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buttonsOf } from '../../support/block-kit.js';
import { addCast, ALI, ANN, BOB, CHANNEL, EVE, PAT, SAM } from '../../support/slack-cast.js';
import { replyText, startTestApp, type TestApp } from '../../support/test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';

const BOT = 'U0OTHERBOT';

/** A reply's one button: Undo, carrying what to put back. */
const undoButton = (actionId: string) => [{ action_id: actionId, label: 'Undo', value: expect.any(String) }];

describe.each(testDatabaseKinds())('/po on Slack (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
    addCast(t.fake);
    t.fake.addUser({ id: BOT, name: 'deploybot', is_bot: true });
    t.fake.setChannelMembers(CHANNEL, [ANN, PAT, ALI, BOB, SAM, BOT, 'U0PODESKBOT']);
    t.fake.setChannelMembers('C0RND00001', [ALI]);
    t.fake.setChannelMembers('C0OTHER001', [ALI]);
  });
  afterAll(async () => t?.stop());
  beforeEach(() => t.fake.reset());
  // Any Web API call the app makes that the fake does not know is a bug in the app or the fake.
  afterEach(() => expect(t.fake.unexpected).toEqual([]));

  const prisma = () => t.app.db.prisma;
  const dmsTo = (userId: string) =>
    t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${userId}`).map((c) => replyText(c.args as never));

  it('answers /po help privately with every available subcommand and an example', async () => {
    const { status, body, reply } = await t.po('help', { userId: EVE });
    expect(status).toBe(200);
    expect(body?.response_type).toBe('ephemeral');
    for (const sub of ['help', 'owner', 'team', 'members', 'stakeholder', 'hours', 'link']) expect(reply).toContain(`/po ${sub}`);
    expect(reply).toContain('/po team Checkout');
    expect(await prisma().product.count()).toBe(0); // help configures nothing
  });

  it('configures a product: owner, team, stakeholders — visible in the database and confirmed', async () => {
    const owner = await t.po(`owner <@${PAT}|pat>`, { userId: ANN });
    expect(owner.reply).toContain(`<@${PAT}> is now the Product Owner`);
    expect(owner.reply).toContain('exactly one Product Owner');

    const product = await prisma().product.findFirstOrThrow({ include: { owner: { include: { person: true } }, admins: { include: { person: true } } } });
    expect(product.owner?.person.platformUserId).toBe(PAT);
    expect(product.admins.map((a) => a.person.platformUserId)).toEqual([ANN]); // first configurer is the admin
    const workspace = await prisma().workspace.findFirstOrThrow();
    expect(workspace).toMatchObject({ platform: 'slack', externalId: 'T0PODESK01', productId: product.id });

    // The new PO is welcomed by DM, through the outbox.
    await t.fake.waitFor(() => dmsTo(PAT).length === 1);
    expect(dmsTo(PAT)[0]).toContain('You are the Product Owner of acme');
    expect(dmsTo(PAT)[0]).toMatch(/working hours/);
    expect(dmsTo(PAT)[0]).toContain('/po hours');

    const stake = await t.po(`stakeholder add <@${SAM}>`, { userId: PAT });
    expect(stake.reply).toContain(`Added <@${SAM}> as a stakeholder of *acme*`);

    const team = await t.po('team Checkout', { userId: ALI, channelId: CHANNEL });
    expect(team.reply).toContain('This channel is now team *Checkout*');
    const bound = await prisma().team.findFirstOrThrow({ include: { members: { include: { person: true } } } });
    expect(bound).toMatchObject({ name: 'Checkout', channelId: CHANNEL, productId: product.id });
    // Seeded from conversations.members, without the PO, the stakeholder and bots.
    expect(bound.members.map((m) => m.person.platformUserId).sort()).toEqual([ALI, ANN, BOB].sort());
    expect(t.fake.callsTo('conversations.members')[0]?.args.channel).toBe(CHANNEL);

    const audit = await prisma().auditEvent.findMany({ orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['product.created', 'owner.set', 'stakeholders.added', 'team.bound']);
  });

  it('refuses a second /po owner by someone who is neither the PO nor an admin, and changes nothing', async () => {
    const { reply } = await t.po(`owner <@${EVE}>`, { userId: BOB });
    expect(reply).toContain('Only the PO (pat) or an admin (ann) can hand over the Product Owner role');
    expect(reply).toContain('exactly one Product Owner');
    const owner = await prisma().productOwner.findFirstOrThrow({ include: { person: true } });
    expect(owner.person.platformUserId).toBe(PAT);
    await new Promise((r) => setTimeout(r, 200));
    expect(t.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('lets the PO hand over; the old PO is told who took over', async () => {
    const { reply } = await t.po(`owner <@${EVE}>`, { userId: PAT });
    expect(reply).toContain(`<@${EVE}> is now the Product Owner`);
    await t.fake.waitFor(() => dmsTo(PAT).length === 1 && dmsTo(EVE).length === 1);
    expect(dmsTo(PAT)[0]).toContain(`<@${EVE}> is now the Product Owner of *acme*, handed over by <@${PAT}>`);
    expect(await prisma().productOwner.count()).toBe(1);
    // and back, by the admin
    const back = await t.po(`owner <@${PAT}>`, { userId: ANN });
    expect(back.reply).toContain(`<@${PAT}> is now the Product Owner`);
  });

  it('a second PO row is impossible: the schema itself refuses it', async () => {
    const product = await prisma().product.findFirstOrThrow();
    const eve = await prisma().person.findFirstOrThrow({ where: { platformUserId: EVE } });
    await expect(prisma().productOwner.create({ data: { productId: product.id, personId: eve.id } })).rejects.toThrow();
  });

  it('keeps the roster explicit with /po members', async () => {
    const list = await t.po('members', { userId: EVE, channelId: CHANNEL });
    expect(list.reply).toContain('*Checkout* has 3 on the roster');

    const add = await t.po(`members add <@${EVE}> <@${BOB}>`, { userId: ALI, channelId: CHANNEL });
    expect(add.reply).toContain(`Added <@${EVE}> to *Checkout*`);
    expect(add.reply).toContain(`Already on the roster: <@${BOB}>`);

    const remove = await t.po(`members remove <@${EVE}>`, { userId: ALI, channelId: CHANNEL });
    // Undone with a button now (test/adapters/slack/interactions.test.ts clicks it), no longer by retyping.
    expect(buttonsOf(remove.body)).toEqual(undoButton('members.undo-remove'));
    expect(remove.reply).toBe(`Removed <@${EVE}> from *Checkout*.\nUndo`); // no typed "Undo with …" hint any more

    const refused = await t.po(`members add <@${SAM}>`, { userId: SAM, channelId: CHANNEL });
    expect(refused.reply).toContain('Only the PO (pat), an admin (ann) or a member of Checkout can change the roster of Checkout');
    const team = await prisma().team.findFirstOrThrow({ include: { members: { include: { person: true } } } });
    expect(team.members.map((m) => m.person.platformUserId).sort()).toEqual([ALI, ANN, BOB].sort());

    const po = await t.po(`members add <@${PAT}>`, { userId: ALI, channelId: CHANNEL });
    expect(po.reply).toContain('is the Product Owner, who works with every team');
  });

  it('lists and removes stakeholders; only the PO or an admin may change them', async () => {
    expect((await t.po('stakeholder list', { userId: EVE })).reply).toContain(`*acme* has 1 stakeholder: <@${SAM}>`);
    expect((await t.po(`stakeholder add <@${EVE}>`, { userId: ALI })).reply).toContain('Only the PO (pat) or an admin (ann) can change the stakeholders');
    const removed = await t.po(`stakeholder remove <@${SAM}>`, { userId: PAT });
    expect(buttonsOf(removed.body)).toEqual(undoButton('stakeholder.undo-remove'));
    expect(removed.reply).toBe(`Removed <@${SAM}> from the stakeholders.\nUndo`);
    // Removing nobody offers nothing to undo.
    const nobody = await t.po(`stakeholder remove <@${EVE}>`, { userId: PAT });
    expect(nobody.reply).toBe(`<@${EVE}> is not a stakeholder: nothing changed for them.`);
    expect(buttonsOf(nobody.body)).toEqual([]);
    expect(await prisma().stakeholder.count()).toBe(0);
    expect((await t.po(`stakeholder add <@${BOT}>`, { userId: PAT })).reply).toContain('is a bot');
  });

  it('answers unknown subcommands and missing arguments with a friendly error and the help line', async () => {
    const unknown = await t.po('frobnicate now', { userId: EVE });
    expect(unknown.reply).toContain('there is no `/po frobnicate` command');
    expect(unknown.reply).toContain('/po help');
    const missing = await t.po('stakeholder add', { userId: PAT });
    expect(missing.reply).toContain('mention at least one person to add');
    expect(missing.reply).toContain('/po stakeholder add|remove|list');
    const dm = await t.po('team Platform', { userId: PAT, channelId: 'D0PAT00001', channelName: 'directmessage' });
    expect(dm.reply).toContain('in the team’s own channel');
  });

  it('sets working hours per person, and rejects nonsense with a reason', async () => {
    const shown = await t.po('hours', { userId: PAT });
    expect(shown.reply).toContain('Your working hours: 09:00–17:00 mon-fri (Europe/Berlin)');
    expect(buttonsOf(shown.body)).toEqual([{ action_id: 'hours.edit', label: 'Change working hours', value: 'edit' }]);
    expect((await t.po('hours 08:30-16:30 mon-thu America/New_York', { userId: PAT })).reply).toContain('08:30–16:30 mon-thu (America/New_York)');
    const pat = await prisma().person.findFirstOrThrow({ where: { platformUserId: PAT } });
    expect(pat).toMatchObject({ timeZone: 'America/New_York', workStartMin: 510, workEndMin: 990, workDays: [1, 2, 3, 4] });
    expect((await t.po('hours 17:00-09:00', { userId: PAT })).reply).toContain('must be after its start');
    expect((await t.po('hours 09:00-17:00 Mars/Olympus', { userId: PAT })).reply).toContain('neither days');
  });

  it('says when Slack is rate-limiting lookups, and changes nothing', async () => {
    t.fake.failNext('users.info', { rateLimited: 7 });
    const before = await prisma().auditEvent.count();
    const { reply } = await t.po(`stakeholder add <@${EVE}>`, { userId: PAT });
    expect(reply).toContain('Slack asked me to slow down. Nothing was changed; please try again in 7 seconds.');
    expect(await prisma().auditEvent.count()).toBe(before);
  });

  it('asks to be invited when it cannot read a channel’s members, and binds nothing', async () => {
    const { reply } = await t.po('team Ghosts', { userId: ALI, channelId: 'C0PRIVATE1' });
    expect(reply).toContain('Invite me first (`/invite @po-desk`)');
    expect(await prisma().team.count({ where: { channelId: 'C0PRIVATE1' } })).toBe(0);
  });

  it('stores what people typed, decoded from Slack’s escapes, and shows it escaped once', async () => {
    // Slack sends `R&D <beta>` typed by a person as `R&amp;D &lt;beta&gt;`.
    const { reply } = await t.po('team R&amp;D &lt;beta&gt;', { userId: ALI, channelId: 'C0RND00001' });
    expect(reply).toContain('This channel is now team *R&amp;D &lt;beta&gt;*');
    expect((await prisma().team.findFirstOrThrow({ where: { channelId: 'C0RND00001' } })).name).toBe('R&D <beta>');
  });

  it('escapes user text so a reply can never ping @channel or inject a mention', async () => {
    // What a person typed as `<@U0EVIL> @here` arrives escaped; after decoding it must be escaped again.
    const { reply } = await t.po('team <!channel> &lt;@U0EVIL&gt; @here', { userId: ALI, channelId: 'C0OTHER001' });
    expect(reply).toContain('team *');
    expect(reply).not.toContain('<!channel>');
    expect(reply).not.toMatch(/(^|[^\u2060])@here/);
    expect(reply).not.toContain('<@U0EVIL>');
    expect(reply).toContain('&lt;@U0EVIL&gt;');
    expect((await prisma().team.findFirstOrThrow({ where: { channelId: 'C0OTHER001' } })).name).toBe('<!channel> <@U0EVIL> @here');
  });

  it('tells whoever handed over, privately and in plain words, when the new PO cannot get their welcome', async () => {
    // Earlier tests' messages first: the failure below is for this handover's welcome only.
    for (let i = 0; (await prisma().outboxMessage.count({ where: { status: 'pending' } })) > 0; i++) {
      if (i > 100) throw new Error('earlier messages are still pending');
      await new Promise((r) => setTimeout(r, 50));
    }
    const owner = await prisma().productOwner.findFirstOrThrow({ include: { person: true } });
    const [next, nextName] = owner.person.platformUserId === EVE ? [BOB, 'bob'] : [EVE, 'eve'];
    t.fake.failNext('conversations.open', { error: 'user_disabled' });
    const { reply } = await t.po(`owner <@${next}>`, { userId: ANN });
    expect(reply).toContain(`<@${next}> is now the Product Owner`);
    await t.fake.waitFor(() => t.fake.callsTo('chat.postEphemeral').length === 1);
    const notice = t.fake.callsTo('chat.postEphemeral')[0]!.args;
    expect([notice.channel, notice.user]).toEqual([CHANNEL, ANN]);
    expect(replyText(notice as never)).toContain(`I could not send *${nextName}* a private message: their Slack account is deactivated.`);
    const dead = await prisma().outboxMessage.findFirstOrThrow({ where: { status: 'dead' } });
    expect(dead.lastError).toBe('Slack refused: user_disabled'); // the operator's reason stays technical
  });
});
