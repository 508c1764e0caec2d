import type { Form, FormValues, Message } from '../messages/model.js';
import { UserError } from '../user-error.js';
import type { CommandContext, Deps } from './context.js';
import { undoMembersRemoval } from './manage-members.js';
import { undoStakeholdersRemoval } from './manage-stakeholders.js';
import { HOURS_FORM, hoursForm, submitHoursForm } from './set-working-hours.js';
import { withProduct } from './context.js';
import {
  ANSWER_FORM, answerForm, CUSTOMER_ANSWER_FORM, customerAnswerForm, HANDOFF_FORM, handoffForm, QUESTION_ACTIONS,
} from './questions/question-messages.js';
import { GONE, markOnIt, setResolved, submitAnswer, submitCustomerAnswer, submitHandoff } from './questions/respond.js';
import type { Question } from '../domain/question.js';
import {
  ACCEPT_FORM, acceptForm, ANSWER_FORM as INTAKE_ANSWER_FORM, answerForm as intakeAnswerForm, DECLINE_FORM, declineForm, DUPLICATE_FORM, duplicateForm,
  INTAKE_ACTIONS, NEED_INFO_FORM, needInfoForm, REQUEST_FORM, requestForm,
} from './intake/intake-messages.js';
import { submitRequest } from './intake/request-work.js';
import { markShipped, openAnswerForm, openTriageForm, submitAccept, submitAnswer as submitIntakeAnswer, submitDecline, submitDuplicate, submitNeedInfo, undoMerge } from './intake/triage.js';
import { notAWorkRequest, sendIntercepted } from './intake/intercept.js';
import { DAILY_ACTIONS, NEED_PO_FORM, needPoForm, submitNeedPo } from './ceremonies/daily-scrum.js';
import { FEEDBACK_FORM, feedbackForm, REVIEW_ACTIONS, SPRINT_FORM, sprintForm, TOPIC_FORM, topicForm } from './ceremonies/review-messages.js';
import { DASHBOARD_ACTIONS, dashboard } from './dashboard/dashboard.js';
import { answerRsvp, cadenceForm, openFeedbackForm, openTopicForm, submitFeedback, submitSprintForm, submitTopic } from './ceremonies/sprint-reviews.js';

/**
 * What a command, a button or a form submission asks the surface to show. Adapters map these to the
 * platform: Slack answers privately, replaces the message holding the button or opens a modal;
 * Teams replies, updates the card in place, or shows a dialog (task module) or an inline form card.
 */
export type Shown =
  | { kind: 'reply'; message: Message }
  | { kind: 'replace'; message: Message }
  | { kind: 'form'; form: Form };

export type FormOutcome =
  | { kind: 'invalid'; errors: Record<string, string> }
  | { kind: 'done'; message: Message };

export const reply = (message: Message): Shown => ({ kind: 'reply', message });

/** A click on a button this version does not know (an old message, or a payload missing what we need). */
export const unknownAction = () => new UserError('unknown_action', 'That button no longer does anything: it comes from an older version of po-desk.');
export const unknownForm = () => new UserError('unknown_form', 'That form no longer exists: it comes from an older version of po-desk.');

/** A button click: the action id and value the button was rendered with. */
export async function runAction(ctx: CommandContext, deps: Deps, actionId: string, value: string): Promise<Shown> {
  switch (actionId) {
    case 'hours.edit':
      return { kind: 'form', form: await hoursForm(ctx, deps) };
    case 'stakeholder.undo-remove':
      return { kind: 'replace', message: await undoStakeholdersRemoval(ctx, deps, value) };
    case 'members.undo-remove':
      return { kind: 'replace', message: await undoMembersRemoval(ctx, deps, value) };
    case QUESTION_ACTIONS.answer:
      return { kind: 'form', form: answerForm(await questionFor(ctx, deps, value)) };
    case QUESTION_ACTIONS.customerAnswer:
      return { kind: 'form', form: customerAnswerForm(await questionFor(ctx, deps, value)) };
    case QUESTION_ACTIONS.handoff:
      return { kind: 'form', form: handoffForm(await questionFor(ctx, deps, value)) };
    case QUESTION_ACTIONS.onIt:
      return { kind: 'replace', message: await markOnIt(ctx, deps, value) };
    case QUESTION_ACTIONS.resolve:
      return { kind: 'replace', message: await setResolved(ctx, deps, value, true) };
    case QUESTION_ACTIONS.reopen:
      return { kind: 'replace', message: await setResolved(ctx, deps, value, false) };
    case INTAKE_ACTIONS.accept:
      return { kind: 'form', form: await openTriageForm(ctx, deps, 'accept', value) };
    case INTAKE_ACTIONS.decline:
      return { kind: 'form', form: await openTriageForm(ctx, deps, 'decline', value) };
    case INTAKE_ACTIONS.needInfo:
      return { kind: 'form', form: await openTriageForm(ctx, deps, 'need-info', value) };
    case INTAKE_ACTIONS.duplicate:
      return { kind: 'form', form: await openTriageForm(ctx, deps, 'duplicate', value) };
    case INTAKE_ACTIONS.answer:
      return { kind: 'form', form: await openAnswerForm(ctx, deps, value) };
    case INTAKE_ACTIONS.shipped:
      return reply(await markShipped(ctx, deps, value));
    case INTAKE_ACTIONS.undoMerge:
      return reply(await undoMerge(ctx, deps, value));
    case INTAKE_ACTIONS.send:
      return { kind: 'replace', message: await sendIntercepted(ctx, deps, value) };
    case INTAKE_ACTIONS.notRequest:
      return { kind: 'replace', message: await notAWorkRequest(ctx, deps, value) };
    case DAILY_ACTIONS.needPo:
      return { kind: 'form', form: needPoForm(value) };
    case REVIEW_ACTIONS.rsvp:
      return { kind: 'replace', message: await answerRsvp(ctx, deps, value) };
    case REVIEW_ACTIONS.topic:
      return { kind: 'form', form: await openTopicForm(ctx, deps, value) };
    case REVIEW_ACTIONS.feedback:
      return { kind: 'form', form: await openFeedbackForm(ctx, deps, value) };
    case DASHBOARD_ACTIONS.refresh:
      return { kind: 'replace', message: await dashboard(ctx, deps) };
    case REVIEW_ACTIONS.edit:
      return { kind: 'form', form: await cadenceForm(ctx, deps) };
    default:
      throw unknownAction();
  }
}

/** The question a form-opening button is about, so the form can show it. */
async function questionFor(ctx: CommandContext, deps: Deps, id: string): Promise<Question> {
  const q = await withProduct(ctx, deps, { create: false }, ({ tx, state }) => tx.questions.get(state.id, id));
  if (!q) throw GONE();
  return q;
}

/** The form a form-opening button (or a command) shows, looked up by its callback id. */
export async function openForm(ctx: CommandContext, deps: Deps, callbackId: string): Promise<Form> {
  switch (callbackId) {
    case HOURS_FORM:
      return hoursForm(ctx, deps);
    case ANSWER_FORM:
      return answerForm();
    case CUSTOMER_ANSWER_FORM:
      return customerAnswerForm();
    case HANDOFF_FORM:
      return handoffForm();
    case REQUEST_FORM:
      return requestForm();
    case ACCEPT_FORM:
      return acceptForm();
    case DECLINE_FORM:
      return declineForm();
    case NEED_INFO_FORM:
      return needInfoForm();
    case INTAKE_ANSWER_FORM:
      return intakeAnswerForm();
    case DUPLICATE_FORM:
      return duplicateForm();
    case NEED_PO_FORM:
      return needPoForm();
    case SPRINT_FORM:
      return sprintForm();
    case TOPIC_FORM:
      return topicForm();
    case FEEDBACK_FORM:
      return feedbackForm();
    default:
      throw unknownForm();
  }
}

/** Reads a submitted form back; the adapter shows field errors next to the inputs and keeps the form open. */
export async function submitForm(
  ctx: CommandContext,
  deps: Deps,
  callbackId: string,
  values: FormValues,
  metadata: string | undefined,
): Promise<FormOutcome> {
  switch (callbackId) {
    case HOURS_FORM:
      return submitHoursForm(ctx, deps, values);
    case ANSWER_FORM:
      return submitAnswer(ctx, deps, metadata, values);
    case CUSTOMER_ANSWER_FORM:
      return submitCustomerAnswer(ctx, deps, metadata, values);
    case HANDOFF_FORM:
      return submitHandoff(ctx, deps, metadata, values);
    case REQUEST_FORM:
      return submitRequest(ctx, deps, values);
    case ACCEPT_FORM:
      return submitAccept(ctx, deps, metadata, values);
    case DECLINE_FORM:
      return submitDecline(ctx, deps, metadata, values);
    case NEED_INFO_FORM:
      return submitNeedInfo(ctx, deps, metadata, values);
    case INTAKE_ANSWER_FORM:
      return submitIntakeAnswer(ctx, deps, metadata, values);
    case DUPLICATE_FORM:
      return submitDuplicate(ctx, deps, metadata, values);
    case NEED_PO_FORM:
      return submitNeedPo(ctx, deps, metadata, values);
    case SPRINT_FORM:
      return submitSprintForm(ctx, deps, values);
    case TOPIC_FORM:
      return submitTopic(ctx, deps, metadata, values);
    case FEEDBACK_FORM:
      return submitFeedback(ctx, deps, metadata, values);
    default:
      throw unknownForm();
  }
}
