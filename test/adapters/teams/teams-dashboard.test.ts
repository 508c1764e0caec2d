/**
 * The dashboard and the digest on Teams: `dashboard` in the 1:1 chat shows the PO's desk as a card, whose
 * Refresh button replaces it in place with the current state; anyone else sees their own questions and
 * requests; `digest` shows the PO the week now.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cardText, type FakeMember } from '../../support/fake-bot-connector.js';
import { BOT, channelMessage, invoke, membersAdded, person, personalMessage, TEAM_ID, type PersonalWhere } from '../../support/teams-activities.js';
import { actionsOf, cardOf, type Card } from '../../support/teams-cards.js';
import { startTeamsTestApp, type TeamsTestApp } from '../../support/teams-test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';

const ANN = person('ann', 1);
const PAT = person('pat', 2);
const ALI = person('alice', 3);

describe.each(testDatabaseKinds())('Teams: dashboard and digest (%s)', (kind) => {
  let t: TeamsTestApp;
  let serviceUrl: string;

  beforeAll(async () => {
    t = await startTeamsTestApp(kind);
    serviceUrl = t.fake.url;
    t.fake.setRoster(TEAM_ID, [ANN, PAT, ALI, { id: BOT.id, name: BOT.name, aadObjectId: '' } as FakeMember]);
    await t.send(membersAdded(ANN, [{ id: BOT.id }], serviceUrl));
    for (const text of ['owner', 'team Checkout', 'ask Do we keep the old checkout for a week?']) {
      const step = channelMessage(text.startsWith('ask') ? ALI : ANN, text, { serviceUrl }, text === 'owner' ? [PAT] : []);
      await t.send(step);
      await t.fake.waitForSent((s) => s.replyToId === step.id);
    }
  });
  afterAll(async () => t?.stop());
  afterEach(() => expect(t.fake.unexpected).toEqual([]));

  it('shows the PO’s desk as a card in the 1:1 chat; Refresh replaces it in place', async () => {
    const typed = personalMessage(PAT, 'dashboard', serviceUrl);
    await t.send(typed);
    const card = await t.fake.waitForSent((s) => s.text.includes('Your front desk'));
    expect(card.text).toContain('Open questions: 1');
    expect(card.text).toContain('Do we keep the old checkout for a week?');
    const refresh = actionsOf(cardOf(card.activity)).find((a) => a.title === 'Refresh')!;
    expect(refresh.type).toBe('Action.Execute');
    const patChat: PersonalWhere = { personal: true, serviceUrl, conversationId: card.conversationId };
    const res = await t.send(invoke(PAT, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: refresh.verb, data: refresh.data }, trigger: 'manual' }, patChat, card.id));
    const refreshed = res.body as { type: string; value: Card };
    expect(refreshed.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(refreshed.value)).toContain('Your front desk');
    expect(card.conversationId).toBe(typed.conversation.id); // the reply goes to the chat it was typed in
  });

  it('shows anyone else their own questions and requests', async () => {
    await t.send(personalMessage(ALI, 'dashboard', serviceUrl));
    const card = await t.fake.waitForSent((s) => s.text.includes('Your open questions to the PO'));
    expect(card.text).toContain('Your open questions to the PO: 1');
    expect(card.text).toContain('Your requests: 0');
    expect(card.text).not.toContain('Waiting for your decision');
  });

  it('digest shows the PO the week now', async () => {
    await t.send(personalMessage(PAT, 'digest', serviceUrl));
    const card = await t.fake.waitForSent((s) => s.text.includes('Your week at a glance'));
    expect(card.text).toContain('1 question asked, 0 responded to, 1 waiting.');
  });
});
