import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeMember } from '../support/fake-bot-connector.js';
import { FakeSlack } from '../support/fake-slack.js';
import { channelMessage, personalConversationId, TEAM_ID, TENANT_ID } from '../support/teams-activities.js';
import { startTeamsTestApp, type TeamsTestApp } from '../support/teams-test-app.js';
import { replyText, slackCommander } from '../support/test-app.js';
import { testDatabaseKinds } from '../support/test-database.js';

// Slack accounts.
const ANN = 'U0ANN00001';
const PAT = 'U0PAT00001';
const EVE = 'U0EVE00001';
// Teams accounts of the same company: Ann and Pat again, and Tom who is only on Teams.
const teams = (name: string, n: number): FakeMember => ({ id: `29:1${name}-t`, name: name[0]!.toUpperCase() + name.slice(1), aadObjectId: `00000000-0000-4000-d000-00000000000${n}` });
const T_ANN = teams('ann', 1);
const T_PAT = teams('pat', 2);
const T_TOM = teams('tom', 3);
const CODE = /PO-[A-Z0-9]{4}-[A-Z0-9]{4}/;

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

  it('an admin hands out a one-time code; redeemed in Teams, the tenant joins the product with one PO', async () => {
    await po(`owner <@${PAT}|pat>`, ANN);
    expect(await po('link', EVE)).toContain('Only the PO (Pat) or an admin (Ann) can connect another workspace to the product');
    const invite = await po('link', ANN);
    workspaceCode = CODE.exec(invite)![0];
    expect(invite).toContain(`@po-desk link ${workspaceCode}`);
    expect(await prisma().linkCode.count({ where: { codeHash: workspaceCode } })).toBe(0); // only the hash is stored

    const joined = await inTeams(T_ANN, `link ${workspaceCode.toLowerCase()}`);
    expect(joined).toContain('This workspace now belongs to acme');
    expect(joined).toContain('Pat');
    expect(joined).toContain('is its Product Owner');
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
    expect(await inTeams(T_TOM, 'owner')).toContain('Pat');
  });

  it('two accounts of one person become one person only when an admin links them', async () => {
    // Before linking, Teams-Pat is somebody else: not the PO.
    expect(await inTeams(T_PAT, 'stakeholder add', [T_TOM])).toContain('Only the PO (Pat) or an admin');
    expect(await po(`link <@${PAT}|pat>`, EVE)).toContain('Only the PO (Pat) or an admin (Ann, Ann) can link accounts'); // Ann's two accounts, not linked
    const invite = await po(`link <@${PAT}|pat>`, ANN);
    personCode = CODE.exec(invite)![0];

    expect(await inTeams(T_TOM, `link ${personCode}`, [T_PAT])).toContain('can link accounts'); // Tom may not
    expect(await inTeams(T_ANN, `link ${personCode}`)).toContain('add the @mention of their account');
    const linked = await inTeams(T_ANN, `link ${personCode}`, [T_PAT]);
    expect(linked).toContain('Pat here and Pat on Slack are now one person to po-desk');
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
    const handover = await inTeams(T_ANN, 'owner', [T_TOM]);
    expect(handover).toContain('is now the Product Owner');
    // Pat, the previous PO, is told on Slack (their account's platform); Tom is welcomed in a new Teams 1:1.
    await slack.waitFor(() => slack.callsTo('chat.postMessage').some((c) => c.args.channel === `D${PAT}`));
    const toPat = slack.callsTo('chat.postMessage').find((c) => c.args.channel === `D${PAT}`)!;
    expect(replyText(toPat.args as never)).toContain('is now the Product Owner of');
    const welcome = await t.fake.waitForSent((s) => s.conversationId === personalConversationId(T_TOM));
    expect(welcome.text).toContain('You are the Product Owner of acme');
    const dms = await prisma().outboxMessage.findMany({ where: { kind: 'dm' }, orderBy: { id: 'asc' } });
    expect(dms.slice(-2).map((d) => [d.platform, d.userId])).toEqual([
      ['teams', T_TOM.aadObjectId],
      ['slack', PAT],
    ]);
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
