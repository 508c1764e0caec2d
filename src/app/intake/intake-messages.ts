import { decisionsFor, itemLabel, MAX_DETAIL_CHARS, MAX_NOTE_CHARS, MAX_TITLE_CHARS, statusWords, urgencyWords, type Decision, type IntakeItem } from '../../domain/intake.js';
import type { PersonRef, TeamState } from '../../domain/product.js';
import { actions, bold, context, header, message, rich, section } from '../../messages/build.js';
import type { Block, Button, Form, Message, Option, Span } from '../../messages/model.js';
import { truncate } from '../../messages/render-common.js';
import { mention } from '../replies.js';
import type { ItemView } from './load.js';

export const INTAKE_ACTIONS = {
  accept: 'intake.accept',
  decline: 'intake.decline',
  needInfo: 'intake.need-info',
  duplicate: 'intake.duplicate',
  shipped: 'intake.shipped',
  undoMerge: 'intake.undo-merge',
  answer: 'intake.answer',
  /** From a nudge: send the intercepted message to the intake (value: the interception id). */
  send: 'intake.send',
  /** Someone says an intercepted message is not a work request (value: the interception id). */
  notRequest: 'intake.not-request',
} as const;

export const REQUEST_FORM = 'intake.request';
export const ACCEPT_FORM = 'intake.accept';
export const DECLINE_FORM = 'intake.decline';
export const NEED_INFO_FORM = 'intake.need-info';
export const ANSWER_FORM = 'intake.answer';
export const DUPLICATE_FORM = 'intake.duplicate';

/** What people wrote travels as a text span, so every renderer escapes it. */
const quoted = (text: string): Span => ({ type: 'text', text });
const when = (at: Date, timeZone: string): Span => ({ type: 'date', at, timeZone });
const titled = (item: Pick<IntakeItem, 'number' | 'title'>): (string | Span)[] => [bold(itemLabel(item)), ' “', quoted(item.title), '”'];

/** The key of the thread post about an item made from a channel message (for Not a work request's update). */
export const threadPostKeyOf = (itemId: string) => `intake:${itemId}:thread`;
/** The PO's DM holding a batch of items that arrived within a minute. */
export const poBatchKeyOf = (firstItemId: string, poPersonId: string) => `intake:${firstItemId}:po:${poPersonId}`;
export const askKeyOf = (itemId: string, at: Date) => `intake:${itemId}:ask:${at.getTime()}`;

const DECISION_BUTTONS: Record<Decision, (id: string) => Button | undefined> = {
  accept: (id) => ({ actionId: INTAKE_ACTIONS.accept, label: 'Accept', value: id, style: 'primary', opensForm: true }),
  decline: (id) => ({ actionId: INTAKE_ACTIONS.decline, label: 'Decline', value: id, opensForm: true }),
  'need-info': (id) => ({ actionId: INTAKE_ACTIONS.needInfo, label: 'Need info', value: id, opensForm: true }),
  duplicate: (id) => ({ actionId: INTAKE_ACTIONS.duplicate, label: 'Duplicate of…', value: id, opensForm: true }),
  shipped: (id) => ({
    actionId: INTAKE_ACTIONS.shipped,
    label: 'Shipped',
    value: id,
    confirm: { title: 'Mark as shipped?', text: 'Everyone who asked for it is told it has been delivered.', confirmLabel: 'Shipped', denyLabel: 'Not yet' },
  }),
  withdraw: () => undefined,
};

export function triageButtons(v: Pick<ItemView, 'item'>): Button[] {
  const buttons = decisionsFor(v.item.status).flatMap((d) => DECISION_BUTTONS[d](v.item.id) ?? []);
  if (v.item.status === 'duplicate') buttons.push({ actionId: INTAKE_ACTIONS.undoMerge, label: 'Undo merge', value: v.item.id });
  return buttons;
}

function facts(v: ItemView): (string | Span)[] {
  const i = v.item;
  const parts: (string | Span)[] = [];
  if (i.value !== undefined) parts.push(`value ${i.value}/5 · `);
  parts.push(urgencyWords(i));
  if (v.requesters.length > 1) parts.push(` · ${v.requesters.length} people ask for it`);
  parts.push(' · ', sourceWords(i), ' ', when(i.createdAt, v.timeZone));
  if (i.link) parts.push(' · ', { type: 'link', url: i.link, label: 'link' });
  return parts;
}

function sourceWords(i: IntakeItem): string {
  switch (i.source) {
    case 'form':
      return 'requested';
    case 'intercept':
      return 'caught in the team channel';
    case 'review':
      return 'sprint review feedback,';
    default:
      return 'sent from a chat message';
  }
}

function statusLine(v: ItemView): (string | Span)[] {
  const i = v.item;
  const by = v.decidedBy ? [' by ', mention(v.decidedBy)] : [];
  switch (i.status) {
    case 'new':
      return [v.age.aging ? `⏳ Waiting for a decision for ${v.age.businessDays} working days` : '⏳ Waiting for a decision'];
    case 'needs-info':
      return ['❓ Waiting for an answer from ', mention(v.requester)];
    case 'accepted':
      return ['✅ Accepted', ...by, v.backlogPlace ? ` · backlog position ${v.backlogPlace.index} of ${v.backlogPlace.total}` : ''];
    case 'declined':
      return ['🚫 Declined', ...by];
    case 'duplicate':
      return ['🔗 Merged into ', ...(v.duplicateOf ? titled(v.duplicateOf) : ['another request']), ...by];
    case 'shipped':
      return ['🚀 Shipped', ...by];
    case 'withdrawn':
      return ['↩️ Withdrawn: not a work request'];
  }
}

/** The conversation about the item (questions, answers, reasons), newest last, kept short. */
function historyBlocks(v: ItemView): Block[] {
  const said = v.events.filter((e) => e.note !== undefined && ['asked', 'answered', 'declined', 'accepted', 'shipped', 'merged'].includes(e.action));
  if (said.length === 0) return [];
  const items = said.slice(-4).map((e) => rich(
    e.itemNumber !== v.item.number ? `${itemLabel({ number: e.itemNumber })} · ` : '',
    e.actor ? mention(e.actor) : 'someone',
    ` ${EVENT_VERBS[e.action] ?? e.action}: `,
    quoted(truncate(e.note ?? '', 300)),
  ));
  return [{ type: 'list', items }];
}

const EVENT_VERBS: Record<string, string> = { asked: 'asked', answered: 'answered', declined: 'declined', accepted: 'noted', shipped: 'noted', merged: 'noted' };

/** One item as the PO sees it: what, who, how urgent, likely duplicates, and the decisions. */
export function poItemBlocks(v: ItemView): Block[] {
  const i = v.item;
  const blocks: Block[] = [
    section(...titled(i), ' from ', mention(v.requester), v.team ? ` · team ${v.team.name}` : ''),
  ];
  if (i.problem) blocks.push({ type: 'section', text: [quoted(truncate(i.problem, 1200))] });
  blocks.push(context(...facts(v)));
  if (v.merged.length > 0) blocks.push(context('Merged into it: ', ...v.merged.flatMap((m, n) => [n > 0 ? ', ' : '', ...titled(m)])));
  blocks.push(...historyBlocks(v));
  if (v.suggestions.length > 0) {
    blocks.push(context('Looks like: ', ...v.suggestions.flatMap((s, n) => [n > 0 ? '; ' : '', ...titled(s.item), ` (${statusWords(s.item.status)}, ${Math.round(s.score * 100)} % alike)`])));
  }
  blocks.push(context(...statusLine(v)));
  const buttons = triageButtons(v);
  if (buttons.length > 0) blocks.push(actions(...buttons));
  return blocks;
}

/** At most this many items share one DM (Slack allows 50 blocks in a message). */
export const BATCH_SIZE = 6;

/** The PO's DM for items that arrived within a minute: one item, or a few in one message. */
export function poBatchMessage(views: ItemView[]): Message {
  if (views.length === 1) return message(section(bold('New request for your intake')), ...poItemBlocks(views[0]!));
  return message(
    header(`${views.length} new requests for your intake`),
    ...views.flatMap((v, n) => [...(n > 0 ? [{ type: 'divider' } as Block] : []), ...poItemBlocks(v)]),
  );
}

/** What the requester is told when their item is in the queue. */
export function createdConfirmation(v: ItemView): Message {
  const next = v.po
    ? ['What happens next: ', mention(v.po), ' (the Product Owner) decides whether it goes into the backlog; you get a direct message with the decision and why.']
    : ['There is no Product Owner yet: it waits in the queue until one is named, and you hear the decision in a direct message.'];
  return message(
    section('📥 Your request ', ...titled(v.item), ' is in the PO’s intake queue.'),
    section(...next),
    context('See your requests with ', { type: 'text', text: '/po queue', style: 'code' }, '.'),
  );
}

/** In the thread of the message an item was made from: the team and the author see it is in the queue. */
export function threadPost(v: ItemView, by: PersonRef, how: 'sent' | 'auto', reason: string | undefined, interceptionId: string | undefined): Message {
  const onBehalf = by.id === v.requester.id ? ['.'] : [' on behalf of ', mention(v.requester), '.'];
  const decides = v.po ? [mention(v.po), ' decides; '] : ['There is no Product Owner yet, so it waits in the queue until one is named; '];
  const blocks: Block[] = [
    how === 'auto'
      ? section('📥 ', mention(v.requester), ', this reads like a work request, so it is in the PO’s intake as ', ...titled(v.item), '.')
      : section('📥 ', mention(by), ' sent this to the PO’s intake as ', ...titled(v.item), ...onBehalf),
    section(bold(`Team: this is in the PO’s intake as ${itemLabel(v.item)} — please don’t start it until the PO decides.`)),
    context(...decides, 'the requester hears the decision in a direct message.'),
  ];
  if (reason) blocks.push(context('Why I caught it: ', reason, '.'));
  if (interceptionId) blocks.push(actions({ actionId: INTAKE_ACTIONS.notRequest, label: 'Not a work request', value: interceptionId }));
  return message(...blocks);
}

/** The thread post once someone said the caught message is not a work request. */
export function notRequestPost(itemNumber: number | undefined, by: PersonRef): Message {
  return message(
    section('↩️ ', mention(by), ' marked this as not a work request', itemNumber !== undefined ? `: ${itemLabel({ number: itemNumber })} is withdrawn from the PO’s intake.` : '.'),
    context('Thanks — that helps po-desk catch requests better.'),
  );
}

/** The private note to the author of a message that reads like a work request (nudge mode). */
export function nudgeMessage(team: TeamState, reason: string, interceptionId: string): Message {
  return message(
    section('👋 This reads like a work request for team ', bold(team.name), ` (${reason}).`),
    section('Requests go through the Product Owner’s intake queue, so the team can finish what they planned for the sprint and the PO can weigh yours against everything else. You’ll hear the decision and the reason.'),
    actions(
      { actionId: INTAKE_ACTIONS.send, label: 'Send to PO intake', value: interceptionId, style: 'primary' },
      { actionId: INTAKE_ACTIONS.notRequest, label: 'Not a work request', value: interceptionId },
    ),
  );
}

export const nudgeAnswered = (text: string): Message => message(section(text));

// ---------------------------------------------------------------------------------------------
// Requesters' notices, in plain words
// ---------------------------------------------------------------------------------------------

export function acceptedNotice(v: ItemView, note: string | undefined): Message {
  return message(
    section('✅ Good news: ', v.po ? mention(v.po) : 'the Product Owner', ' accepted ', ...titled(v.item), ' into the backlog', v.backlogPlace ? ` (position ${v.backlogPlace.index} of ${v.backlogPlace.total}).` : '.'),
    ...(note ? [section('Note from the PO: ', quoted(note))] : []),
    context('You will hear again when it ships. The order of the backlog can change as the PO learns more.'),
  );
}

export function declinedNotice(v: ItemView, reason: string): Message {
  return message(
    section(v.po ? mention(v.po) : 'The Product Owner', ' decided not to take on ', ...titled(v.item), '.'),
    section('The reason: ', quoted(reason)),
    context('If something changes, send a new request with what is new: ', { type: 'text', text: '/po request', style: 'code' }, '.'),
  );
}

export function questionNotice(v: ItemView, question: string): Message {
  return message(
    section('❓ ', v.po ? mention(v.po) : 'The Product Owner', ' has a question about your request ', ...titled(v.item), ':'),
    { type: 'section', text: [quoted(question)] },
    actions({ actionId: INTAKE_ACTIONS.answer, label: 'Answer', value: v.item.id, style: 'primary', opensForm: true }),
    context('Your answer goes to the PO, and the request goes back into their queue.'),
  );
}

export function answeredToPo(v: ItemView, by: PersonRef, answer: string): Message {
  return message(
    section(mention(by), ' answered your question about ', ...titled(v.item), ':'),
    { type: 'section', text: [quoted(answer)] },
    ...poItemBlocks(v).slice(1),
  );
}

export function mergedNotice(v: ItemView, target: ItemView): Message {
  return message(
    section('🔗 Your request ', ...titled(v.item), ' asks for the same as ', ...titled(target.item), ', so ', v.po ? mention(v.po) : 'the Product Owner', ' merged them.'),
    section(`${target.requesters.length} people now ask for it; everything you wrote is kept. You will hear what happens to ${itemLabel(target.item)}.`),
    context(`Status of ${itemLabel(target.item)}: ${statusWords(target.item.status)}.`),
  );
}

export function mergedIntoYoursNotice(v: ItemView, target: ItemView): Message {
  return message(
    section('🔗 ', ...titled(v.item), ' asks for the same as your request ', ...titled(target.item), ', so the PO merged it into yours: ', `${target.requesters.length} people now ask for it.`),
  );
}

export function unmergedNotice(v: ItemView): Message {
  return message(section('↩️ The PO undid a merge: your request ', ...titled(v.item), ' is separate again and back in the queue.'));
}

export function shippedNotice(v: ItemView): Message {
  return message(
    section('🚀 Delivered: ', ...titled(v.item), ', which you asked for, has shipped.'),
    context('Thank you for asking. If it does not do what you needed, tell the PO or send a new request.'),
  );
}

export function withdrawnNotice(v: ItemView, by: PersonRef): Message {
  return message(section('↩️ ', mention(by), ' marked the message behind ', ...titled(v.item), ' as not a work request, so it was withdrawn from your intake.'));
}

/** The daily note about items waiting too long for a decision. */
export function agingMessage(views: ItemView[]): Message {
  return message(
    section(`⏰ ${views.length === 1 ? '1 request has' : `${views.length} requests have`} waited more than 3 working days for your decision:`),
    ...views.slice(0, BATCH_SIZE).flatMap((v, n) => [...(n > 0 ? [{ type: 'divider' } as Block] : []), ...poItemBlocks(v)]),
    ...(views.length > BATCH_SIZE ? [context(`and ${views.length - BATCH_SIZE} more: `, { type: 'text', text: '/po queue', style: 'code' }, '.')] : []),
  );
}

// ---------------------------------------------------------------------------------------------
// Forms
// ---------------------------------------------------------------------------------------------

const URGENCY_OPTIONS: Option[] = [
  { value: 'low', label: 'Low — whenever it fits' },
  { value: 'normal', label: 'Normal' },
  { value: 'high', label: 'High — it hurts now' },
  { value: 'critical', label: 'Critical — something is broken or blocked' },
];

const VALUE_OPTIONS: Option[] = [
  { value: '1', label: '1 — nice to have' },
  { value: '2', label: '2' },
  { value: '3', label: '3 — clearly useful' },
  { value: '4', label: '4' },
  { value: '5', label: '5 — essential' },
];

export function requestForm(title?: string): Form {
  return {
    callbackId: REQUEST_FORM,
    title: 'Request work',
    submitLabel: 'Send to the PO',
    inputs: [
      { id: 'title', type: 'text', label: 'What do you need?', required: true, maxLength: MAX_TITLE_CHARS, placeholder: 'e.g. Export orders to CSV', ...(title ? { initial: truncate(title, MAX_TITLE_CHARS) } : {}) },
      { id: 'problem', type: 'text', label: 'What problem does it solve, and who benefits?', multiline: true, maxLength: MAX_DETAIL_CHARS },
      { id: 'value', type: 'select', label: 'How valuable is it? (1–5)', options: VALUE_OPTIONS },
      { id: 'urgency', type: 'select', label: 'How urgent is it?', options: URGENCY_OPTIONS, initial: 'normal' },
      { id: 'neededBy', type: 'date', label: 'Needed by' },
      { id: 'link', type: 'text', label: 'Link', placeholder: 'https://…', maxLength: 2000 },
    ],
  };
}

const hintOf = (item: IntakeItem | undefined) => (item ? `${itemLabel(item)}: ${truncate(item.title, 140)}` : undefined);
const withHint = (item: IntakeItem | undefined) => (item ? { hint: hintOf(item) } : {});

export function acceptForm(item?: IntakeItem, backlog: IntakeItem[] = []): Form {
  const options: Option[] = [
    { value: 'bottom', label: 'At the bottom of the backlog' },
    { value: 'top', label: 'At the top of the backlog' },
    ...backlog.filter((b) => b.id !== item?.id).slice(0, 98).map((b) => ({ value: `after:${b.id}`, label: truncate(`After ${itemLabel(b)} ${b.title}`, 75) })),
  ];
  return {
    callbackId: ACCEPT_FORM,
    title: 'Accept into the backlog',
    submitLabel: 'Accept',
    metadata: item?.id,
    inputs: [
      { id: 'position', type: 'select', label: 'Where in the backlog?', options, initial: 'bottom', required: true, ...withHint(item) },
      { id: 'note', type: 'text', label: 'A note for the requester', multiline: true, maxLength: MAX_NOTE_CHARS },
    ],
  };
}

export function declineForm(item?: IntakeItem): Form {
  return {
    callbackId: DECLINE_FORM,
    title: 'Decline the request',
    submitLabel: 'Decline',
    metadata: item?.id,
    inputs: [{ id: 'reason', type: 'text', label: 'Why not? (the requester reads this)', multiline: true, required: true, maxLength: MAX_NOTE_CHARS, ...withHint(item) }],
  };
}

export function needInfoForm(item?: IntakeItem): Form {
  return {
    callbackId: NEED_INFO_FORM,
    title: 'Ask the requester',
    submitLabel: 'Ask',
    metadata: item?.id,
    inputs: [{ id: 'question', type: 'text', label: 'Your question', multiline: true, required: true, maxLength: MAX_NOTE_CHARS, ...withHint(item) }],
  };
}

export function answerForm(item?: IntakeItem, question?: string): Form {
  return {
    callbackId: ANSWER_FORM,
    title: 'Answer the PO',
    submitLabel: 'Send answer',
    metadata: item?.id,
    inputs: [{ id: 'answer', type: 'text', label: 'Your answer', multiline: true, required: true, maxLength: MAX_DETAIL_CHARS, ...(question ? { hint: truncate(`The PO asks: ${question}`, 150) } : withHint(item)) }],
  };
}

export function duplicateForm(item?: IntakeItem, candidates: { item: IntakeItem; suggested: boolean }[] = []): Form {
  return {
    callbackId: DUPLICATE_FORM,
    title: 'Merge as a duplicate',
    submitLabel: 'Merge',
    metadata: item?.id,
    inputs: [{
      id: 'target',
      type: 'select',
      label: 'The same as which request?',
      required: true,
      options: candidates.slice(0, 100).map((c) => ({ value: c.item.id, label: truncate(`${c.suggested ? '★ ' : ''}${itemLabel(c.item)} ${c.item.title}`, 75) })),
      ...withHint(item),
    }],
  };
}
