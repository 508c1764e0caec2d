import { questionLabel, statusOf, type Question } from '../../domain/question.js';
import type { PersonRef, TeamState } from '../../domain/product.js';
import { formatDuration } from '../../domain/business-time.js';
import { actions, bold, context, message, rich, section } from '../../messages/build.js';
import type { Button, Form, Message, Span } from '../../messages/model.js';
import { MAX_QUESTION_CHARS } from '../../domain/question.js';
import { mention } from '../replies.js';
// Never splits an emoji (a surrogate pair) when it shortens what people wrote.
import { truncate } from '../../messages/render-common.js';

/** A question with the people and team its messages name. */
export interface QuestionView {
  q: Question;
  team: TeamState;
  asker: PersonRef;
  po: PersonRef | undefined;
  answeredBy: PersonRef | undefined;
  handedTo: PersonRef | undefined;
  resolvedBy: PersonRef | undefined;
  /** The PO's time zone: where the platform cannot show times in each reader's own (Teams cards). */
  timeZone: string;
}

export const QUESTION_ACTIONS = {
  answer: 'question.answer',
  onIt: 'question.on-it',
  handoff: 'question.handoff',
  customerAnswer: 'question.customer-answer',
  resolve: 'question.resolve',
  reopen: 'question.reopen',
} as const;

export const ANSWER_FORM = 'question.answer';
export const HANDOFF_FORM = 'question.handoff';
export const CUSTOMER_ANSWER_FORM = 'question.customer-answer';

const when = (at: Date, timeZone: string): Span => ({ type: 'date', at, timeZone });
const channel = (team: TeamState): Span => ({ type: 'channel', channelId: team.channelId, name: team.name });

/** The question as people wrote it: a text span, so every renderer escapes it. */
const quoted = (text: string): Span => ({ type: 'text', text });

function statusSpans(v: QuestionView): (string | Span)[] {
  const po = v.po ? mention(v.po) : 'the PO';
  switch (statusOf(v.q)) {
    case 'waiting':
      return v.po ? ['⏳ Waiting for ', po] : ['⏳ Waiting for a Product Owner to be named'];
    case 'on-it':
      return ['👀 ', po, ' is on it'];
    case 'handed-off':
      return ['🤝 ', po, ' asked ', v.handedTo ? mention(v.handedTo) : 'someone', ' to answer'];
    case 'answered':
      return ['✅ Answered by ', v.answeredBy ? mention(v.answeredBy) : po, ' — see the thread'];
    case 'resolved':
      return ['☑️ Resolved', ...(v.resolvedBy ? [' by ', mention(v.resolvedBy)] : [])];
  }
}

/** The question in the team channel: its thread is where answers go; its status follows the question. */
export function anchorMessage(v: QuestionView): Message {
  const resolved = v.q.resolvedAt !== undefined;
  const button: Button = resolved
    ? { actionId: QUESTION_ACTIONS.reopen, label: 'Reopen', value: v.q.id }
    : { actionId: QUESTION_ACTIONS.resolve, label: 'Mark resolved', value: v.q.id };
  return message(
    section(bold('Question for the PO'), ' from ', mention(v.asker), ':'),
    { type: 'section', text: [quoted(v.q.text)] },
    context(`${questionLabel(v.q)}${v.q.tag ? ` · ${v.q.tag.replace('-', ' ')}` : ''} · asked `, when(v.q.askedAt, v.timeZone), ' · ', ...statusSpans(v)),
    actions(button),
  );
}

/** What the PO can do about the question now: on the PO's copy and on every reminder. */
function poButtons(v: QuestionView): Button[] {
  const status = statusOf(v.q);
  const buttons: Button[] = [];
  if (status !== 'resolved') {
    buttons.push({ actionId: QUESTION_ACTIONS.answer, label: status === 'answered' ? 'Answer again' : 'Answer', value: v.q.id, style: 'primary', opensForm: true });
    if (status === 'waiting') buttons.push({ actionId: QUESTION_ACTIONS.onIt, label: 'I’m on it', value: v.q.id });
    if (status === 'waiting' || status === 'on-it') buttons.push({ actionId: QUESTION_ACTIONS.handoff, label: 'Ask a customer', value: v.q.id, opensForm: true });
  }
  return buttons;
}

/** The PO's private copy, with what the PO can do about it. */
export function poMessage(v: QuestionView): Message {
  const buttons = poButtons(v);
  return message(
    section(bold(`${questionLabel(v.q)} from team ${v.team.name}`), ': ', mention(v.asker), ' asks'),
    { type: 'section', text: [quoted(v.q.text)] },
    context('In ', channel(v.team), ' · asked ', when(v.q.askedAt, v.timeZone), ' · ', { type: 'messageLink', messageKey: anchorKeyOf(v.q.id), label: 'open the question' }),
    context(...statusSpans(v)),
    ...(buttons.length > 0 ? [actions(...buttons)] : []),
  );
}

export const anchorKeyOf = (questionId: string) => `question:${questionId}`;
/** The PO's copy, per PO: after a handover the new PO's copy is another message than the old one's. */
export const poKeyOf = (questionId: string, poPersonId: string) => `question:${questionId}:po:${poPersonId}`;
export const customerKeyOf = (questionId: string) => `question:${questionId}:customer`;

/** What the previous PO's copy turns into after a handover: no buttons that would only refuse. */
export function handedOverCopy(v: QuestionView, to: PersonRef): Message {
  return message(
    section(bold(`${questionLabel(v.q)} from team ${v.team.name}`), ': ', mention(v.asker), ' asks'),
    { type: 'section', text: [quoted(v.q.text)] },
    context('➡️ Now with ', mention(to), ', the new Product Owner.'),
  );
}

/** To the person the PO handed the question to. */
export function customerMessage(v: QuestionView, note: string | undefined): Message {
  const answered = v.q.answeredAt !== undefined && v.answeredBy?.id === v.handedTo?.id;
  return message(
    section(v.po ? mention(v.po) : 'The Product Owner', ' (Product Owner) would like you to answer a question from ', mention(v.asker), ' of team ', bold(v.team.name), ' directly:'),
    { type: 'section', text: [quoted(v.q.text)] },
    ...(note ? [section('Note from the PO: ', quoted(note))] : []),
    context('Your answer is posted for the team in the question’s thread in ', channel(v.team), '; if you are in that channel, you can talk it through with them there.'),
    answered
      ? context('✅ You answered ', when(v.q.answeredAt!, v.timeZone), '. Thank you!')
      : actions({ actionId: QUESTION_ACTIONS.customerAnswer, label: 'Answer', value: v.q.id, style: 'primary', opensForm: true }),
  );
}

export function answerPost(v: QuestionView, by: PersonRef, text: string, viaPo: boolean): Message {
  return message(
    section(mention(v.asker), ', an answer from ', mention(by), viaPo ? '' : ' (asked by the PO to answer)', ':'),
    { type: 'section', text: [quoted(text)] },
    context('Mark the question resolved on the message above when this settles it.'),
  );
}

/** For the asker, where the answer's mention does not notify them. */
export function answeredNotice(v: QuestionView, by: PersonRef): Message {
  return message(
    section(`Your question ${questionLabel(v.q)} to the PO has an answer from `, mention(by), ':'),
    { type: 'section', text: [quoted(v.q.answerText ?? '')] },
    context({ type: 'messageLink', messageKey: anchorKeyOf(v.q.id), label: 'Open the question' }, ' · mark it resolved there when this settles it.'),
  );
}

export const onItPost = (v: QuestionView): Message => message(section(v.po ? mention(v.po) : 'The PO', ' is on it and will answer here.'));

export const handoffPost = (v: QuestionView, to: PersonRef): Message =>
  message(
    section(v.po ? mention(v.po) : 'The PO', ' asked ', mention(to), ' to answer this directly: they know it first-hand.'),
    context('Their answer will be posted here. Teams clarifying directly with the people who know is how it should be.'),
  );

export const remindedPost = (v: QuestionView, waitedMs: number, dayMs: number): Message =>
  message(section(`This question has waited ${formatDuration(waitedMs, { dayMs })} of working time, past the response target. I have reminded `, v.po ? mention(v.po) : 'the PO', '.'));

export function nudgeMessage(v: QuestionView, waitedMs: number, dayMs: number, overdue: boolean): Message {
  return message(
    section(overdue ? '⏰ Past the response target: ' : '⏰ Reminder: ', mention(v.asker), ` of team ${v.team.name} has waited ${formatDuration(waitedMs, { dayMs })} of working time for an answer to ${questionLabel(v.q)}:`),
    { type: 'section', text: [quoted(v.q.text)] },
    context({ type: 'messageLink', messageKey: anchorKeyOf(v.q.id), label: 'Open the question' }, ' · answer here, or reply in the question’s thread.'),
    actions(...poButtons(v)),
  );
}

const answerInput = (hint: string | undefined) => ({
  id: 'answer',
  type: 'text' as const,
  label: 'Your answer',
  multiline: true,
  required: true,
  maxLength: MAX_QUESTION_CHARS,
  ...(hint ? { hint } : {}),
});

/** The question as a hint above the answer field (short: the form is no place for a long read). */
const hintOf = (q: Question | undefined) => (q ? `${questionLabel(q)}: ${truncate(q.text, 140)}` : undefined);

export function answerForm(q?: Question): Form {
  return { callbackId: ANSWER_FORM, title: 'Answer the question', submitLabel: 'Post answer', metadata: q?.id, inputs: [answerInput(hintOf(q))] };
}

export function customerAnswerForm(q?: Question): Form {
  return { callbackId: CUSTOMER_ANSWER_FORM, title: 'Answer the question', submitLabel: 'Post answer', metadata: q?.id, inputs: [answerInput(hintOf(q))] };
}

export function handoffForm(q?: Question): Form {
  return {
    callbackId: HANDOFF_FORM,
    title: 'Ask a customer',
    submitLabel: 'Ask them',
    metadata: q?.id,
    inputs: [
      { id: 'person', type: 'user', label: 'Who knows the answer?', required: true, ...(q ? { hint: hintOf(q) } : {}) },
      { id: 'note', type: 'text', label: 'A note for them', multiline: true, maxLength: 1000 },
    ],
  };
}

export const questionLine = (v: QuestionView, wait: string): Span[] =>
  rich(bold(questionLabel(v.q)), ` · ${v.team.name} · `, mention(v.asker), ': ', quoted(truncate(v.q.text, 200)), ` · ${wait}`);
