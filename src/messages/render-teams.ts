/**
 * Microsoft Teams renderer for the platform-neutral message model: Adaptive Cards 1.5, valid against the
 * official schema (test/fixtures/adaptive-cards/adaptive-card.1.5.0.schema.json), except for Teams' own
 * people picker on `user` inputs (`choices.data`, see renderTeamsFormCard).
 *
 * Safety: every text shown in a card — people's words and ours — is a `TextRun` inside a `RichTextBlock`,
 * or a plain string property (button title, input label, choice title). No `TextBlock` and no `FactSet`:
 * Teams parses Markdown in TextBlock text and in Fact titles and values. The schema says TextRun text is
 * not Markdown, and the renderers set it as plain text (AdaptiveCards JS: `innerText`), so a typed
 * `**bold**`, `[x](http://evil)`, `<at>Pat</at>` or `@channel` stays literal without any escaping. The one
 * syntax renderers still expand in TextRun text is `{{DATE(…)}}` / `{{TIME(…)}}`: a WORD JOINER (U+2060)
 * between the braces keeps a typed one literal. Styles, links and dates come only from their own spans.
 *
 * Mentions: a Teams card mentions someone only through `msteams.entities`, which the official 1.5 schema
 * forbids (AdaptiveCard has additionalProperties: false). So a `user` span is the person's name in bold (no
 * notification), and a `channel` span is "#name". Teams has no broadcast words for text to trigger.
 *
 * Links: only http(s) URLs become links (a TextRun whose selectAction is Action.OpenUrl; some Teams builds have
 * shown such a run on a line of its own, microsoft/AdaptiveCards#9100); anything else is literal text.
 * Dates are formatted here, in the span's time zone ("Mon 23 Nov, 09:30"), or in UTC with " UTC" appended
 * when the span has none.
 *
 * Buttons: a plain button is an `Action.Execute` (verb = actionId, data.po = { action, value }), which Teams
 * sends as an `adaptiveCard/action` invoke; a button that opens a form is an `Action.Submit` with
 * `msteams: { type: 'task/fetch' }`, which Teams sends as `task/fetch` and answers with a dialog. Read both
 * back with `readTeamsAction`. Adaptive Cards cannot ask for confirmation, so `Button.confirm` is dropped: an
 * action that needs one must show a second card or a form. Teams' app guidelines allow up to six actions on a
 * card, so a longer row is split into ActionSets of six.
 *
 * Limits: Teams rejects a card over about 28 KB. Text written by people is truncated with "…" at the
 * per-element limits below; if the whole card is still too large, list items are cut (last list first) and
 * then trailing blocks other than buttons are dropped, with an "…and N more" line in their place.
 * Identifiers and state (action ids, button values, callback ids, metadata, input ids, option values) are
 * never cut: an over-long one throws a TeamsRenderError, as does a card that cannot be made small enough.
 */
import type { Block, Button, Form, FormValues, Input, Message, Rich, Span } from './model.js';
import {
  allowedUrl,
  chunk,
  cut,
  ELLIPSIS,
  instantOf,
  isBlankRich,
  isClockTime,
  isIsoDate,
  isRecord,
  RenderError,
  truncate,
  WORD_JOINER,
  zonedDateParts,
} from './render-common.js';

// ---------------------------------------------------------------------------------------------
// The Adaptive Card subset this renderer emits
// ---------------------------------------------------------------------------------------------

export type CardSpacing = 'none' | 'small' | 'default' | 'medium' | 'large';

interface ElementBase {
  separator?: boolean;
  spacing?: CardSpacing;
}

export interface OpenUrlAction {
  type: 'Action.OpenUrl';
  url: string;
}

export interface TextRun {
  type: 'TextRun';
  text: string;
  weight?: 'bolder';
  italic?: boolean;
  fontType?: 'monospace';
  size?: 'small' | 'medium' | 'large';
  isSubtle?: boolean;
  color?: 'attention';
  selectAction?: OpenUrlAction;
}

export interface RichTextBlock extends ElementBase {
  type: 'RichTextBlock';
  inlines: TextRun[];
}

export interface Container extends ElementBase {
  type: 'Container';
  items: CardElement[];
}

export interface Column {
  type: 'Column';
  width: number;
  items: CardElement[];
}

export interface ColumnSet extends ElementBase {
  type: 'ColumnSet';
  columns: Column[];
}

/** What a button or a form submission carries back, under the `po` key of the action data. */
export type TeamsActionPayload = { action: string; value: string } | { form: string; metadata?: string };

export interface ExecuteAction {
  type: 'Action.Execute';
  title: string;
  verb: string;
  data: { po: TeamsActionPayload };
  style?: 'positive' | 'destructive';
}

export interface SubmitAction {
  type: 'Action.Submit';
  title: string;
  data: { msteams?: { type: 'task/fetch' }; po: TeamsActionPayload };
  style?: 'positive' | 'destructive';
}

export type CardAction = ExecuteAction | SubmitAction;

export interface ActionSet extends ElementBase {
  type: 'ActionSet';
  actions: CardAction[];
}

interface InputBase extends ElementBase {
  id: string;
  label: string;
  isRequired?: boolean;
  errorMessage?: string;
}

export interface TextInput extends InputBase {
  type: 'Input.Text';
  isMultiline?: boolean;
  maxLength?: number;
  placeholder?: string;
  value?: string;
}

export interface ChoiceSetInput extends InputBase {
  type: 'Input.ChoiceSet';
  style: 'compact';
  choices: { title: string; value: string }[];
  /** Teams' people picker: choices found as the person types, in the organisation's directory. */
  'choices.data'?: { type: 'Data.Query'; dataset: 'graph.microsoft.com/users' };
  placeholder?: string;
  value?: string;
}

export interface DateInput extends InputBase {
  type: 'Input.Date';
  value?: string;
}

export interface TimeInput extends InputBase {
  type: 'Input.Time';
  value?: string;
}

export type CardInput = TextInput | ChoiceSetInput | DateInput | TimeInput;

export type CardElement = RichTextBlock | Container | ColumnSet | ActionSet | CardInput;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  version: '1.5';
  body: CardElement[];
  actions?: CardAction[];
}

/**
 * The limits this renderer enforces. Lengths are in UTF-16 code units, the card size in UTF-8 bytes of its
 * JSON. Teams documents the card size (~28 KB) and shows 6 actions per set; it documents no text lengths, so
 * the text limits are ours, to keep one field from eating the card. The identifier limits equal Slack's, so
 * a message that renders on one platform renders on the other.
 */
export const TEAMS_LIMITS = {
  cardBytes: 28_000,
  actionsPerSet: 6,
  headerText: 250,
  sectionText: 3000,
  contextText: 1000,
  fieldLabel: 200,
  fieldValue: 2000,
  listItem: 1000,
  buttonTitle: 75,
  summaryText: 200,
  formTitle: 250,
  inputLabel: 500,
  inputHint: 500,
  inputError: 500,
  placeholder: 150,
  choiceTitle: 150,
  actionId: 255,
  buttonValue: 2000,
  callbackId: 255,
  metadata: 3000,
  inputId: 255,
  optionValue: 150,
} as const;

export type TeamsRenderErrorCode = 'teams_limit_exceeded' | 'teams_invalid_value';

/** A message or form that cannot be rendered on Teams without losing data: a programming error, not user input. */
export class TeamsRenderError extends RenderError<TeamsRenderErrorCode> {
  override readonly name = 'TeamsRenderError';
}

const SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
/** Keys of the action data that belong to po-desk and Teams; an input id must not take them. */
const RESERVED_INPUT_IDS = new Set(['po', 'msteams']);
const USER_INPUT_PLACEHOLDER = 'Type a name';
/** An Azure AD object id: what Teams' people picker submits, and what po-desk calls a Teams person. */
const AAD_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type RunStyle = Omit<TextRun, 'type' | 'text' | 'selectAction'>;

const CONTEXT_STYLE: RunStyle = { size: 'small', isSubtle: true };

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/**
 * A block as rendered, before the card is fitted into its size limit. Dividers produce no piece: they put a
 * separator on the next one. A list keeps its item elements, so it can be cut down to fewer items.
 */
interface Piece {
  kind: 'actions' | 'list' | 'other';
  separator: boolean;
  element: CardElement;
  items?: RichTextBlock[];
}

/** Render a message as an Adaptive Card (the `content` of an `application/vnd.microsoft.card.adaptive` attachment). */
export function renderTeamsCard(message: Message): AdaptiveCard {
  const pieces: Piece[] = [];
  let separator = false;
  for (const block of message.blocks) {
    if (block.type === 'divider') {
      separator = pieces.length > 0;
      continue;
    }
    const piece = renderBlock(block);
    if (!piece) continue;
    pieces.push({ ...piece, separator });
    separator = false;
  }
  return fitCard(pieces);
}

function renderBlock(block: Exclude<Block, { type: 'divider' }>): Omit<Piece, 'separator'> | undefined {
  switch (block.type) {
    case 'header': {
      const inlines = runs([{ type: 'text', text: block.text.trim() }], TEAMS_LIMITS.headerText, { size: 'large', weight: 'bolder' });
      return inlines.length > 0 ? { kind: 'other', element: richText(inlines) } : undefined;
    }
    case 'section': {
      const inlines = runs(block.text, TEAMS_LIMITS.sectionText);
      return inlines.length > 0 ? { kind: 'other', element: richText(inlines) } : undefined;
    }
    case 'context': {
      const inlines = runs(block.text, TEAMS_LIMITS.contextText, CONTEXT_STYLE);
      return inlines.length > 0 ? { kind: 'other', element: richText(inlines) } : undefined;
    }
    case 'fields': {
      // Label and value side by side, like a FactSet, which cannot be used: Teams parses Markdown in facts.
      const rows = block.fields.flatMap(({ label, value }): CardElement[] => {
        const labelRuns = runs([{ type: 'text', text: label.trim() }], TEAMS_LIMITS.fieldLabel, { weight: 'bolder' });
        const valueRuns = runs(value, TEAMS_LIMITS.fieldValue);
        if (labelRuns.length === 0) return valueRuns.length > 0 ? [richText(valueRuns)] : [];
        const columns: Column[] = [
          { type: 'Column', width: 1, items: [richText(labelRuns)] },
          { type: 'Column', width: 2, items: valueRuns.length > 0 ? [richText(valueRuns)] : [] },
        ];
        return [{ type: 'ColumnSet', columns }];
      });
      if (rows.length === 0) return undefined;
      return { kind: 'other', element: { type: 'Container', items: spaced(rows, 'small') } };
    }
    case 'list': {
      const items = block.items
        .filter((item) => !isBlankRich(item))
        .map((item) => richText(runs([{ type: 'text', text: '• ' }, ...item], TEAMS_LIMITS.listItem)));
      if (items.length === 0) return undefined;
      return { kind: 'list', element: listContainer(items, 0), items };
    }
    case 'actions': {
      if (block.buttons.length === 0) return undefined;
      const sets: ActionSet[] = chunk(block.buttons.map(renderButton), TEAMS_LIMITS.actionsPerSet).map((actions) => ({
        type: 'ActionSet',
        actions,
      }));
      const element: CardElement = sets.length === 1 && sets[0] ? sets[0] : { type: 'Container', items: sets };
      return { kind: 'actions', element };
    }
  }
}

function renderButton(button: Button): CardAction {
  checkId('Button actionId', button.actionId, TEAMS_LIMITS.actionId);
  if (button.value.length > TEAMS_LIMITS.buttonValue) {
    throw new TeamsRenderError(
      'teams_limit_exceeded',
      `Button "${button.actionId}" value is ${button.value.length} chars; po-desk allows ${TEAMS_LIMITS.buttonValue}. Store the state and pass its id.`,
    );
  }
  const title = humanText(button.label.trim(), TEAMS_LIMITS.buttonTitle);
  if (!title) throw new TeamsRenderError('teams_invalid_value', `Button "${button.actionId}" has no label`);
  const style = button.style === 'primary' ? 'positive' : button.style === 'danger' ? 'destructive' : undefined;
  const po = { action: button.actionId, value: button.value };
  // `button.confirm` is dropped: Adaptive Cards have no confirmation dialog (see the header comment).
  if (button.opensForm) {
    return { type: 'Action.Submit', title, data: { msteams: { type: 'task/fetch' }, po }, ...(style ? { style } : {}) };
  }
  return { type: 'Action.Execute', title, verb: button.actionId, data: { po }, ...(style ? { style } : {}) };
}

function listContainer(items: RichTextBlock[], more: number): Container {
  const shown: CardElement[] = [...items];
  if (more > 0) shown.push(moreLine(more));
  return { type: 'Container', items: spaced(shown, 'small') };
}

function moreLine(more: number): RichTextBlock {
  return richText([{ type: 'TextRun', text: `${ELLIPSIS}and ${more} more`, ...CONTEXT_STYLE }]);
}

/**
 * Assemble the card within `TEAMS_LIMITS.cardBytes`: first as is; then cutting list items, the last list
 * first; then dropping trailing blocks other than buttons, replaced by one "…and N more" line.
 */
function fitCard(pieces: Piece[]): AdaptiveCard {
  const keepItems = new Map<number, number>();
  const dropped = new Set<number>();
  const build = () => card(assemble(pieces, keepItems, dropped));
  let result = build();
  if (fits(result)) return result;

  const lists = pieces.flatMap((p, i) => (p.kind === 'list' ? [i] : [])).reverse();
  for (const index of lists) {
    const total = pieces[index]?.items?.length ?? 0;
    // The largest number of items that fits, or 0 ("…and N more" alone) before moving to the previous list.
    let lo = 0;
    let hi = total - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      keepItems.set(index, mid);
      if (fits(build())) lo = mid;
      else hi = mid - 1;
    }
    keepItems.set(index, lo);
    result = build();
    if (fits(result)) return result;
  }

  for (let index = pieces.length - 1; index >= 0; index--) {
    if (pieces[index]?.kind === 'actions') continue;
    dropped.add(index);
    result = build();
    if (fits(result)) return result;
  }
  throw new TeamsRenderError(
    'teams_limit_exceeded',
    `The card is ${cardBytes(result)} bytes with only its buttons left; Teams allows about ${TEAMS_LIMITS.cardBytes}. Use fewer buttons or shorter values.`,
  );
}

function assemble(pieces: Piece[], keepItems: Map<number, number>, dropped: Set<number>): CardElement[] {
  const body: CardElement[] = [];
  const droppedCount = dropped.size;
  let noted = false;
  pieces.forEach((piece, index) => {
    if (dropped.has(index)) {
      // The dropped pieces are the last ones other than buttons: one note where the first of them was.
      if (!noted) body.push(withSeparator(moreLine(droppedCount), piece.separator));
      noted = true;
      return;
    }
    const keep = keepItems.get(index);
    const element = keep !== undefined && piece.items ? listContainer(piece.items.slice(0, keep), piece.items.length - keep) : piece.element;
    body.push(withSeparator(element, piece.separator));
  });
  return body;
}

function card(body: CardElement[], actions?: CardAction[]): AdaptiveCard {
  return { type: 'AdaptiveCard', $schema: SCHEMA, version: '1.5', body, ...(actions ? { actions } : {}) };
}

function cardBytes(c: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(c), 'utf8');
}

function fits(c: AdaptiveCard): boolean {
  return cardBytes(c) <= TEAMS_LIMITS.cardBytes;
}

function withSeparator<T extends CardElement>(element: T, separator: boolean): T {
  return separator ? { ...element, separator: true } : element;
}

/**
 * A short plain-text summary of the message (the activity's `summary`, shown in notifications): the first
 * block with text, whitespace collapsed, at most `TEAMS_LIMITS.summaryText` chars. Plain text, not escaped:
 * if it is ever sent as an activity's `text`, send it with `textFormat: 'plain'`.
 */
export function renderTeamsText(message: Message): string {
  for (const block of message.blocks) {
    const text = plainText(blockSpans(block)).replace(/\s+/g, ' ').trim();
    if (text) return truncate(text, TEAMS_LIMITS.summaryText);
  }
  return '';
}

function blockSpans(block: Block): Rich {
  switch (block.type) {
    case 'header':
      return [{ type: 'text', text: block.text }];
    case 'section':
    case 'context':
      return block.text;
    case 'fields':
      return block.fields.flatMap((f) => [{ type: 'text' as const, text: f.label ? ` ${f.label}: ` : ' ' }, ...f.value]);
    case 'list':
      return block.items.flatMap((item) => [{ type: 'text' as const, text: ' • ' }, ...item]);
    case 'divider':
    case 'actions':
      return [];
  }
}

function plainText(spans: Rich): string {
  return spans.map((span) => toRun(span, {}).text).join('');
}

// ---------------------------------------------------------------------------------------------
// Forms
// ---------------------------------------------------------------------------------------------

/**
 * Render a form as a card: for a Teams dialog (the `task/fetch` answer) or inline in a conversation. Its one
 * Action.Submit carries `po: { form: callbackId, metadata }`; Teams puts every input's value next to it.
 *
 * `errors` (input id → message, from a rejected submission) are shown under their inputs in the attention
 * colour; errors for ids that are not inputs are shown under the title. A `user` input is Teams' people
 * picker: an Input.ChoiceSet whose `choices.data` queries the organisation's directory
 * (learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/people-picker). It submits the
 * picked person's Azure AD object id, which is how po-desk names a Teams person, and an `initial` AAD id
 * pre-selects that person. `choices.data` is a Teams extension of Input.ChoiceSet (Teams documents it for
 * cards from version 1.2; the Adaptive Card schema only gained it in 1.6), the one property outside the
 * 1.5 schema po-desk emits; clients without it show an empty drop-down.
 */
export function renderTeamsFormCard(form: Form, errors: Record<string, string> = {}): AdaptiveCard {
  checkId('Form callbackId', form.callbackId, TEAMS_LIMITS.callbackId);
  if (form.metadata !== undefined && form.metadata.length > TEAMS_LIMITS.metadata) {
    throw new TeamsRenderError(
      'teams_limit_exceeded',
      `Form "${form.callbackId}" metadata is ${form.metadata.length} chars; po-desk allows ${TEAMS_LIMITS.metadata}. Store the state and pass its id.`,
    );
  }
  const ids = new Set<string>();
  for (const input of form.inputs) {
    checkId(`Input id of form "${form.callbackId}"`, input.id, TEAMS_LIMITS.inputId);
    if (RESERVED_INPUT_IDS.has(input.id)) {
      throw new TeamsRenderError('teams_invalid_value', `Form "${form.callbackId}" input id "${input.id}" is reserved for the action data`);
    }
    if (ids.has(input.id)) throw new TeamsRenderError('teams_invalid_value', `Form "${form.callbackId}" has two inputs with id "${input.id}"`);
    ids.add(input.id);
  }

  const body: CardElement[] = [];
  const title = runs([{ type: 'text', text: form.title.trim() }], TEAMS_LIMITS.formTitle, { size: 'medium', weight: 'bolder' });
  if (title.length > 0) body.push(richText(title));
  for (const [id, text] of Object.entries(errors)) {
    if (!ids.has(id)) body.push(...errorLine(text));
  }
  for (const input of form.inputs) {
    body.push(renderInput(input));
    if (input.hint?.trim()) body.push({ ...richText(runs([{ type: 'text', text: input.hint.trim() }], TEAMS_LIMITS.inputHint, CONTEXT_STYLE)), spacing: 'small' });
    const error = errors[input.id];
    if (error !== undefined) body.push(...errorLine(error));
  }

  const po = { form: form.callbackId, ...(form.metadata !== undefined ? { metadata: form.metadata } : {}) };
  const submitTitle = humanText(form.submitLabel.trim(), TEAMS_LIMITS.buttonTitle) || 'Submit';
  const result = card(body, [{ type: 'Action.Submit', title: submitTitle, style: 'positive', data: { po } }]);
  if (!fits(result)) {
    throw new TeamsRenderError(
      'teams_limit_exceeded',
      `Form "${form.callbackId}" renders to ${cardBytes(result)} bytes; Teams allows about ${TEAMS_LIMITS.cardBytes}. Use fewer inputs or options.`,
    );
  }
  return result;
}

function errorLine(text: string): RichTextBlock[] {
  const inlines = runs([{ type: 'text', text: text.trim() }], TEAMS_LIMITS.inputError, { size: 'small', color: 'attention' });
  return inlines.length > 0 ? [{ ...richText(inlines), spacing: 'small' }] : [];
}

function renderInput(input: Input): CardInput {
  const label = humanText(input.label.trim(), TEAMS_LIMITS.inputLabel);
  const base = {
    id: input.id,
    label,
    ...(input.required ? { isRequired: true, errorMessage: humanText(`${input.label.trim() || 'This field'} is required`, TEAMS_LIMITS.inputError) } : {}),
  };
  switch (input.type) {
    case 'text': {
      const maxLength = input.maxLength === undefined ? undefined : Math.max(1, Math.floor(input.maxLength));
      return {
        type: 'Input.Text',
        ...base,
        ...(input.multiline ? { isMultiline: true } : {}),
        ...(maxLength !== undefined ? { maxLength } : {}),
        ...(input.placeholder?.trim() ? { placeholder: humanText(input.placeholder.trim(), TEAMS_LIMITS.placeholder) } : {}),
        ...(input.initial ? { value: maxLength !== undefined ? truncate(input.initial, maxLength) : input.initial } : {}),
      };
    }
    case 'select': {
      if (input.options.length === 0) throw new TeamsRenderError('teams_invalid_value', `Select input "${input.id}" has no options`);
      const choices = input.options.map((o) => {
        checkId(`Option value of select "${input.id}"`, o.value, TEAMS_LIMITS.optionValue);
        return { title: humanText(o.label, TEAMS_LIMITS.choiceTitle) || o.value, value: o.value };
      });
      const initial = input.initial !== undefined && choices.some((c) => c.value === input.initial) ? input.initial : undefined;
      return { type: 'Input.ChoiceSet', ...base, style: 'compact', choices, placeholder: 'Choose…', ...(initial !== undefined ? { value: initial } : {}) };
    }
    case 'date':
      if (input.initial !== undefined && !isIsoDate(input.initial)) {
        throw new TeamsRenderError('teams_invalid_value', `Date input "${input.id}" initial must be YYYY-MM-DD, got "${input.initial}"`);
      }
      return { type: 'Input.Date', ...base, ...(input.initial ? { value: input.initial } : {}) };
    case 'time':
      if (input.initial !== undefined && !isClockTime(input.initial)) {
        throw new TeamsRenderError('teams_invalid_value', `Time input "${input.id}" initial must be HH:MM, got "${input.initial}"`);
      }
      return { type: 'Input.Time', ...base, ...(input.initial ? { value: input.initial } : {}) };
    case 'user':
      return {
        type: 'Input.ChoiceSet',
        ...base,
        style: 'compact',
        choices: [],
        'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
        placeholder: USER_INPUT_PLACEHOLDER,
        ...(input.initial !== undefined && AAD_OBJECT_ID.test(input.initial) ? { value: input.initial } : {}),
      };
  }
}

/**
 * Read a submitted form back into `{ [input.id]: value | null }`: trimmed strings, null when empty, missing
 * or not a string. `data` is the object holding the inputs next to `po` (an Action.Submit message's `value`,
 * a task/submit invoke's `value.data`); the Teams wrappers `readTeamsAction` accepts are unwrapped too.
 * Required-ness is not checked here (Teams checks it in the card; use cases validate again).
 */
export function readTeamsFormValues(form: Form, data: Record<string, unknown>): FormValues {
  const holder = findActionData(data) ?? data;
  const values: FormValues = {};
  for (const input of form.inputs) {
    const raw = holder[input.id];
    values[input.id] = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : null;
  }
  return values;
}

export type TeamsAction =
  | { kind: 'action'; actionId: string; value: string }
  | { kind: 'form'; callbackId: string; metadata: string | undefined };

/**
 * What a click or a submission was about, from the `po` payload the renderer put in the action data.
 * Accepts the data object itself (an Action.Submit message's `value`) or Teams' invoke values around it:
 * `adaptiveCard/action` (`{ action: { verb, data } }`) and `task/fetch` / `task/submit` (`{ data, context }`).
 * Anything else — not ours, from an older card, or malformed — is undefined; it never throws.
 */
export function readTeamsAction(data: unknown): TeamsAction | undefined {
  const po = findActionData(data)?.po;
  if (!isRecord(po)) return undefined;
  const { action, value, form, metadata } = po;
  if (action !== undefined && form !== undefined) return undefined;
  if (typeof action === 'string' && action !== '' && typeof value === 'string') return { kind: 'action', actionId: action, value };
  if (typeof form === 'string' && form !== '' && (metadata === undefined || typeof metadata === 'string')) {
    return { kind: 'form', callbackId: form, metadata };
  }
  return undefined;
}

/** The object carrying `po`: `value` itself, `value.data`, or `value.action.data`. */
function findActionData(value: unknown): Record<string, unknown> | undefined {
  if (!isRecord(value)) return undefined;
  if (isRecord(value.po)) return value;
  if (isRecord(value.data) && isRecord(value.data.po)) return value.data;
  const action = value.action;
  if (isRecord(action) && isRecord(action.data) && isRecord(action.data.po)) return action.data;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

/**
 * Rich text as TextRuns of at most `limit` chars in all; none when it is blank (`isBlankRich`). When it does
 * not fit, whole runs are kept while they fit, the next one is cut (a link keeps its URL, only its label is
 * cut), and "…" ends the text.
 */
function runs(spans: Rich, limit: number, base: RunStyle = {}): TextRun[] {
  if (isBlankRich(spans)) return [];
  const all = spans.map((span) => toRun(span, base)).filter((run) => run.text !== '');
  const length = all.reduce((n, run) => n + run.text.length, 0);
  if (length <= limit) return all;
  const budget = limit - ELLIPSIS.length;
  const out: TextRun[] = [];
  let used = 0;
  for (const run of all) {
    if (used + run.text.length <= budget) {
      out.push(run);
      used += run.text.length;
      continue;
    }
    const text = cut(run.text, budget - used);
    if (text) out.push({ ...run, text });
    break;
  }
  const last = out[out.length - 1];
  if (last && !last.selectAction) out[out.length - 1] = { ...last, text: last.text + ELLIPSIS };
  else out.push({ type: 'TextRun', text: ELLIPSIS, ...base });
  return out;
}

function toRun(span: Span, base: RunStyle): TextRun {
  switch (span.type) {
    case 'text': {
      const style: RunStyle =
        span.style === 'bold' ? { weight: 'bolder' } : span.style === 'italic' ? { italic: true } : span.style === 'code' ? { fontType: 'monospace' } : {};
      return { type: 'TextRun', text: literal(span.text), ...base, ...style };
    }
    case 'user':
      return { type: 'TextRun', text: literal(span.name?.trim() || 'someone'), ...base, weight: 'bolder' };
    case 'channel':
      return { type: 'TextRun', text: span.name?.trim() ? literal(`#${span.name.trim()}`) : 'this channel', ...base };
    case 'link': {
      const label = span.label.replace(/\s+/g, ' ').trim();
      const url = httpUrl(span.url);
      if (url === null) {
        // Not a link we are willing to emit: show it as literal text so nothing is hidden.
        return { type: 'TextRun', text: literal(label && label !== span.url ? `${label} (${span.url})` : span.url), ...base };
      }
      return { type: 'TextRun', text: literal(label || url), ...base, selectAction: { type: 'Action.OpenUrl', url } };
    }
    case 'messageLink':
      return { type: 'TextRun', text: literal(span.label), ...base };
    case 'date':
      return { type: 'TextRun', text: formatDate(span.at, span.timeZone), ...base };
  }
}

const HTTP = new Set(['http:', 'https:']);

/** The URL if it is an absolute http(s) URL with a host, normalised (so it is a valid `uri-reference`), else null. */
function httpUrl(raw: string): string | null {
  const url = allowedUrl(raw, HTTP);
  if (!url) return null;
  // WHATWG URLs keep a few characters RFC 3986 does not allow (such as "|", "^", "`", "{", "}"): encode them.
  return url.href.replace(/[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/g, (c) => encodeURIComponent(c));
}

/** Text exactly as typed, except that the `{{DATE(…)}}` / `{{TIME(…)}}` card functions are defused. */
function literal(text: string): string {
  return text.replace(/\{\{(?=(?:DATE|TIME)\()/gi, `{${WORD_JOINER}{`);
}

/** A plain string property (title, label, choice): defused and cut to `max`. */
function humanText(text: string, max: number): string {
  return truncate(literal(text), max);
}

const DATE_FORMAT: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };

/** "Mon 23 Nov, 09:30" in `timeZone`; in UTC with " UTC" appended when it is missing or unknown. */
function formatDate(value: Date | string, timeZone: string | undefined): string {
  const at = instantOf(value);
  if (!at) return 'an invalid date';
  const { parts, inZone } = zonedDateParts(at, timeZone, DATE_FORMAT);
  const text = `${parts.get('weekday')} ${parts.get('day')} ${parts.get('month')}, ${parts.get('hour')}:${parts.get('minute')}`;
  return inZone ? text : `${text} UTC`;
}

function richText(inlines: TextRun[]): RichTextBlock {
  return { type: 'RichTextBlock', inlines };
}

/** Give every element after the first the spacing `spacing`. */
function spaced(elements: CardElement[], spacing: CardSpacing): CardElement[] {
  return elements.map((e, i) => (i === 0 ? e : { ...e, spacing }));
}

function checkId(what: string, value: string, max: number): void {
  if (!value) throw new TeamsRenderError('teams_invalid_value', `${what} must not be empty`);
  if (value.length > max) {
    throw new TeamsRenderError('teams_limit_exceeded', `${what} "${value.slice(0, 40)}…" is ${value.length} chars; po-desk allows ${max}`);
  }
}

