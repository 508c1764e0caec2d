/**
 * A structural Block Kit check: the shapes and limits Slack enforces for the blocks, elements and views
 * po-desk sends (https://api.slack.com/reference/block-kit). Unknown keys fail too, so a typo cannot slip
 * through as "valid". The numbers are written out here, not taken from src/, so the renderer is checked
 * against Slack rather than against itself.
 *
 * Two rule sets: `SLACK` is what Slack itself refuses (FakeSlack answers with it), `OURS` adds what
 * po-desk's renderer promises on top (mrkdwn that never broadcasts, no lone surrogates, action ids unique
 * in the whole message, …), which the renderer's tests hold it to.
 */
import { expect } from 'vitest';

type Json = Record<string, unknown>;

export interface BlockKitRules {
  /** Also po-desk's own promises, beyond what Slack refuses. */
  ours: boolean;
}

export const SLACK: BlockKitRules = { ours: false };
export const OURS: BlockKitRules = { ours: true };

/** A rule that a value breaks, at a JSON pointer into it; the message reads like Slack's `[ERROR] …`. */
export class BlockKitError extends Error {
  constructor(
    readonly pointer: string,
    readonly problem: string,
  ) {
    super(`[ERROR] ${problem} [json-pointer:${pointer}]`);
    this.name = 'BlockKitError';
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function fail(at: string, problem: string): never {
  throw new BlockKitError(at, problem);
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, at: string, keys: readonly string[]): Json {
  if (!isObject(v)) fail(at, 'must be an object');
  for (const k of Object.keys(v)) if (!keys.includes(k)) fail(`${at}/${k}`, `unknown field "${k}"`);
  return v;
}

function str(v: unknown, at: string, max: number, rules: BlockKitRules, min = 1): string {
  if (typeof v !== 'string') fail(at, 'must be a string');
  if (v.length < min) fail(at, `must be at least ${min} characters`);
  if (v.length > max) fail(at, `must be less than ${max + 1} characters`);
  if (rules.ours && LONE_SURROGATE.test(v)) fail(at, 'has a lone surrogate');
  return v;
}

function list(v: unknown, at: string, max: number, min = 1): unknown[] {
  if (!Array.isArray(v)) fail(at, 'must be an array');
  if (v.length < min) fail(at, `must have at least ${min} items`);
  if (v.length > max) fail(at, `no more than ${max} items allowed`);
  return v;
}

function oneOf(v: unknown, at: string, allowed: readonly unknown[]): void {
  if (!allowed.includes(v)) fail(at, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
}

function textObject(v: unknown, at: string, max: number, rules: BlockKitRules, only?: 'plain_text' | 'mrkdwn'): Json {
  const o = obj(v, at, ['type', 'text', 'emoji', 'verbatim']);
  oneOf(o.type, `${at}/type`, only ? [only] : ['plain_text', 'mrkdwn']);
  const text = str(o.text, `${at}/text`, max, rules);
  if (text.trim().length === 0) fail(`${at}/text`, 'must not be blank');
  if (o.type === 'plain_text' && o.verbatim !== undefined) fail(`${at}/verbatim`, 'plain_text has no verbatim');
  if (o.type === 'mrkdwn' && o.emoji !== undefined) fail(`${at}/emoji`, 'mrkdwn has no emoji');
  if (o.type === 'mrkdwn' && rules.ours) safeMrkdwn(text, `${at}/text`);
  return o;
}

/** Every `<…>` in mrkdwn po-desk emits must be one of its own, complete tokens; nothing broadcasts. */
function safeMrkdwn(text: string, at: string): void {
  for (const token of text.match(/<[^>]*>?/g) ?? []) {
    const ours = /^<(@[UW][A-Z0-9]+|#[CGD][A-Z0-9]+|!date\^\d+\^\{date_short_pretty\} \{time\}\|[^<>]+|(https?|mailto|slack):[^<>|\s]+(\|[^<>]*)?)>$/;
    if (!ours.test(token)) fail(at, `has a token that is not ours: ${token}`);
  }
  if (/@(channel|here|everyone)/i.test(text)) fail(at, 'broadcasts');
  if (/&(?!amp;|lt;|gt;)/.test(text)) fail(at, 'has a broken entity');
}

function confirmObject(v: unknown, at: string, rules: BlockKitRules): void {
  const o = obj(v, at, ['title', 'text', 'confirm', 'deny', 'style']);
  textObject(o.title, `${at}/title`, 100, rules, 'plain_text');
  textObject(o.text, `${at}/text`, 300, rules);
  textObject(o.confirm, `${at}/confirm`, 30, rules, 'plain_text');
  textObject(o.deny, `${at}/deny`, 30, rules, 'plain_text');
  if (o.style !== undefined) oneOf(o.style, `${at}/style`, ['primary', 'danger']);
}

function button(v: unknown, at: string, actionIds: Set<string>, rules: BlockKitRules): void {
  const o = obj(v, at, ['type', 'action_id', 'text', 'value', 'style', 'confirm', 'url', 'accessibility_label']);
  oneOf(o.type, `${at}/type`, ['button']);
  const id = str(o.action_id, `${at}/action_id`, 255, rules);
  if (actionIds.has(id)) fail(`${at}/action_id`, `${id} is not unique`);
  actionIds.add(id);
  textObject(o.text, `${at}/text`, 75, rules, 'plain_text');
  if (o.value !== undefined) str(o.value, `${at}/value`, 2000, rules);
  if (o.style !== undefined) oneOf(o.style, `${at}/style`, ['primary', 'danger']);
  if (o.confirm !== undefined) confirmObject(o.confirm, `${at}/confirm`, rules);
}

function blockId(o: Json, at: string, blockIds: Set<string>, rules: BlockKitRules, required = false): void {
  if (o.block_id === undefined) {
    if (required) fail(`${at}/block_id`, 'missing required field: block_id');
    return;
  }
  const id = str(o.block_id, `${at}/block_id`, 255, rules);
  if (blockIds.has(id)) fail(`${at}/block_id`, `${id} is not unique`);
  blockIds.add(id);
}

/**
 * One block of a message (or of a view, which may show the same blocks). `actionIds` collects the
 * action ids Slack requires to be unique: per block for Slack, per message for po-desk.
 */
function messageBlock(v: unknown, at: string, ids: { blockIds: Set<string>; actionIds: Set<string> }, rules: BlockKitRules): void {
  if (!isObject(v)) fail(at, 'must be a block object');
  switch (v.type) {
    case 'header':
      textObject(obj(v, at, ['type', 'text', 'block_id']).text, `${at}/text`, 150, rules, 'plain_text');
      break;
    case 'section': {
      const o = obj(v, at, ['type', 'text', 'fields', 'block_id']);
      if (o.text === undefined && o.fields === undefined) fail(at, 'must provide text or fields');
      if (o.text !== undefined) textObject(o.text, `${at}/text`, 3000, rules);
      if (o.fields !== undefined) list(o.fields, `${at}/fields`, 10).forEach((f, i) => textObject(f, `${at}/fields/${i}`, 2000, rules));
      break;
    }
    case 'context':
      list(obj(v, at, ['type', 'elements', 'block_id']).elements, `${at}/elements`, 10).forEach((e, i) => textObject(e, `${at}/elements/${i}`, 3000, rules));
      break;
    case 'divider':
      obj(v, at, ['type', 'block_id']);
      break;
    case 'actions': {
      const elements = list(obj(v, at, ['type', 'elements', 'block_id']).elements, `${at}/elements`, 25);
      const actionIds = rules.ours ? ids.actionIds : new Set<string>();
      elements.forEach((e, i) => button(e, `${at}/elements/${i}`, actionIds, rules));
      break;
    }
    default:
      fail(`${at}/type`, `unexpected block type ${JSON.stringify(v.type)}`);
  }
  blockId(v, at, ids.blockIds, rules);
}

function inputElement(v: unknown, at: string, rules: BlockKitRules): void {
  if (!isObject(v)) fail(at, 'must be an element object');
  const common = ['type', 'action_id', 'focus_on_load'];
  switch (v.type) {
    case 'plain_text_input': {
      const o = obj(v, at, [...common, 'multiline', 'max_length', 'min_length', 'initial_value', 'placeholder', 'dispatch_action_config']);
      if (o.max_length !== undefined && (!Number.isInteger(o.max_length) || (o.max_length as number) < 1 || (o.max_length as number) > 3000)) {
        fail(`${at}/max_length`, 'must be a whole number from 1 to 3000');
      }
      if (o.initial_value !== undefined) str(o.initial_value, `${at}/initial_value`, (o.max_length as number | undefined) ?? 3000, rules, rules.ours ? 1 : 0);
      if (o.placeholder !== undefined) textObject(o.placeholder, `${at}/placeholder`, 150, rules, 'plain_text');
      if (o.multiline !== undefined && typeof o.multiline !== 'boolean') fail(`${at}/multiline`, 'must be a boolean');
      break;
    }
    case 'static_select': {
      const o = obj(v, at, [...common, 'options', 'initial_option', 'placeholder']);
      const options = list(o.options, `${at}/options`, 100);
      options.forEach((opt, i) => {
        const oo = obj(opt, `${at}/options/${i}`, ['text', 'value', 'description']);
        textObject(oo.text, `${at}/options/${i}/text`, 75, rules, 'plain_text');
        str(oo.value, `${at}/options/${i}/value`, 150, rules);
      });
      if (o.initial_option !== undefined && !options.some((opt) => JSON.stringify(opt) === JSON.stringify(o.initial_option))) {
        fail(`${at}/initial_option`, 'must be one of the options');
      }
      if (o.placeholder !== undefined) textObject(o.placeholder, `${at}/placeholder`, 150, rules, 'plain_text');
      break;
    }
    case 'datepicker': {
      const o = obj(v, at, [...common, 'initial_date', 'placeholder']);
      if (o.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(o.initial_date))) fail(`${at}/initial_date`, 'must be YYYY-MM-DD');
      if (o.placeholder !== undefined) textObject(o.placeholder, `${at}/placeholder`, 150, rules, 'plain_text');
      break;
    }
    case 'timepicker': {
      const o = obj(v, at, [...common, 'initial_time', 'placeholder', 'timezone']);
      if (o.initial_time !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(String(o.initial_time))) fail(`${at}/initial_time`, 'must be HH:mm');
      if (o.placeholder !== undefined) textObject(o.placeholder, `${at}/placeholder`, 150, rules, 'plain_text');
      break;
    }
    case 'users_select': {
      const o = obj(v, at, [...common, 'initial_user', 'placeholder']);
      if (o.initial_user !== undefined) str(o.initial_user, `${at}/initial_user`, 255, rules);
      if (o.placeholder !== undefined) textObject(o.placeholder, `${at}/placeholder`, 150, rules, 'plain_text');
      break;
    }
    default:
      fail(`${at}/type`, `unexpected element type ${JSON.stringify(v.type)}`);
  }
  str(v.action_id, `${at}/action_id`, 255, rules);
}

function inputBlock(v: Json, at: string, blockIds: Set<string>, rules: BlockKitRules): void {
  const o = obj(v, at, ['type', 'block_id', 'label', 'hint', 'optional', 'element', 'dispatch_action']);
  blockId(o, at, blockIds, rules, rules.ours);
  textObject(o.label, `${at}/label`, 2000, rules, 'plain_text');
  if (o.hint !== undefined) textObject(o.hint, `${at}/hint`, 2000, rules, 'plain_text');
  if (o.optional !== undefined ? typeof o.optional !== 'boolean' : rules.ours) fail(`${at}/optional`, 'must be a boolean');
  inputElement(o.element, `${at}/element`, rules);
}

/** Throws a BlockKitError on the first thing Slack (or po-desk) would refuse in a message's `text` and `blocks`. */
export function checkMessage(body: { text?: unknown; blocks?: unknown }, rules: BlockKitRules = SLACK, at = ''): void {
  if (body.text !== undefined) {
    str(body.text, `${at}/text`, rules.ours ? 3000 : 40_000, rules, 0);
    if (rules.ours && body.text !== '') safeMrkdwn(body.text as string, `${at}/text`);
  } else if (rules.ours) {
    fail(`${at}/text`, 'missing required field: text (the notification fallback)');
  }
  if (body.blocks === undefined) return;
  const ids = { blockIds: new Set<string>(), actionIds: new Set<string>() };
  list(body.blocks, `${at}/blocks`, 50, 0).forEach((b, i) => messageBlock(b, `${at}/blocks/${i}`, ids, rules));
}

/** Throws a BlockKitError on the first thing `views.open` would refuse in a modal view. */
export function checkModal(view: unknown, rules: BlockKitRules = SLACK, at = '/view'): void {
  const o = obj(view, at, ['type', 'callback_id', 'title', 'submit', 'close', 'private_metadata', 'blocks', 'clear_on_close', 'notify_on_close', 'external_id', 'submit_disabled']);
  if (o.type !== 'modal') fail(`${at}/type`, 'views.open only accepts views of type modal');
  if (o.title === undefined) fail(`${at}/title`, 'missing required field: title');
  textObject(o.title, `${at}/title`, 24, rules, 'plain_text');
  for (const key of ['submit', 'close'] as const) if (o[key] !== undefined) textObject(o[key], `${at}/${key}`, 24, rules, 'plain_text');
  if (o.callback_id !== undefined) str(o.callback_id, `${at}/callback_id`, 255, rules, rules.ours ? 1 : 0);
  if (o.private_metadata !== undefined) str(o.private_metadata, `${at}/private_metadata`, 3000, rules, 0);
  if (o.blocks === undefined) fail(`${at}/blocks`, 'missing required field: blocks');
  const blocks = list(o.blocks, `${at}/blocks`, 100, 0);
  const ids = { blockIds: new Set<string>(), actionIds: new Set<string>() };
  blocks.forEach((b, i) => {
    const where = `${at}/blocks/${i}`;
    if (!isObject(b) || typeof b.type !== 'string') fail(where, 'must be a block object');
    if (b.type !== 'input') return messageBlock(b, where, ids, rules);
    if (o.submit === undefined) fail(`${at}/submit`, 'must provide a submit property when an input is included');
    inputBlock(b, where, ids.blockIds, rules);
  });
}

/** The problem Slack would report, or undefined when it takes the value. */
export function problemOf(check: () => void): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof BlockKitError) return error.message;
    throw error;
  }
}

// --- expectations -----------------------------------------------------------------------------------------------

/** A rendered message Slack takes, that keeps po-desk's promises too. */
export function expectValidMessage(rendered: { text: string; blocks: unknown[] }): void {
  expect(problemOf(() => checkMessage(rendered, OURS))).toBeUndefined();
}

/** A form modal as renderSlackModal makes it: a callback id, Submit and Cancel, and input blocks only. */
export function expectValidModal(view: unknown): void {
  expect(problemOf(() => checkModal(view, OURS))).toBeUndefined();
  const o = view as Json;
  expect(o.callback_id, 'callback_id').toEqual(expect.any(String));
  expect(o.submit, 'submit').toBeDefined();
  expect(o.close, 'close').toBeDefined();
  expect((o.blocks as Json[]).map((b) => b.type).filter((type) => type !== 'input'), 'blocks that are not inputs').toEqual([]);
}

/** A modal that only shows blocks: a title, a close button, no submit, no callback; returns its blocks. */
export function expectValidInfoModal(view: unknown): unknown[] {
  expect(problemOf(() => checkModal(view, OURS))).toBeUndefined();
  expect(Object.keys(view as Json).sort()).toEqual(['blocks', 'close', 'title', 'type']);
  const blocks = (view as Json).blocks as Json[];
  expect(blocks.length).toBeGreaterThan(0);
  expect(blocks.filter((b) => b.type === 'input')).toEqual([]);
  return blocks;
}

// --- reading ----------------------------------------------------------------------------------------------------

export interface ShownButton {
  action_id: string;
  value?: string;
  label: string;
}

/** The buttons of a Block Kit message, as Slack would show them. */
export function buttonsOf(body: { blocks?: unknown[] } | undefined): ShownButton[] {
  return (body?.blocks ?? [])
    .filter((b): b is { type: 'actions'; elements: Json[] } => isObject(b) && b.type === 'actions')
    .flatMap((b) => b.elements)
    .map((e) => ({ action_id: e.action_id as string, ...(e.value !== undefined ? { value: e.value as string } : {}), label: (e.text as { text: string }).text }));
}
