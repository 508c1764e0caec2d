import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createdChatId, type FakeMember } from '../support/fake-bot-connector.js';
import { FakeSlack } from '../support/fake-slack.js';
import { ANN, EVE, PAT } from '../support/slack-cast.js';
import { channelMessage, person, TEAM_ID, TENANT_ID } from '../support/teams-activities.js';
import { startTeamsTestApp, type TeamsTestApp } from '../support/teams-test-app.js';
import { replyText, slackCommander } from '../support/test-app.js';
import { testDatabaseKinds } from '../support/test-database.js';

// Teams accounts of the same company: Ann and Pat again, and Tom who is only on Teams.
const T_ANN = person('ann', 1);
const T_PAT = person('pat', 2);
const T_TOM = person('tom', 3);
const CODE = /PO-[A-Z0-9]{4}-[A-Z0-9]{4}/;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe.each(testDatabaseKinds())('one product on Slack and Teams, linked by an admin (%s)', (kind) => {
  let t: TeamsTestApp;
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await FakeSlack.start({ teamId: 'T0PODESK01' });
    for (const [id, name] of [[ANN, 'ann'], [PAT, 'pat'], [EVE, 'eve']] as const) slack.addUser({ id, name, display_name: name[0]!.toUpperCase() + name.slice(1), tz: 'Europe/Berlin' });
    slack.setChannelMembers('C0TEAMA001', [ANN, PAT, EVE]);
    t = await startTeamsTestApp(kind, { slack });
    t.fake.setRoster(TEAM_ID, [T_ANN, T_PAT, T_TOM]);
  });
  afterAll(async () => {
    await t?.stop();
    await slack?.close();
  });
  beforeEach(() => {
    t.fake.reset();
    slack.reset();
  });
  afterEach(() => {
    expect(t.fake.unexpected).toEqual([]);
    expect(slack.unexpected).toEqual([]);
  });

  const prisma = () => t.app.db.prisma;
  const po = async (text: string, userId: string) => (await slackCommander(t.baseUrl, slack)(text, { userId })).reply;
  const inTeams = async (from: FakeMember, text: string, mentions: FakeMember[] = []) => {
    const activity = channelMessage(from, text, { serviceUrl: t.fake.url }, mentions);
    expect((await t.send(activity)).status).toBe(200);
    return (await t.fake.waitForSent((s) => s.replyToId === activity.id)).text;
  };
  let workspaceCode = '';
  let personCode = '';

  /** Every row of every table of the app's schema, as JSON text, to search for what must not be stored. */
  const everyRow = async (): Promise<string[]> => {
    const tables = await prisma().$queryRawUnsafe<{ name: string }[]>(
      `SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((x) => x.name)).toContain('LinkCode'); // the query does see the app's tables
    const rows = await Promise.all(tables.map((x) => prisma().$queryRawUnsafe<{ row: string }[]>(`SELECT row_to_json(t)::text AS row FROM "${x.name}" t`)));
    return rows.flat().map((r) => r.row);
  };
  it('an admin hands out a one-time code; redeemed in Teams, the tenant joins the product with one PO', async () => {
    await po(`owner <@${PAT}|pat>`, ANN);
    expect(await po('link', EVE)).toContain('Only the PO (Pat) or an admin (Ann) can connect another workspace to the product');
    const invite = await po('link', ANN);
    const asked = Date.now();
    workspaceCode = CODE.exec(invite)![0];
    expect(invite).toContain(`@po-desk link ${workspaceCode}`);
    // Only the code's sha256 is stored, with what it is for and when it stops working (30 minutes).
    const stored = await prisma().linkCode.findMany();
    expect(stored).toHaveLength(1);
    const product = await prisma().product.findFirstOrThrow();
    expect(stored[0]).toMatchObject({ codeHash: sha256(workspaceCode), kind: 'workspace', personId: null, productId: product.id, usedAt: null });
    expect(stored[0]!.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Math.abs(stored[0]!.expiresAt.getTime() - (asked + 30 * 60_000))).toBeLessThan(60_000);
    const rows = await everyRow();
    expect(rows.filter((row) => row.includes(sha256(workspaceCode)))).toHaveLength(1); // the scan sees the code's row…
    expect(rows.filter((row) => row.toUpperCase().includes(workspaceCode))).toEqual([]); // …and the code itself nowhere

    const joined = await inTeams(T_ANN, `link ${workspaceCode.toLowerCase()}`);
    expect(joined).toContain('This workspace now belongs to acme. Pat is its Product Owner. You are an admin of it here.');
    const [slackWs, teamsWs] = await Promise.all([
      prisma().workspace.findFirstOrThrow({ where: { platform: 'slack' } }),
      prisma().workspace.findFirstOrThrow({ where: { platform: 'teams', externalId: TENANT_ID } }),
    ]);
    expect(teamsWs.productId).toBe(slackWs.productId);
    expect(await prisma().product.count()).toBe(1);
    const admins = await prisma().productAdmin.findMany({ include: { person: true } });
    expect(admins.map((a) => a.person.platformUserId).sort()).toEqual([T_ANN.aadObjectId, ANN].sort());

    // The code worked once.
    expect(await inTeams(T_TOM, `link ${workspaceCode}`)).toContain('That code is unknown, already used or expired');
    // Teams sees the product's PO, who is on Slack.
    expect(await inTeams(T_TOM, 'owner')).toContain('Pat is the Product Owner of acme.');
  });

  it('two accounts of one person become one person only when an admin links them', async () => {
    // Before linking, Teams-Pat is somebody else: not the PO, so on the roster of a team bound in Teams.
    expect(await inTeams(T_PAT, 'stakeholder add', [T_TOM])).toContain('Only the PO (Pat) or an admin');
    expect(await inTeams(T_ANN, 'team Rocket')).toContain('This channel is now team Rocket of acme.');
    const rocket = await prisma().team.findFirstOrThrow({ where: { name: 'Rocket' }, include: { members: { include: { person: true } } } });
    expect(rocket.members.map((m) => m.person.platformUserId).sort()).toEqual([T_ANN.aadObjectId, T_PAT.aadObjectId, T_TOM.aadObjectId].sort());
    expect(await po(`link <@${PAT}|pat>`, EVE)).toContain('Only the PO (Pat) or an admin (Ann, Ann) can link accounts'); // Ann's two accounts, not linked
    const invite = await po(`link <@${PAT}|pat>`, ANN);
    personCode = CODE.exec(invite)![0];
    const slackPat = await prisma().person.findFirstOrThrow({ where: { platformUserId: PAT } });
    expect(await prisma().linkCode.findUniqueOrThrow({ where: { codeHash: sha256(personCode) } })).toMatchObject({ kind: 'person', personId: slackPat.id, usedAt: null });
    expect((await everyRow()).filter((row) => row.toUpperCase().includes(personCode))).toEqual([]);

    expect(await inTeams(T_TOM, `link ${personCode}`, [T_PAT])).toContain('can link accounts'); // Tom may not
    expect(await inTeams(T_ANN, `link ${personCode}`)).toContain('add the @mention of their account');
    const linked = await inTeams(T_ANN, `link ${personCode}`, [T_PAT]);
    expect(linked).toContain('Pat here and Pat on Slack are now one person to po-desk');
    // One person, so one role: Pat is the PO, and the PO is on no roster.
    expect(linked).toContain('Removed from the roster of Rocket.');
    const roster = await prisma().teamMember.findMany({ where: { teamId: rocket.id }, include: { person: true } });
    expect(roster.map((m) => m.person.platformUserId).sort()).toEqual([T_ANN.aadObjectId, T_TOM.aadObjectId].sort());
    const teamsPat = await prisma().person.findFirstOrThrow({ where: { platformUserId: T_PAT.aadObjectId }, include: { sameAs: true } });
    expect(teamsPat.sameAs?.platformUserId).toBe(PAT);

    // Now what Pat does on Teams, Pat the PO does.
    expect(await inTeams(T_PAT, 'stakeholder add', [T_TOM])).toContain('as a stakeholder of');
    const stakeholders = await prisma().stakeholder.findMany({ include: { person: true } });
    expect(stakeholders.map((s) => s.person.platformUserId)).toEqual([T_TOM.aadObjectId]);

    // A linked account is never moved to someone else: Teams-Pat cannot become Eve.
    const eveCode = CODE.exec(await po(`link <@${EVE}|eve>`, ANN))![0];
    expect(await inTeams(T_ANN, `link ${eveCode}`, [T_PAT])).toContain('account here is already linked to Pat');
    expect((await prisma().person.findFirstOrThrow({ where: { platformUserId: T_PAT.aadObjectId }, include: { sameAs: true } })).sameAs?.platformUserId).toBe(PAT);
    expect(await prisma().linkCode.count({ where: { kind: 'person', usedAt: null } })).toBe(1); // still usable
  });

  it("messages a linked person where their account lives: a handover in Teams tells Pat on Slack", async () => {
    const { _max } = await prisma().outboxMessage.aggregate({ _max: { id: true } });
    const handover = await inTeams(T_ANN, 'owner', [T_TOM]);
    expect(handover).toContain('is now the Product Owner');
    // Pat, the previous PO, is told on Slack (their account's platform); Tom is welcomed in a new Teams 1:1.
    await slack.waitFor(() => slack.callsTo('chat.postMessage').some((c) => c.args.channel === `D${PAT}`));
    const toPat = slack.callsTo('chat.postMessage').find((c) => c.args.channel === `D${PAT}`)!;
    expect(replyText(toPat.args as never)).toContain('is now the Product Owner of');
    const welcome = await t.fake.waitForSent((s) => s.conversationId === createdChatId(T_TOM));
    expect(welcome.text).toContain('You are the Product Owner of acme');
    const dms = await prisma().outboxMessage.findMany({ where: { kind: 'dm', id: { gt: _max.id ?? 0n } }, orderBy: { id: 'asc' } });
    expect(dms.map((d) => [d.platform, d.userId])).toEqual([
      ['teams', T_TOM.aadObjectId],
      ['slack', PAT],
    ]);
    // Pat's Teams account is Pat: no Teams 1:1 was made for it, nothing was sent there.
    expect(t.fake.calls.filter((c) => c.method === 'createConversation').map((c) => c.body?.members)).toEqual([[{ id: T_TOM.id }]]);
    expect(await prisma().teamsConversation.count({ where: { kind: 'personal', userAadId: T_PAT.aadObjectId } })).toBe(0);
  });

  it('refuses a code in a workspace that already has its own product, and keeps the code usable', async () => {
    const invite = await po('link', ANN);
    const code = CODE.exec(invite)![0];
    const other = { ...channelMessage(T_TOM, 'owner', { serviceUrl: t.fake.url }, [T_TOM]) };
    other.conversation = { ...other.conversation, tenantId: 'other-tenant' };
    other.channelData = { ...other.channelData, tenant: { id: 'other-tenant' } };
    await t.send(other);
    await t.fake.waitForSent((s) => s.replyToId === other.id);
    const refused = { ...channelMessage(T_TOM, `link ${code}`, { serviceUrl: t.fake.url }) };
    refused.conversation = { ...refused.conversation, tenantId: 'other-tenant' };
    refused.channelData = { ...refused.channelData, tenant: { id: 'other-tenant' } };
    await t.send(refused);
    expect((await t.fake.waitForSent((s) => s.replyToId === refused.id)).text).toContain('already has its own product');
    const stored = await prisma().linkCode.findMany({ where: { usedAt: null, kind: 'workspace' } });
    expect(stored).toHaveLength(1); // rolled back: still usable
    expect(await prisma().product.count()).toBe(2);
  });
});
