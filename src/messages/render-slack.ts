/**
 * Slack Block Kit renderer for the platform-neutral message model.
 *
 * Safety: every `text` span is user-controlled. In mrkdwn output `&`, `<`, `>` are escaped, so a typed
 * `<!channel>`, `<@U1>` or `<http://x|y>` stays literal text, and the words `@channel`, `@here`,
 * `@everyone` get a WORD JOINER (U+2060) after the `@` so no client can turn them into a broadcast.
 * Mentions, channels, links and dates are emitted only from their own span types, after validation.
 *
 * Limits: Slack rejects a whole message when one limit is exceeded, so text written by people is
 * truncated with "…" by construction (source spans are cut, then rendered, so an escape like `&amp;`
 * or a `<@U…>` token is never split). Identifiers and state (action_id, button value, callback_id,
 * private_metadata, option values, block ids) are never truncated: cutting them would corrupt the
 * round trip, so an over-long one throws a SlackRenderError instead.
 */
import type { types as Slack } from '@slack/bolt';
import type { Block, Button, Confirm, Form, FormValues, Input, Message, Rich, Span, TextStyle } from './model.js';
import {
  allowedUrl,
  chunk,
  defuseBroadcasts,
  ELLIPSIS,
  instantOf,
  isBlankRich,
  isClockTime,
  isIsoDate,
  isRecord,
  RenderError,
  truncate,
} from './render-common.js';

export type SlackKnownBlock = Slack.KnownBlock;
export type SlackModalView = Slack.ModalView;

export interface SlackMessage {
  /** Plain-text fallback for notifications and screen readers (parsed as mrkdwn by Slack, so escaped too). */
  text: string;
  blocks: Slack.KnownBlock[];
}

/** Slack's documented Block Kit limits that this renderer enforces. Lengths are in UTF-16 code units. */
export const SLACK_LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  fallbackText: 3000,
  sectionText: 3000,
  contextText: 3000,
  contextElements: 10,
  headerText: 150,
  fieldsPerSection: 10,
  fieldText: 2000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  callbackId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  modalTitle: 24,
  modalButton: 24,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  textInputLength: 3000,
  privateMetadata: 3000,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
} as const;

export type SlackRenderErrorCode = 'slack_limit_exceeded' | 'slack_invalid_value';

/** A message or form that cannot be rendered on Slack without losing data: a programming error, not user input. */
export class SlackRenderError extends RenderError<SlackRenderErrorCode> {
  override readonly name = 'SlackRenderError';
}

const MODAL_CLOSE_LABEL = 'Cancel';
const INFO_MODAL_CLOSE_LABEL = 'Done';

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/**
 * Render a message for chat.postMessage / chat.update / respond.
 *
 * Action ids: Slack requires action_id to be unique within a message, so when several buttons share
 * an `actionId` the later ones are suffixed: `approve`, `approve:2`, `approve:3`. Route on the part
 * before the suffix — use `slackActionIdBase(id)`.
 *
 * Blocks that would be empty (blank section, header, context, list, fields, actions without
 * buttons) are dropped, since Slack rejects empty text objects; so are blank list items and fields
 * (`isBlankRich`). More than 50 blocks: the first 49 are kept and a context block "…and N more" is
 * appended.
 */
export function renderSlackMessage(m: Message): SlackMessage {
  const usedActionIds = new Set<string>();
  let blocks = m.blocks.flatMap((b) => renderBlock(b, usedActionIds));
  if (blocks.length > SLACK_LIMITS.messageBlocks) {
    const keep = SLACK_LIMITS.messageBlocks - 1;
    const more = blocks.length - keep;
    blocks = [...blocks.slice(0, keep), { type: 'context', elements: [mrkdwn(`${ELLIPSIS}and ${more} more`)] }];
  }
  return { text: renderRich(fallbackSpans(m), SLACK_LIMITS.fallbackText, false), blocks };
}

/** The action id a listener should route on: `approve:2` → `approve`. */
export function slackActionIdBase(actionId: string): string {
  return actionId.replace(/:\d+$/, '');
}

function renderBlock(b: Block, usedActionIds: Set<string>): Slack.KnownBlock[] {
  switch (b.type) {
    case 'header': {
      const text = b.text.trim();
      return text ? [{ type: 'header', text: plain(text, SLACK_LIMITS.headerText) }] : [];
    }
    case 'section': {
      if (isBlankRich(b.text)) return [];
      const text = renderRich(b.text, SLACK_LIMITS.sectionText);
      return isBlank(text) ? [] : [{ type: 'section', text: mrkdwn(text) }];
    }
    case 'context': {
      if (isBlankRich(b.text)) return [];
      // One mrkdwn element per context block, so the 10-element limit holds by construction.
      const text = renderRich(b.text, SLACK_LIMITS.contextText);
      return isBlank(text) ? [] : [{ type: 'context', elements: [mrkdwn(text)] }];
    }
    case 'divider':
      return [{ type: 'divider' }];
    case 'fields': {
      const texts = b.fields
        .filter(({ label, value }) => label.trim() !== '' || !isBlankRich(value))
        .map(({ label, value }) =>
          renderRich(
            label.trim() ? [{ type: 'text', text: label, style: 'bold' }, { type: 'text', text: '\n' }, ...value] : value,
            SLACK_LIMITS.fieldText,
          ),
        )
        .filter((t) => !isBlank(t));
      return chunk(texts, SLACK_LIMITS.fieldsPerSection).map((group) => ({
        type: 'section',
        fields: group.map(mrkdwn),
      }));
    }
    case 'list': {
      // Items are packed into as few sections as fit 3000 chars; only an item longer than a whole
      // section on its own is truncated.
      const lines = b.items
        .filter((item) => !isBlankRich(item))
        .map((item) => renderRich([{ type: 'text', text: '• ' }, ...item], SLACK_LIMITS.sectionText));
      const sections: string[] = [];
      for (const line of lines) {
        const last = sections.length - 1;
        const current = sections[last];
        if (current !== undefined && current.length + 1 + line.length <= SLACK_LIMITS.sectionText) {
          sections[last] = `${current}\n${line}`;
        } else {
          sections.push(line);
        }
      }
      return sections.map((text) => ({ type: 'section', text: mrkdwn(text) }));
    }
    case 'actions': {
      const elements = b.buttons.map((button) => renderButton(button, usedActionIds));
      return chunk(elements, SLACK_LIMITS.actionsElements).map((group) => ({ type: 'actions', elements: group }));
    }
  }
}

function renderButton(button: Button, usedActionIds: Set<string>): Slack.Button {
  const actionId = uniqueActionId(button.actionId, usedActionIds);
  if (button.value.length > SLACK_LIMITS.buttonValue) {
    throw new SlackRenderError(
      'slack_limit_exceeded',
      `Button "${actionId}" value is ${button.value.length} chars; Slack allows ${SLACK_LIMITS.buttonValue}. Store the state and pass its id.`,
    );
  }
  return {
    type: 'button',
    action_id: actionId,
    text: plain(button.label, SLACK_LIMITS.buttonText),
    ...(button.value ? { value: button.value } : {}),
    ...(button.style ? { style: button.style } : {}),
    ...(button.confirm ? { confirm: renderConfirm(button.confirm, button.style) } : {}),
  };
}

function renderConfirm(c: Confirm, style: Button['style']): Slack.ConfirmationDialog {
  return {
    title: plain(c.title, SLACK_LIMITS.confirmTitle),
    text: plain(c.text, SLACK_LIMITS.confirmText),
    confirm: plain(c.confirmLabel, SLACK_LIMITS.confirmButton),
    deny: plain(c.denyLabel, SLACK_LIMITS.confirmButton),
    ...(style === 'danger' ? { style: 'danger' as const } : {}),
  };
}

function uniqueActionId(actionId: string, used: Set<string>): string {
  if (!actionId) throw new SlackRenderError('slack_invalid_value', 'Button actionId must not be empty');
  let candidate = actionId;
  for (let n = 2; used.has(candidate); n++) candidate = `${actionId}:${n}`;
  used.add(candidate);
  checkIdLength('action_id', candidate, SLACK_LIMITS.actionId);
  return candidate;
}

/** The textual content of every block, one line each, for the `text` fallback. */
function fallbackSpans(m: Message): Span[] {
  const lines: Rich[] = [];
  for (const b of m.blocks) {
    switch (b.type) {
      case 'header':
        lines.push([{ type: 'text', text: b.text }]);
        break;
      case 'section':
      case 'context':
        lines.push(b.text);
        break;
      case 'fields':
        for (const f of b.fields) lines.push(f.label ? [{ type: 'text', text: `${f.label}: ` }, ...f.value] : f.value);
        break;
      case 'list':
        for (const item of b.items) if (!isBlankRich(item)) lines.push([{ type: 'text', text: '• ' }, ...item]);
        break;
      case 'divider':
      case 'actions':
        break;
    }
  }
  return lines.flatMap((line, i) => (i === 0 ? line : [{ type: 'text', text: '\n' } as const, ...line]));
}

// ---------------------------------------------------------------------------------------------
// Modals
// ---------------------------------------------------------------------------------------------

/** Render a form as a modal for `views.open` / `views.push` / `views.update`. */
export function renderSlackModal(form: Form): Slack.ModalView {
  checkIdLength('callback_id', form.callbackId, SLACK_LIMITS.callbackId);
  if (form.metadata !== undefined && form.metadata.length > SLACK_LIMITS.privateMetadata) {
    throw new SlackRenderError(
      'slack_limit_exceeded',
      `Form "${form.callbackId}" metadata is ${form.metadata.length} chars; Slack's private_metadata allows ${SLACK_LIMITS.privateMetadata}. Store the state and pass its id.`,
    );
  }
  if (form.inputs.length > SLACK_LIMITS.modalBlocks) {
    throw new SlackRenderError(
      'slack_limit_exceeded',
      `Form "${form.callbackId}" has ${form.inputs.length} inputs; a Slack modal allows ${SLACK_LIMITS.modalBlocks} blocks`,
    );
  }
  const seen = new Set<string>();
  for (const input of form.inputs) {
    if (seen.has(input.id)) {
      throw new SlackRenderError('slack_invalid_value', `Form "${form.callbackId}" has two inputs with id "${input.id}"`);
    }
    seen.add(input.id);
  }
  return {
    type: 'modal',
    callback_id: form.callbackId,
    title: plain(form.title, SLACK_LIMITS.modalTitle),
    submit: plain(form.submitLabel, SLACK_LIMITS.modalButton),
    close: plain(MODAL_CLOSE_LABEL, SLACK_LIMITS.modalButton),
    ...(form.metadata !== undefined ? { private_metadata: form.metadata } : {}),
    blocks: form.inputs.map(renderInput),
  };
}

/**
 * A modal that only shows a message: what a submitted form turns into (`response_action: 'update'`).
 * It has a "Done" close button and no submit button, so it cannot be submitted again. The message is
 * rendered as for chat (so at most 50 blocks, well within a modal's 100).
 */
export function renderSlackInfoModal(title: string, m: Message): Slack.ModalView {
  const { blocks } = renderSlackMessage(m);
  return {
    type: 'modal',
    title: plain(title.trim() || 'po-desk', SLACK_LIMITS.modalTitle),
    close: plain(INFO_MODAL_CLOSE_LABEL, SLACK_LIMITS.modalButton),
    // A message whose blocks were all blank would leave the modal empty; say at least that it is done.
    blocks: blocks.length > 0 ? blocks : [{ type: 'section', text: mrkdwn('Done.') }],
  };
}

function renderInput(input: Input): Slack.InputBlock {
  checkIdLength('block_id', input.id, SLACK_LIMITS.blockId);
  return {
    type: 'input',
    block_id: input.id,
    label: plain(input.label, SLACK_LIMITS.inputLabel),
    optional: !input.required,
    ...(input.hint ? { hint: plain(input.hint, SLACK_LIMITS.inputHint) } : {}),
    element: renderInputElement(input),
  };
}

function renderInputElement(input: Input): Slack.InputBlockElement {
  const action_id = input.id;
  switch (input.type) {
    case 'text': {
      const maxLength =
        input.maxLength === undefined
          ? undefined
          : Math.max(1, Math.min(Math.floor(input.maxLength), SLACK_LIMITS.textInputLength));
      return {
        type: 'plain_text_input',
        action_id,
        ...(input.multiline !== undefined ? { multiline: input.multiline } : {}),
        ...(maxLength !== undefined ? { max_length: maxLength } : {}),
        ...(input.initial
          ? { initial_value: truncate(input.initial, maxLength ?? SLACK_LIMITS.textInputLength) }
          : {}),
        ...(input.placeholder ? { placeholder: plain(input.placeholder, SLACK_LIMITS.placeholder) } : {}),
      };
    }
    case 'select': {
      if (input.options.length === 0) {
        throw new SlackRenderError('slack_invalid_value', `Select input "${input.id}" has no options`);
      }
      // Slack allows 100 options; beyond that the list is cut (an initial value past the cut is not preselected).
      const options: Slack.PlainTextOption[] = input.options.slice(0, SLACK_LIMITS.selectOptions).map((o) => {
        checkIdLength(`option value of select "${input.id}"`, o.value, SLACK_LIMITS.optionValue);
        return { text: plain(o.label, SLACK_LIMITS.optionText), value: o.value };
      });
      const initial = input.initial === undefined ? undefined : options.find((o) => o.value === input.initial);
      return { type: 'static_select', action_id, options, ...(initial ? { initial_option: initial } : {}) };
    }
    case 'date':
      if (input.initial !== undefined && !isIsoDate(input.initial)) {
        throw new SlackRenderError('slack_invalid_value', `Date input "${input.id}" initial must be YYYY-MM-DD, got "${input.initial}"`);
      }
      return { type: 'datepicker', action_id, ...(input.initial ? { initial_date: input.initial } : {}) };
    case 'time':
      if (input.initial !== undefined && !isClockTime(input.initial)) {
        throw new SlackRenderError('slack_invalid_value', `Time input "${input.id}" initial must be HH:mm, got "${input.initial}"`);
      }
      return { type: 'timepicker', action_id, ...(input.initial ? { initial_time: input.initial } : {}) };
    case 'user':
      return { type: 'users_select', action_id, ...(input.initial ? { initial_user: input.initial } : {}) };
  }
}

/**
 * Read a view_submission's `view.state.values` back into `{ [input.id]: value | null }`.
 * Text is trimmed; anything empty, missing or of an unexpected shape is null. Required-ness is
 * not checked here (Slack enforces it in the modal; use cases validate again).
 */
export function readSlackFormValues(form: Form, stateValues: Record<string, Record<string, unknown>>): FormValues {
  const values: FormValues = {};
  for (const input of form.inputs) {
    const block = stateValues[input.id];
    // An input block holds exactly one element; fall back to it if its action_id differs from ours.
    const entry = block?.[input.id] ?? (block && Object.keys(block).length === 1 ? Object.values(block)[0] : undefined);
    values[input.id] = readStateEntry(input, entry);
  }
  return values;
}

function readStateEntry(input: Input, entry: unknown): string | null {
  if (!isRecord(entry)) return null;
  switch (input.type) {
    case 'text':
      return nonEmpty(typeof entry.value === 'string' ? entry.value.trim() : null);
    case 'select':
      return nonEmpty(isRecord(entry.selected_option) ? entry.selected_option.value : null);
    case 'date':
      return nonEmpty(entry.selected_date);
    case 'time':
      return nonEmpty(entry.selected_time);
    case 'user':
      return nonEmpty(entry.selected_user);
  }
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'slack:']);

/** A span reduced to what the mrkdwn writer needs: literal text, or a pre-built token that is never cut. */
type Part = { kind: 'text'; text: string; style?: TextStyle } | { kind: 'token'; token: string; fallback: string };

/**
 * Render rich text as mrkdwn of at most `limit` chars. When it does not fit, whole parts are kept
 * while they fit, the next text part is cut (before escaping), tokens that do not fit degrade to
 * their plain fallback text, and "…" is appended.
 */
function renderRich(spans: Rich, limit: number, styled = true): string {
  const parts = spans.map(toPart);
  const rendered = parts.map((p) => (p.kind === 'token' ? p.token : renderText(p.text, p.style, styled)));
  if (rendered.reduce((n, r) => n + r.length, 0) <= limit) return rendered.join('');
  const budget = limit - ELLIPSIS.length;
  let out = '';
  for (const [i, part] of parts.entries()) {
    const r = rendered[i] ?? '';
    if (out.length + r.length <= budget) {
      out += r;
      continue;
    }
    const text = part.kind === 'text' ? part : { text: part.fallback, style: undefined };
    out += renderTextPrefix(text.text, text.style, styled, budget - out.length);
    break;
  }
  return out + ELLIPSIS;
}

function toPart(span: Span): Part {
  switch (span.type) {
    case 'text':
      return { kind: 'text', text: span.text, style: span.style };
    case 'user': {
      const fallback = `@${span.name ?? span.userId}`;
      return USER_ID.test(span.userId) ? { kind: 'token', token: `<@${span.userId}>`, fallback } : { kind: 'text', text: fallback };
    }
    case 'channel': {
      const fallback = `#${span.name ?? span.channelId}`;
      return CHANNEL_ID.test(span.channelId)
        ? { kind: 'token', token: `<#${span.channelId}>`, fallback }
        : { kind: 'text', text: fallback };
    }
    case 'link': {
      const label = span.label.replace(/\s+/g, ' ').trim();
      const url = safeUrl(span.url);
      if (url === null) {
        // Not a link we are willing to emit: show it as literal text so nothing is hidden.
        return { kind: 'text', text: label && label !== span.url ? `${label} (${span.url})` : span.url };
      }
      return {
        kind: 'token',
        token: label ? `<${url}|${escapeMrkdwn(label)}>` : `<${url}>`,
        fallback: label || span.url,
      };
    }
    case 'messageLink':
      return { kind: 'text', text: span.label };
    case 'date': {
      const at = instantOf(span.at);
      if (!at) return { kind: 'text', text: 'Invalid date' };
      const iso = at.toISOString();
      // Slack formats the date in each reader's own time zone; the ISO text is for old clients.
      return { kind: 'token', token: `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time}|${iso}>`, fallback: iso };
    }
  }
}

/** The URL as it may appear inside `<…|label>`, or null if it is not an allowed http(s)/mailto/slack URL. */
function safeUrl(raw: string): string | null {
  const url = allowedUrl(raw, LINK_PROTOCOLS);
  if (!url) return null;
  // `|`, `<`, `>` and whitespace would end the token early; `&` is escaped as everywhere in mrkdwn.
  return url.href.replace(/[<>|\s"]/g, (c) => encodeURIComponent(c)).replace(/&/g, '&amp;');
}

/** Escape literal text for mrkdwn and defuse broadcast words. */
function escapeMrkdwn(text: string): string {
  return defuseBroadcasts(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

function renderText(text: string, style: TextStyle | undefined, styled: boolean): string {
  if (!styled || style === undefined) return escapeMrkdwn(text);
  if (style === 'code') {
    return wrap(text.replace(/`/g, '').replace(/[\r\n]+/g, ' '), '`');
  }
  // Slack's bold/italic do not span lines, nor start or end with whitespace: mark each line's core.
  const marker = style === 'bold' ? '*' : '_';
  return text
    .split('\n')
    .map((line) => wrap(line, marker))
    .join('\n');
}

function wrap(text: string, marker: string): string {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(text);
  const [, lead = '', core = '', trail = ''] = match ?? [];
  return core ? `${lead}${marker}${escapeMrkdwn(core)}${marker}${trail}` : escapeMrkdwn(text);
}

/** The longest rendering of a prefix of `text` (cut between code points) that fits in `max`. */
function renderTextPrefix(text: string, style: TextStyle | undefined, styled: boolean, max: number): string {
  const chars = Array.from(text);
  const render = (n: number) => renderText(chars.slice(0, n).join(''), style, styled);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (render(mid).length <= max) lo = mid;
    else hi = mid - 1;
  }
  return render(lo);
}

function plain(text: string, max: number): Slack.PlainTextElement {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

function mrkdwn(text: string): Slack.MrkdwnElement {
  return { type: 'mrkdwn', text };
}

function checkIdLength(what: string, value: string, max: number): void {
  if (!value) throw new SlackRenderError('slack_invalid_value', `${what} must not be empty`);
  if (value.length > max) {
    throw new SlackRenderError('slack_limit_exceeded', `${what} "${value.slice(0, 40)}…" is ${value.length} chars; Slack allows ${max}`);
  }
}

/** Whether rendered mrkdwn is blank: code loses its backticks, so `code('``')` renders as nothing. */
function isBlank(text: string): boolean {
  return text.trim() === '';
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}
