/** The confirm dialog and the form dialog (both native <dialog>, opened with showModal). */
import type { FormResult, FormView } from './api';
import { byId, errorText } from './dom';

export interface Confirm { title: string; text: string; confirmLabel: string; denyLabel: string }

/** Where focus goes when a dialog closes: the control that opened it if it is still there, else a fallback. */
export type FocusTarget = () => HTMLElement | null;

const confirmDialog = byId<HTMLDialogElement>('confirm-dialog');
let confirming: { resolve: (ok: boolean) => void; returnFocus?: FocusTarget } | null = null;

/** Asks a yes/no question; resolves true only for the confirm button. A newer question answers an open one with no. */
export function askConfirm(c: Confirm, returnFocus?: FocusTarget): Promise<boolean> {
  confirming?.resolve(false);
  byId('confirm-title').textContent = c.title;
  byId('confirm-text').textContent = c.text;
  byId('confirm-ok').textContent = c.confirmLabel || 'Confirm';
  byId('confirm-deny').textContent = c.denyLabel || 'Cancel';
  confirmDialog.returnValue = '';
  if (!confirmDialog.open) confirmDialog.showModal();
  return new Promise((resolve) => void (confirming = { resolve, returnFocus }));
}

confirmDialog.addEventListener('close', () => {
  // The close event comes a task after close(): a question asked since then is still open.
  if (confirmDialog.open || !confirming) return;
  const { resolve, returnFocus } = confirming;
  confirming = null;
  const target = returnFocus?.();
  if (target && !target.contains(document.activeElement)) target.focus();
  resolve(confirmDialog.returnValue === 'confirm');
});

const formDialog = byId<HTMLDialogElement>('form-dialog');
const formEl = byId<HTMLFormElement>('form-form');
const formBody = byId('form-body');
const formError = byId('form-error');
const submitBtn = byId<HTMLButtonElement>('form-submit');
const formActions = byId('form-actions');
const doneActions = byId('form-done-actions');

interface OpenForm {
  submit: (values: Record<string, string>) => Promise<FormResult>;
  onDone: () => void;
  returnFocus: FocusTarget;
  busy: boolean;
}
let current: OpenForm | null = null;

/**
 * Opens a form; `submit` posts the values, `onDone` runs once the form was accepted, and focus goes
 * to `returnFocus()` when the dialog closes. A form opened while another is shown replaces it in
 * place (closing and reopening would let the old dialog's close event, which comes later, clear the new form).
 */
export function openForm(
  form: FormView,
  submit: (values: Record<string, string>) => Promise<FormResult>,
  onDone: () => void,
  returnFocus: FocusTarget,
): void {
  current = { submit, onDone, returnFocus, busy: false };
  byId('form-title').textContent = form.title;
  formBody.className = 'form-body';
  formBody.innerHTML = form.html;
  formError.textContent = '';
  submitBtn.textContent = form.submitLabel || 'Submit';
  submitBtn.removeAttribute('aria-busy');
  formActions.hidden = false;
  doneActions.hidden = true;
  if (!formDialog.open) formDialog.showModal();
  formBody.querySelector<HTMLElement>('input:not([type="hidden"]), select, textarea')?.focus();
}

function clearErrors(): void {
  formError.textContent = '';
  for (const p of formBody.querySelectorAll<HTMLElement>('[data-error-for]')) {
    p.textContent = '';
    p.hidden = true;
  }
  for (const f of formBody.querySelectorAll('[aria-invalid]')) f.removeAttribute('aria-invalid');
}

function showInvalid(errors: Record<string, string>): void {
  const general: string[] = [];
  for (const [id, text] of Object.entries(errors)) {
    const field = id ? formBody.querySelector<HTMLElement>(`[name="${CSS.escape(id)}"]`) : null;
    const slot = formBody.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(id)}"]`);
    if (!slot || (id && !field)) {
      general.push(text);
      continue;
    }
    slot.textContent = text;
    slot.hidden = false;
    if (!field) continue;
    slot.id ||= `error-${id}`;
    field.setAttribute('aria-invalid', 'true');
    const described = (field.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
    if (!described.includes(slot.id)) field.setAttribute('aria-describedby', [...described, slot.id].join(' '));
  }
  formError.textContent = general.join(' ');
  const first = formBody.querySelector<HTMLElement>('[aria-invalid="true"]');
  const whole = formBody.querySelector<HTMLElement>('[data-error-for=""]:not([hidden])');
  if (first) first.focus();
  else if (whole) {
    // Only the form as a whole was refused: bring that message to the reader.
    whole.tabIndex = -1;
    whole.focus();
  }
}

formEl.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = current;
  if (!form || form.busy) return;
  const values: Record<string, string> = {};
  for (const [name, value] of new FormData(formEl)) if (typeof value === 'string') values[name] = value;
  form.busy = true;
  submitBtn.setAttribute('aria-busy', 'true');
  try {
    const result = await form.submit(values);
    if (current !== form) return; // closed, or another form took its place
    clearErrors();
    if (result.kind === 'invalid') {
      showInvalid(result.errors);
      return;
    }
    formBody.className = 'form-body msg-body';
    formBody.innerHTML = result.html;
    formActions.hidden = true;
    doneActions.hidden = false;
    byId('form-close').focus();
    form.onDone();
  } catch (e) {
    if (current === form) formError.textContent = errorText(e);
  } finally {
    form.busy = false;
    if (current === form) submitBtn.removeAttribute('aria-busy');
  }
});

byId('form-cancel').addEventListener('click', () => formDialog.close());
byId('form-close').addEventListener('click', () => formDialog.close());
formDialog.addEventListener('close', () => {
  // The close event comes a task after close(): a form opened since then is not to be cleared.
  if (formDialog.open || !current) return;
  const closed = current;
  current = null;
  // The closed form's fields stay until the next form replaces them: removing a field that had
  // focus from here leaves Chromium's keyboard input nowhere, though focus seems to be back.
  // The browser gives focus back to what had it before showModal, but a refetch may have replaced
  // that button since (a saved form refetches the messages).
  const target = closed.returnFocus();
  if (target) target.focus();
});

export function closeDialogs(): void {
  if (confirmDialog.open) confirmDialog.close();
  if (formDialog.open) formDialog.close();
}
