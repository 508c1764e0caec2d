/**
 * Every intake message and form, rendered for Slack, Teams and the playground with hostile text in every
 * field a person wrote: valid Block Kit and Adaptive Cards, and nothing that could ping @channel or
 * mention someone.
 */
import { describe, expect, it } from 'vitest';
import * as m from '../../../src/app/intake/intake-messages.js';
import type { ItemView } from '../../../src/app/intake/load.js';
import type { IntakeItem } from '../../../src/domain/intake.js';
import type { Form, Message } from '../../../src/messages/model.js';
import { renderHtmlForm, renderHtmlMessage } from '../../../src/messages/render-html.js';
import { renderSlackMessage, renderSlackModal } from '../../../src/messages/render-slack.js';
import { renderTeamsCard, renderTeamsFormCard } from '../../../src/messages/render-teams.js';
import { adaptiveCardErrors } from '../../support/adaptive-card-schema.js';
import { expectValidMessage, expectValidModal } from '../../support/block-kit.js';

const HOSTILE = '<!channel> @here <@U0EVIL0001> *bold* <https://evil.example|click> & <script>';

const sam = { id: 'p-sam', platformUserId: 'U0SAM00001', displayName: 'Sam' };
const pat = { id: 'p-pat', platformUserId: 'U0PAT00001', displayName: 'Pat' };
const team = { id: 't1', name: 'Checkout', channelId: 'C0TEAMA001', memberIds: [] };

function item(over: Partial<IntakeItem> = {}): IntakeItem {
  return {
    id: 'i1', productId: 'p', number: 7, title: HOSTILE, problem: `${HOSTILE}\nsecond line`, value: 4, urgency: 'high', neededBy: '2027-01-15',
    link: 'https://wiki.example.com/x', source: 'intercept', teamId: 't1', requesterId: sam.id, createdById: sam.id, status: 'new',
    createdAt: new Date('2026-12-07T09:00:00Z'), poMessageKey: 'intake:i1:po:p-pat', poNotifiedAt: new Date('2026-12-07T09:01:00Z'), decidedAt: undefined,
    decidedById: undefined, backlogRank: undefined, duplicateOfId: undefined, lastFlaggedDay: undefined, origin: undefined, ...over,
  };
}

function view(over: Partial<IntakeItem> = {}): ItemView {
  const i = item(over);
  return {
    item: i, requester: sam, requesters: [sam, pat], team, po: pat, decidedBy: i.decidedById ? pat : undefined,
    duplicateOf: i.duplicateOfId ? item({ id: 'i2', number: 3 }) : undefined, merged: [item({ id: 'i3', number: 9, status: 'duplicate' })],
    events: [{ itemId: 'i3', action: 'asked', actorId: pat.id, at: new Date(), note: HOSTILE, details: {}, actor: pat, itemNumber: 9 }],
    suggestions: [{ item: item({ id: 'i4', number: 2 }), score: 0.71 }],
    backlogPlace: i.status === 'accepted' ? { index: 1, total: 3 } : undefined,
    age: { businessMs: 4 * 3_600_000, dayMs: 8 * 3_600_000, businessDays: 0.5, aging: false }, timeZone: 'Europe/Berlin',
  };
}

const statuses = ['new', 'needs-info', 'accepted', 'declined', 'duplicate', 'shipped', 'withdrawn'] as const;
const messages: [string, Message][] = [
  ...statuses.map((s): [string, Message] => [`PO batch (${s})`, m.poBatchMessage([view({ status: s, decidedById: s === 'new' ? undefined : pat.id, duplicateOfId: s === 'duplicate' ? 'i2' : undefined })])]),
  ['PO batch of six', m.poBatchMessage(Array.from({ length: m.BATCH_SIZE }, (_, n) => view({ id: `b${n}`, number: n + 1 })))],
  ['created', m.createdConfirmation(view())],
  ['thread, sent on behalf', m.threadPost(view(), pat, 'sent', undefined, undefined)],
  ['thread, auto', m.threadPost(view(), sam, 'auto', 'asks to add something ("add")', 'x1')],
  ['not a request', m.notRequestPost(7, pat)],
  ['nudge', m.nudgeMessage(team, `asks to add something ("${HOSTILE}")`, 'x1')],
  ['accepted', m.acceptedNotice(view({ status: 'accepted' }), HOSTILE)],
  ['declined', m.declinedNotice(view({ status: 'declined' }), HOSTILE)],
  ['question', m.questionNotice(view({ status: 'needs-info' }), HOSTILE)],
  ['answered', m.answeredToPo(view(), sam, HOSTILE)],
  ['merged', m.mergedNotice(view({ status: 'duplicate' }), view())],
  ['merged into yours', m.mergedIntoYoursNotice(view({ status: 'duplicate' }), view())],
  ['unmerged', m.unmergedNotice(view())],
  ['shipped', m.shippedNotice(view({ status: 'shipped' }))],
  ['withdrawn', m.withdrawnNotice(view({ status: 'withdrawn' }), pat)],
  ['aging', m.agingMessage(Array.from({ length: 8 }, (_, n) => view({ id: `a${n}`, number: n + 1 })))],
];
const backlog = Array.from({ length: 120 }, (_, n) => item({ id: `k${n}`, number: n + 10, status: 'accepted' }));
const forms: [string, Form][] = [
  ['request', m.requestForm(HOSTILE)],
  ['accept', m.acceptForm(item(), backlog)],
  ['decline', m.declineForm(item())],
  ['need info', m.needInfoForm(item())],
  ['answer', m.answerForm(item(), HOSTILE)],
  ['duplicate', m.duplicateForm(item(), backlog.map((b, n) => ({ item: b, suggested: n < 2 })))],
];

describe('intake messages on every surface', () => {
  it.each(messages)('%s: valid Block Kit, no broadcast or injected mention', (_, message) => {
    const slack = renderSlackMessage(message);
    expectValidMessage(slack);
    const all = JSON.stringify(slack.blocks);
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<@U0EVIL0001>');
    expect(all).not.toContain('<https://evil.example|click>');
  });

  it.each(messages)('%s: a valid Adaptive Card', (_, message) => {
    expect(adaptiveCardErrors(renderTeamsCard(message))).toEqual([]);
  });

  it.each(messages)('%s: escaped HTML', (_, message) => {
    const html = renderHtmlMessage(message, { names: { user: () => undefined, channel: () => undefined }, timeZone: 'Europe/Berlin' });
    expect(html).not.toContain('<script>');
  });

  it.each(forms)('%s form: a valid modal, card and page form', (_, form) => {
    expectValidModal(renderSlackModal(form));
    expect(adaptiveCardErrors(renderTeamsFormCard(form))).toEqual([]);
    expect(renderHtmlForm(form, { people: [] })).not.toContain('<script>');
  });

  it('offers the decisions that fit the status, and Undo merge on a merged item', () => {
    const labels = (s: (typeof statuses)[number]) => m.triageButtons(view({ status: s })).map((b) => b.label);
    expect(labels('new')).toEqual(['Accept', 'Decline', 'Need info', 'Duplicate of…']);
    expect(labels('needs-info')).toEqual(['Accept', 'Decline', 'Need info', 'Duplicate of…']);
    expect(labels('accepted')).toEqual(['Decline', 'Duplicate of…', 'Shipped']);
    expect(labels('duplicate')).toEqual(['Undo merge']);
    for (const s of ['declined', 'shipped', 'withdrawn'] as const) expect(labels(s)).toEqual([]);
  });
});
