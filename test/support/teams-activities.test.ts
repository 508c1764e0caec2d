import { describe, expect, it } from 'vitest';

import { activityErrors } from './activity-schema.js';
import { BOT, CHANNEL_ID, OTHER_CHANNEL_ID, cardSubmit, channelMessage, invoke, membersAdded, person, personalInstall, personalMessage } from './teams-activities.js';

/** The inbound activities the Teams tests send must be ones the Bot Framework Activity schema accepts. */

const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
const ANN = person('ann', 1);
const PAT = person('pat', 2);
const CHANNEL = { serviceUrl: SERVICE_URL };
const CARD_THREAD = { serviceUrl: SERVICE_URL, threadId: '1700000000001' };
const PERSONAL = { personal: true as const, serviceUrl: SERVICE_URL };

describe('teams-activities builders produce valid Bot Framework activities', () => {
  const cases: [string, unknown][] = [
    ['channelMessage', channelMessage(ANN, 'owner', CHANNEL, [PAT])],
    ['channelMessage in a thread of another channel', channelMessage(ANN, 'help', { serviceUrl: SERVICE_URL, channelId: OTHER_CHANNEL_ID, threadId: '1700000000001', teamName: 'Payments' })],
    ['personalMessage', personalMessage(ANN, 'status', SERVICE_URL, [PAT])],
    ['membersAdded (the bot, id only, as Teams sends it)', membersAdded(ANN, [{ id: BOT.id }], SERVICE_URL)],
    ['membersAdded (a person)', membersAdded(ANN, [{ id: PAT.id, aadObjectId: PAT.aadObjectId, name: PAT.name }], SERVICE_URL)],
    ['personalInstall', personalInstall(ANN, SERVICE_URL)],
    ['cardSubmit in a channel', cardSubmit(ANN, { po: { action: 'hours.save' }, start: '08:00' }, '1700000000002', CARD_THREAD)],
    ['cardSubmit in a 1:1 chat', cardSubmit(ANN, { po: { action: 'hours.save' } }, '1700000000003', PERSONAL)],
    ['invoke adaptiveCard/action', invoke(ANN, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: 'undo', data: {} }, trigger: 'manual' }, CARD_THREAD, '1700000000004')],
    ['invoke task/fetch in a 1:1 chat', invoke(ANN, 'task/fetch', { data: { po: { action: 'hours.edit' } } }, PERSONAL)],
  ];

  it.each(cases)('%s', (_name, activity) => {
    expect(activityErrors(activity)).toEqual([]);
  });
});

describe('teams-activities builders address the right conversation', () => {
  it('a click on a card in a channel happens in the thread the card is in, as Teams names it', () => {
    const thread = `${CHANNEL_ID};messageid=1700000000001`;
    expect(cardSubmit(ANN, {}, '1700000000002', CARD_THREAD).conversation.id).toBe(thread);
    expect(invoke(ANN, 'task/fetch', {}, CARD_THREAD, '1700000000002').conversation.id).toBe(thread);
    expect(channelMessage(ANN, 'help', CARD_THREAD).conversation.id).toBe(thread);
  });

  it('a new top-level channel message is the root of its own thread', () => {
    const message = channelMessage(ANN, 'help', CHANNEL);
    expect(message.conversation.id).toBe(`${CHANNEL_ID};messageid=${message.id}`);
  });

  it('person() makes distinct people', () => {
    expect(person('ann', 1)).toEqual({ id: '29:1ann-teams-id', name: 'Ann', aadObjectId: '00000000-0000-4000-a000-000000000001' });
    expect(person('pat', 12).aadObjectId).toBe('00000000-0000-4000-a000-000000000012');
  });
});

describe('activityErrors', () => {
  it('rejects a broken activity and says why', () => {
    const broken = { ...personalMessage(ANN, 'status', SERVICE_URL), type: 42 };
    expect(activityErrors(broken)).toEqual(['/type: must be string']);
  });

  it('still enforces what the relaxations leave alone', () => {
    const good = personalMessage(ANN, 'status', SERVICE_URL);
    expect(activityErrors({ ...good, from: { name: ANN.name } })).toEqual(["/from: must have required property 'id'"]);
    expect(activityErrors({ ...good, timestamp: 'yesterday' })).toEqual(['/timestamp: must match format "date-time"']);
    expect(activityErrors({ ...good, conversation: undefined })).toEqual(["/: must have required property 'conversation'"]);
    expect(activityErrors({ ...good, attachments: [{ content: {} }] })).toEqual(["/attachments/0: must have required property 'contentType'"]);
  });

  it('accepts what Teams really sends where the upstream schema is stricter', () => {
    const good = personalMessage(ANN, 'status', SERVICE_URL);
    expect(activityErrors({ ...good, from: { id: ANN.id, aadObjectId: ANN.aadObjectId } })).toEqual([]); // no name
    expect(activityErrors({ ...good, attachments: [{ contentType: 'text/html', content: '<p>status</p>' }] })).toEqual([]); // string content
  });
});
