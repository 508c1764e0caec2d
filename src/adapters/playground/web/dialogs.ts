/** The confirm dialog and the form dialog (both native <dialog>, opened with showModal). */
import type { FormResult, FormView } from './api';
import { byId, errorText } from './dom';

export interface Confirm { title: string; text: string; confirmLabel: string; denyLabel: string }

const confirmDialog = byId<HTMLDialogElement>('confirm-dialog');

/** Asks a yes/no question; resolves true only for the confirm button. */
export function askConfirm(c: Confirm): Promise<boolean> {
  byId('confirm-title').textContent = c.title;
  byId('confirm-text').textContent = c.text;
  byId('confirm-ok').textContent = c.confirmLabel || 'Confirm';
  byId('confirm-deny').textContent = c.denyLabel || 'Cancel';
  confirmDialog.returnValue = '';
  confirmDialog.showModal();
  return new Promise((resolve) =>
    confirmDialog.addEventListener('close', () => resolve(confirmDialog.returnValue === 'confirm'), { once: true }),
  );
}

const formDialog = byId<HTMLDialogElement>('form-dialog');
const formEl = byId<HTMLFormElement>('form-form');
const formBody = byId('form-body');
const formError = byId('form-error');
const submitBtn = byId<HTMLButtonElement>('form-submit');
const formActions = byId('form-actions');
const doneActions = byId('form-done-actions');

let current: { submit: (values: Record<string, string>) => Promise<FormResult>; onDone: () => void } | null = null;
let busy = false;

/** Opens a form; `submit` posts the values, `onDone` runs once the form was accepted. */
export function openForm(
  form: FormView,
  submit: (values: Record<string, string>) => Promise<FormResult>,
  onDone: () => void,
): void {
  if (formDialog.open) formDialog.close();
  current = { submit, onDone };
  byId('form-title').textContent = form.title;
  formBody.className = 'form-body';
  formBody.innerHTML = form.html;
  formError.textContent = '';
  submitBtn.textContent = form.submitLabel || 'Submit';
  formActions.hidden = false;
  doneActions.hidden = true;
  formDialog.showModal();
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
  if (!current || busy) return;
  const form = current;
  const values: Record<string, string> = {};
  for (const [name, value] of new FormData(formEl)) if (typeof value === 'string') values[name] = value;
  busy = true;
  submitBtn.setAttribute('aria-busy', 'true');
  try {
    const result = await form.submit(values);
    if (current !== form) return;
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
    formError.textContent = errorText(e);
  } finally {
    busy = false;
    submitBtn.removeAttribute('aria-busy');
  }
});

byId('form-cancel').addEventListener('click', () => formDialog.close());
byId('form-close').addEventListener('click', () => formDialog.close());
formDialog.addEventListener('close', () => {
  current = null;
  formBody.replaceChildren();
});

export function closeDialogs(): void {
  if (confirmDialog.open) confirmDialog.close();
  if (formDialog.open) formDialog.close();
}
