/**
 * HTML renderer for the platform-neutral message model, for the browser playground (a local fake chat
 * workspace; the browser inserts this HTML with innerHTML, so this renderer is what keeps it safe).
 *
 * Safety: every text node and every attribute value is escaped (`&`, `<`, `>`, `"`, `'`), so a typed
 * `<script>`, `<img onerror>` or `" onclick="` stays literal text. Markup comes only from this file. The
 * words `@channel`, `@here`, `@everyone` (and a trailing `@`, since the next span may start with "here") get
 * a WORD JOINER (U+2060) after the `@` in visible text, as on Slack: HTML cannot ping anyone, but a message
 * copied from the playground should not turn into a broadcast elsewhere. State the browser sends back
 * (button values, action ids, confirm dialogs, input initial values) is escaped but never altered.
 *
 * Links: only absolute http(s) URLs with a host and mailto: URLs become `<a>` (opening in a new tab, without
 * an opener or referrer), and links to a message on the playground page itself (`#c=<channel id>&m=<message
 * id>`, exactly that shape, as `playgroundMessageHref` writes them; they open in the page, which shows the
 * message). Anything else (javascript:, data:, relative, other fragments, unparsable) is shown as literal
 * text, "label (url)", so nothing is hidden — as the Slack and Teams renderers do. Mentions are a styled name, never
 * a link. Dates are `<time datetime="…">` formatted in the span's time zone, else the viewer's, else UTC:
 * "Mon 23 Nov 2026, 09:30 CET".
 *
 * HTML has no length limits, so nothing is cut; blocks that would be empty are left out, as on Slack and
 * Teams. This renderer never throws on a message or form the model allows (even one the Slack or Teams
 * renderers refuse, such as an empty action id or a select without options).
 *
 * Buttons follow the playground API: `data-action-id`, `data-value`, `data-opens-form`, and `data-confirm`
 * holding `{"title","text","confirmLabel","denyLabel"}` as JSON. Action ids are not de-duplicated (that is a
 * Slack rule); the browser posts them back as they are.
 */
import type { Block, Button, Form, Input, Message, Rich, Span, TextStyle } from './model.js';
import { allowedUrl, defuseBroadcasts, instantOf, isBlankRich, isClockTime, isIsoDate, zonedDateParts } from './render-common.js';

/** Names for mentions and channels that do not carry their own name. */
export interface HtmlNames {
  user(userId: string): string | undefined;
  channel(channelId: string): string | undefined;
}

export interface HtmlOptions {
  names: HtmlNames;
  /** The viewer's IANA time zone, for date spans without their own (UTC when unknown). */
  timeZone: string;
}

/** Escape text for an HTML text node or a quoted attribute value (either quote). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/** Semantic HTML for the body of one message (no wrapper element), safe to insert with innerHTML. */
export function renderHtmlMessage(message: Message, options: HtmlOptions): string {
  return message.blocks.map((block) => renderBlock(block, options)).join('');
}

function renderBlock(block: Block, options: HtmlOptions): string {
  switch (block.type) {
    case 'header': {
      const text = block.text.trim();
      return text ? `<h3 class="po-header">${visible(text)}</h3>` : '';
    }
    case 'section': {
      if (isBlankRich(block.text)) return '';
      return `<p>${renderRich(block.text, options)}</p>`;
    }
    case 'context': {
      if (isBlankRich(block.text)) return '';
      return `<p class="po-context">${renderRich(block.text, options)}</p>`;
    }
    case 'divider':
      return '<hr>';
    case 'fields': {
      const rows = block.fields
        .filter(({ label, value }) => label.trim() !== '' || !isBlankRich(value))
        .map(({ label, value }) => `<div><dt>${visible(label.trim())}</dt><dd>${renderRich(value, options)}</dd></div>`);
      return rows.length > 0 ? `<dl class="po-fields">${rows.join('')}</dl>` : '';
    }
    case 'list': {
      const items = block.items.filter((item) => !isBlankRich(item)).map((item) => `<li>${renderRich(item, options)}</li>`);
      return items.length > 0 ? `<ul class="po-list">${items.join('')}</ul>` : '';
    }
    case 'actions': {
      if (block.buttons.length === 0) return '';
      return `<div class="po-actions" role="group" aria-label="Actions">${block.buttons.map(renderButton).join('')}</div>`;
    }
  }
}

function renderButton(button: Button): string {
  const classes = ['po-button', ...(button.style === 'primary' ? ['po-primary'] : button.style === 'danger' ? ['po-danger'] : [])];
  const confirm = button.confirm
    ? JSON.stringify({
        title: button.confirm.title,
        text: button.confirm.text,
        confirmLabel: button.confirm.confirmLabel,
        denyLabel: button.confirm.denyLabel,
      })
    : undefined;
  const label = button.label.trim() || button.actionId;
  return (
    `<button type="button" class="${classes.join(' ')}" data-action-id="${escapeHtml(button.actionId)}" data-value="${escapeHtml(button.value)}"` +
    (button.opensForm ? ' data-opens-form aria-haspopup="dialog"' : '') +
    (confirm !== undefined ? ` data-confirm='${escapeHtml(confirm)}'` : '') +
    `>${visible(label)}</button>`
  );
}

// ---------------------------------------------------------------------------------------------
// Forms
// ---------------------------------------------------------------------------------------------

/**
 * The labelled inputs of a form, without a `<form>` wrapper, title or submit button (the playground shows
 * those from the FormView). Each input's `name` is its id, so the browser can post `{ [input id]: value }`.
 * Every input has an empty, hidden error placeholder `<p class="po-field-error" data-error-for="<id>">`
 * (referenced by its aria-describedby), and one with `data-error-for=""` at the top is for the whole form.
 *
 * Selects (and the people picker of a `user` input) start with an empty option when the input is optional
 * ("(none)") or has no valid initial value ("Choose…"; with `required`, the browser refuses to submit it).
 * An initial value that is not one of the options is ignored, as on Slack and Teams.
 */
export function renderHtmlForm(form: Form, options: { people: { id: string; name: string }[] }): string {
  const formError = '<p class="po-field-error" data-error-for="" hidden></p>';
  return formError + form.inputs.map((input) => renderInput(input, options.people)).join('');
}

function renderInput(input: Input, people: { id: string; name: string }[]): string {
  const dom = domId(input.id);
  const controlId = `po-input-${dom}`;
  const hintId = `po-hint-${dom}`;
  const errorId = `po-error-${dom}`;
  const hint = input.hint?.trim() ?? '';
  const describedBy = hint ? `${hintId} ${errorId}` : errorId;
  const common =
    `id="${escapeHtml(controlId)}" name="${escapeHtml(input.id)}"` +
    (input.required ? ' required' : '') +
    ` aria-describedby="${escapeHtml(describedBy)}"`;

  const label =
    `<label for="${escapeHtml(controlId)}">${visible(input.label.trim() || input.id)}` +
    (input.required ? '' : ' <span class="po-optional">(optional)</span>') +
    '</label>';
  return (
    '<div class="po-field">' +
    label +
    renderControl(input, common, people) +
    (hint ? `<p class="po-hint" id="${escapeHtml(hintId)}">${visible(hint)}</p>` : '') +
    `<p class="po-field-error" data-error-for="${escapeHtml(input.id)}" id="${escapeHtml(errorId)}" hidden></p>` +
    '</div>'
  );
}

function renderControl(input: Input, common: string, people: { id: string; name: string }[]): string {
  switch (input.type) {
    case 'text': {
      const maxLength =
        input.maxLength !== undefined && Number.isFinite(input.maxLength) ? Math.max(1, Math.floor(input.maxLength)) : undefined;
      const attributes =
        common +
        (maxLength !== undefined ? ` maxlength="${maxLength}"` : '') +
        (input.placeholder?.trim() ? ` placeholder="${escapeHtml(input.placeholder.trim())}"` : '');
      if (input.multiline) {
        // The parser drops one newline right after <textarea>: this one, so an initial newline survives.
        return `<textarea ${attributes}>\n${escapeHtml(input.initial ?? '')}</textarea>`;
      }
      return `<input type="text" ${attributes}${input.initial ? ` value="${escapeHtml(input.initial)}"` : ''}>`;
    }
    case 'select':
      return renderSelect(common, input.options, input.initial, input.required);
    case 'user':
      return renderSelect(
        common,
        people.map((p) => ({ value: p.id, label: p.name })),
        input.initial,
        input.required,
      );
    case 'date': {
      const initial = input.initial !== undefined && isIsoDate(input.initial) ? input.initial : undefined;
      return `<input type="date" ${common}${initial ? ` value="${initial}"` : ''}>`;
    }
    case 'time': {
      const initial = input.initial !== undefined && isClockTime(input.initial) ? input.initial : undefined;
      return `<input type="time" ${common}${initial ? ` value="${initial}"` : ''}>`;
    }
  }
}

function renderSelect(common: string, options: { value: string; label: string }[], initial: string | undefined, required: boolean | undefined): string {
  const selected = initial !== undefined && options.some((o) => o.value === initial) ? initial : undefined;
  let chosen = false;
  const rendered = options.map((o) => {
    // Only the first option with the initial value is selected, should two share it.
    const isSelected = !chosen && o.value === selected;
    chosen ||= isSelected;
    return `<option value="${escapeHtml(o.value)}"${isSelected ? ' selected' : ''}>${visible(o.label.trim() || o.value)}</option>`;
  });
  const empty = !required ? '<option value="">(none)</option>' : selected === undefined ? '<option value="">Choose…</option>' : '';
  return `<select ${common}>${empty}${rendered.join('')}</select>`;
}

/** An input id as it may appear in a DOM id (no whitespace), one to one: whitespace and `%` are %-encoded. */
function domId(id: string): string {
  return id.replace(/[\s%]/gu, (c) => encodeURIComponent(c));
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

const STYLE_TAGS: Record<TextStyle, string> = { bold: 'strong', italic: 'em', code: 'code' };

function renderRich(spans: Rich, options: HtmlOptions): string {
  return spans.map((span) => renderSpan(span, options)).join('');
}

function renderSpan(span: Span, options: HtmlOptions): string {
  switch (span.type) {
    case 'text': {
      const text = visible(span.text);
      const tag = span.style === undefined ? undefined : STYLE_TAGS[span.style];
      return tag ? `<${tag}>${text}</${tag}>` : text;
    }
    case 'user': {
      const name = userName(span, options);
      return `<span class="po-mention" data-user-id="${escapeHtml(span.userId)}">${visible(`@${name}`)}</span>`;
    }
    case 'channel': {
      const name = channelName(span, options);
      return `<span class="po-channel" data-channel-id="${escapeHtml(span.channelId)}">${visible(`#${name}`)}</span>`;
    }
    case 'link': {
      const label = span.label.replace(/\s+/g, ' ').trim();
      if (PAGE_MESSAGE_HREF.test(span.url)) {
        return `<a href="${escapeHtml(span.url)}" class="po-message-link">${visible(label || 'the message')}</a>`;
      }
      const url = safeUrl(span.url);
      if (url === null) {
        // Not a link we are willing to emit: show it as literal text so nothing is hidden.
        return visible(label && label !== span.url ? `${label} (${span.url})` : span.url);
      }
      return `<a href="${escapeHtml(url)}" rel="noopener noreferrer" target="_blank">${visible(label || url)}</a>`;
    }
    case 'messageLink':
      return visible(span.label);
    case 'date':
      return renderDate(span.at, span.timeZone, options.timeZone);
  }
}

function userName(span: Extract<Span, { type: 'user' }>, options: HtmlOptions): string {
  return span.name?.trim() || options.names.user(span.userId)?.trim() || span.userId;
}

function channelName(span: Extract<Span, { type: 'channel' }>, options: HtmlOptions): string {
  return span.name?.trim() || options.names.channel(span.channelId)?.trim() || span.channelId;
}

/** Text shown to people: broadcast words defused, escaped, line breaks as `<br>`. */
function visible(text: string): string {
  return escapeHtml(defuseBroadcasts(text)).replace(/\r\n|\r|\n/g, '<br>');
}

const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** A same-page link to a playground message: nothing but a channel id and a message id. */
const PAGE_MESSAGE_HREF = /^#c=[A-Za-z0-9_-]{1,100}&m=[0-9]{1,18}$/;

/**
 * The link the playground page follows to one of its messages (it opens the channel and shows the
 * message), or undefined for ids that cannot be written safely in one.
 */
export function playgroundMessageHref(channelId: string, messageId: string): string | undefined {
  const href = `#c=${channelId}&m=${messageId}`;
  return PAGE_MESSAGE_HREF.test(href) ? href : undefined;
}

/** The URL, normalised, if it is an absolute http(s) URL with a host or a mailto: URL; else null. */
function safeUrl(raw: string): string | null {
  return allowedUrl(raw, LINK_PROTOCOLS)?.href ?? null;
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

const DATE_FORMAT: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
};

/**
 * `<time datetime="2026-11-23T08:30:00.000Z" title="Europe/Berlin">Mon 23 Nov 2026, 09:30 CET</time>`, in the
 * span's zone, else the viewer's, else UTC (an unknown zone falls through to the next).
 */
function renderDate(value: Date | string, spanZone: string | undefined, viewerZone: string): string {
  const at = instantOf(value);
  if (!at) return 'an invalid date';
  const inSpanZone = zonedDateParts(at, spanZone, DATE_FORMAT);
  const { parts, timeZone } = inSpanZone.inZone ? inSpanZone : zonedDateParts(at, viewerZone, DATE_FORMAT);
  const text =
    `${parts.get('weekday')} ${parts.get('day')} ${parts.get('month')} ${parts.get('year')}, ` +
    `${parts.get('hour')}:${parts.get('minute')} ${parts.get('timeZoneName')}`;
  return `<time datetime="${escapeHtml(at.toISOString())}" title="${escapeHtml(timeZone)}">${escapeHtml(text)}</time>`;
}
