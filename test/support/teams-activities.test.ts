import { describe, expect, it } from 'vitest';

import { activityErrors } from './activity-schema.js';
import type { FakeMember } from './fake-bot-connector.js';
import { BOT, OTHER_CHANNEL_ID, cardSubmit, channelMessage, invoke, membersAdded, personalInstall, personalMessage } from './teams-activities.js';

/** The inbound activities the Teams tests send must be ones the Bot Framework Activity schema accepts. */

const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
const ANN: FakeMember = { id: '29:1ann-a1b2c3', name: 'Ann Owner', aadObjectId: '00000000-0000-0000-0000-0000000000a1' };
const PAT: FakeMember = { id: '29:1pat-d4e5f6', name: 'Pat Peer', aadObjectId: '00000000-0000-0000-0000-0000000000a2' };
const CHANNEL = { serviceUrl: SERVICE_URL };
const PERSONAL = { personal: true as const, serviceUrl: SERVICE_URL };

describe('teams-activities builders produce valid Bot Framework activities', () => {
  const cases: [string, unknown][] = [
    ['channelMessage', channelMessage(ANN, 'owner', CHANNEL, [PAT])],
    ['channelMessage in a thread of another channel', channelMessage(ANN, 'help', { serviceUrl: SERVICE_URL, channelId: OTHER_CHANNEL_ID, threadId: '1700000000001', teamName: 'Payments' })],
    ['personalMessage', personalMessage(ANN, 'status', SERVICE_URL, [PAT])],
    ['membersAdded (the bot, id only, as Teams sends it)', membersAdded(ANN, [{ id: BOT.id }], SERVICE_URL)],
    ['membersAdded (a person)', membersAdded(ANN, [{ id: PAT.id, aadObjectId: PAT.aadObjectId, name: PAT.name }], SERVICE_URL)],
    ['personalInstall', personalInstall(ANN, SERVICE_URL)],
    ['cardSubmit in a channel', cardSubmit(ANN, { po: { action: 'hours.save' }, start: '08:00' }, '1700000000002', CHANNEL)],
    ['cardSubmit in a 1:1 chat', cardSubmit(ANN, { po: { action: 'hours.save' } }, '1700000000003', PERSONAL)],
    ['invoke adaptiveCard/action', invoke(ANN, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: 'undo', data: {} }, trigger: 'manual' }, CHANNEL, '1700000000004')],
    ['invoke task/fetch in a 1:1 chat', invoke(ANN, 'task/fetch', { data: { po: { action: 'hours.edit' } } }, PERSONAL)],
  ];

  it.each(cases)('%s', (_name, activity) => {
    expect(activityErrors(activity)).toEqual([]);
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
