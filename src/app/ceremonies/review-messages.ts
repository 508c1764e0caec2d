import { RSVP_WORDS, type RsvpAnswer } from '../../domain/sprint-review.js';
import { weekdayName } from '../../domain/working-hours.js';
import type { PersonRef } from '../../domain/product.js';
import { actions, bold, context, message, rich, section } from '../../messages/build.js';
import type { Block, Button, Form, Message, Option, Span } from '../../messages/model.js';
import { truncate } from '../../messages/render-common.js';
import { mention } from '../replies.js';
import type { ReviewRecord } from '../ports.js';

export const REVIEW_ACTIONS = {
  rsvp: 'review.rsvp',
  topic: 'review.topic',
  feedback: 'review.feedback',
  edit: 'sprint.edit',
} as const;
export const SPRINT_FORM = 'sprint.cadence';
export const TOPIC_FORM = 'review.topic';
export const FEEDBACK_FORM = 'review.feedback';
export const FEEDBACK_TAG = 'sprint review feedback';

const when = (r: ReviewRecord): Span => ({ type: 'date', at: r.at, timeZone: r.timeZone });
const quoted = (text: string): Span => ({ type: 'text', text });
const where = (r: ReviewRecord): (string | Span)[] =>
  r.location ? [' · ', /^https?:\/\//.test(r.location) ? { type: 'link', url: r.location, label: 'join here' } : quoted(r.location)] : [];

/** The stakeholder's invitation, showing their answer once they gave one (they can change it). */
export function inviteMessage(r: ReviewRecord, po: PersonRef | undefined, answer: RsvpAnswer | undefined): Message {
  const rsvp = (a: RsvpAnswer): Button => ({ actionId: REVIEW_ACTIONS.rsvp, label: RSVP_WORDS[a], value: `${r.id}:${a}`, ...(a === answer ? { style: 'primary' as const } : {}) });
  return message(
    section('🎬 ', bold(`Sprint ${r.sprintNumber} review`), ': ', when(r), ...where(r)),
    section('The teams show what they built this sprint, and ', ...(po ? [mention(po), ' (the Product Owner)'] : ['the Product Owner']), ' wants to hear what you think: that is how the backlog changes for the next one.'),
    ...(r.note ? [section('What the teams plan to show: ', quoted(r.note))] : []),
    actions(rsvp('yes'), rsvp('maybe'), rsvp('no'), { actionId: REVIEW_ACTIONS.topic, label: 'What would you like to see?', value: r.id, opensForm: true }),
    context(answer ? `Your answer: ${RSVP_WORDS[answer]} (you can change it).` : 'Let the PO know whether you are coming.'),
  );
}

export function reviewReminder(r: ReviewRecord): Message {
  return message(section('⏰ ', bold(`Sprint ${r.sprintNumber} review`), ' starts in an hour: ', when(r), ...where(r)));
}

export function feedbackPrompt(r: ReviewRecord): Message {
  return message(
    section(`Thank you for coming to the Sprint ${r.sprintNumber} review. How did it go — what should change?`),
    actions({ actionId: REVIEW_ACTIONS.feedback, label: 'How did it go?', value: r.id, style: 'primary', opensForm: true }),
    context('Your answer goes to the PO’s intake queue, so the backlog can adapt.'),
  );
}

export function summaryMessage(r: ReviewRecord, rsvps: { person: PersonRef; answer: RsvpAnswer }[], topics: { person: PersonRef; text: string }[], silent: PersonRef[]): Message {
  const by = (a: RsvpAnswer) => rsvps.filter((x) => x.answer === a).map((x) => x.person.displayName);
  const blocks: Block[] = [
    section('📋 ', bold(`Sprint ${r.sprintNumber} review`), ' tomorrow: ', when(r), ...where(r)),
    { type: 'fields', fields: [
      { label: 'Attending', value: rich(by('yes').join(', ') || '—') },
      { label: 'Maybe', value: rich(by('maybe').join(', ') || '—') },
      { label: 'Can’t make it', value: rich(by('no').join(', ') || '—') },
      { label: 'No answer yet', value: rich(silent.map((p) => p.displayName).join(', ') || '—') },
    ] },
  ];
  blocks.push(topics.length > 0 ? section(bold('On the agenda (what stakeholders want to see):')) : context('No agenda topics from stakeholders yet.'));
  if (topics.length > 0) blocks.push({ type: 'list', items: topics.slice(0, 20).map((t) => rich(mention(t.person), ': ', quoted(truncate(t.text, 300)))) });
  return message(...blocks);
}

export function agendaPost(r: ReviewRecord, topics: { person: PersonRef; text: string }[]): Message {
  return message(
    section('🎬 ', bold(`Sprint ${r.sprintNumber} review`), ' is tomorrow (', when(r), '). Stakeholders would like to see:'),
    { type: 'list', items: topics.slice(0, 20).map((t) => rich(mention(t.person), ': ', quoted(truncate(t.text, 300)))) },
    context('Talk to them directly if something is unclear — before the review is the best time.'),
  );
}

export function topicForm(r?: ReviewRecord): Form {
  return {
    callbackId: TOPIC_FORM,
    title: 'For the review’s agenda',
    submitLabel: 'Add to agenda',
    metadata: r?.id,
    inputs: [{ id: 'topic', type: 'text', label: 'What would you like to see?', multiline: true, required: true, maxLength: 1000, ...(r ? { hint: `Sprint ${r.sprintNumber} review` } : {}) }],
  };
}

export function feedbackForm(r?: ReviewRecord): Form {
  return {
    callbackId: FEEDBACK_FORM,
    title: 'How did the review go?',
    submitLabel: 'Send to the PO',
    metadata: r?.id,
    inputs: [{ id: 'feedback', type: 'text', label: 'How did it go — what should change?', multiline: true, required: true, maxLength: 3000, ...(r ? { hint: `Sprint ${r.sprintNumber} review` } : {}) }],
  };
}

const WEEKDAYS: Option[] = [1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: String(d), label: weekdayName(d) }));

export function sprintForm(initial?: { firstSprintStart: string; weeks: number; reviewWeekday: number; reviewTime: string; timeZone: string; location: string | undefined; inviteDaysBefore: number }): Form {
  return {
    callbackId: SPRINT_FORM,
    title: 'Sprint cadence',
    submitLabel: 'Save',
    inputs: [
      { id: 'start', type: 'date', label: 'First day of the first sprint', required: true, ...(initial ? { initial: initial.firstSprintStart } : {}) },
      { id: 'weeks', type: 'select', label: 'Sprint length', required: true, options: [1, 2, 3, 4].map((n) => ({ value: String(n), label: `${n} week${n > 1 ? 's' : ''}` })), initial: String(initial?.weeks ?? 2) },
      { id: 'weekday', type: 'select', label: 'Review day (in the sprint’s last week)', required: true, options: WEEKDAYS, initial: String(initial?.reviewWeekday ?? 4) },
      { id: 'time', type: 'time', label: 'Review time', required: true, initial: initial?.reviewTime ?? '14:00' },
      { id: 'timeZone', type: 'text', label: 'Time zone', required: true, maxLength: 64, initial: initial?.timeZone ?? 'Europe/Berlin', placeholder: 'Europe/Berlin' },
      { id: 'location', type: 'text', label: 'Where (a room or a meeting link)', maxLength: 500, ...(initial?.location ? { initial: initial.location } : {}) },
      { id: 'inviteDays', type: 'select', label: 'Invite stakeholders (at 10:00)', options: [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: `${n} working day${n > 1 ? 's' : ''} before` })), initial: String(initial?.inviteDaysBefore ?? 2) },
    ],
  };
}
