import type { Form, FormValues, Message } from '../messages/model.js';
import { UserError } from '../user-error.js';
import type { CommandContext, Deps } from './context.js';
import { undoMembersRemoval } from './manage-members.js';
import { undoStakeholdersRemoval } from './manage-stakeholders.js';
import { HOURS_FORM, hoursForm, submitHoursForm } from './set-working-hours.js';

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
    default:
      throw unknownAction();
  }
}

/** The form a form-opening button (or a command) shows, looked up by its callback id. */
export async function openForm(ctx: CommandContext, deps: Deps, callbackId: string): Promise<Form> {
  switch (callbackId) {
    case HOURS_FORM:
      return hoursForm(ctx, deps);
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
  void metadata; // no form of this build carries state; forms of later features will.
  switch (callbackId) {
    case HOURS_FORM:
      return submitHoursForm(ctx, deps, values);
    default:
      throw unknownForm();
  }
}
