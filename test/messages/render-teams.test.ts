import { readdirSync, readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CommandContext, Deps } from '../../src/app/context.js';
import { runAction, submitForm, type Shown } from '../../src/app/interactions.js';
import type { Directory, UserProfile } from '../../src/app/ports.js';
import { mentionList, problemMessage, refusalMessage, undoButton, ONE_PO } from '../../src/app/replies.js';
import { runCommand } from '../../src/app/run-command.js';
import { showHelp } from '../../src/app/show-help.js';
import { HELP } from '../../src/domain/command.js';
import { actions, bold, code, context, header, message, rich, section, user } from '../../src/messages/build.js';
import type { Block, Button, Form, Message, Rich } from '../../src/messages/model.js';
import {
  readTeamsAction,
  readTeamsFormValues,
  renderTeamsCard,
  renderTeamsFormCard,
  renderTeamsText,
  TEAMS_LIMITS,
  TeamsRenderError,
  type ActionSet,
  type AdaptiveCard,
  type CardAction,
  type CardElement,
  type Container,
  type TextRun,
} from '../../src/messages/render-teams.js';
import { prismaStore } from '../../src/store/prisma-store.js';
import { adaptiveCardErrors } from '../support/adaptive-card-schema.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// Every card these tests look at comes through `render`/`renderForm`, which first check it against the
// official Adaptive Card 1.5 schema.
function valid(card: AdaptiveCard): AdaptiveCard {
  expect(adaptiveCardErrors(card)).toEqual([]);
  return card;
}
const render = (m: Message): AdaptiveCard => valid(renderTeamsCard(m));
const renderForm = (form: Form, errors?: Record<string, string>): AdaptiveCard => valid(renderTeamsFormCard(form, errors));
const renderBlocks = (...blocks: Block[]): CardElement[] => render(message(...blocks)).body;

/** Every TextRun under `node`, in order. */
function runsIn(node: unknown): TextRun[] {
  if (Array.isArray(node)) return node.flatMap(runsIn);
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  if (record.type === 'TextRun') return [record as unknown as TextRun];
  return Object.values(record).flatMap(runsIn);
}
const textOf = (node: unknown): string => runsIn(node).map((r) => r.text).join('');

/** Every `type` in the card's body, recursively. */
function typesIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(typesIn);
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  return [...(typeof record.type === 'string' ? [record.type] : []), ...Object.values(record).flatMap(typesIn)];
}

function actionsIn(node: unknown): CardAction[] {
  if (Array.isArray(node)) return node.flatMap(actionsIn);
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  if (record.type === 'Action.Execute' || record.type === 'Action.Submit') return [record as unknown as CardAction];
  return Object.values(record).flatMap(actionsIn);
}

const bytes = (card: AdaptiveCard): number => Buffer.byteLength(JSON.stringify(card), 'utf8');
const one = (blocks: CardElement[]): CardElement => {
  expect(blocks).toHaveLength(1);
  return blocks[0]!;
};

const HOSTILE = '**bold** <at>Pat</at> [x](http://evil) @channel';
const MONDAY_0830_UTC = new Date('2026-11-23T08:30:00Z');

describe('adaptiveCardErrors (the validator itself)', () => {
  const SAMPLES = new URL('../fixtures/adaptive-cards/samples-v1.5/', import.meta.url);
  const sample = (name: string): unknown => JSON.parse(readFileSync(new URL(name, SAMPLES), 'utf8'));

  it('accepts the official 1.5 samples that follow the schema', () => {
    const names = readdirSync(SAMPLES).filter((n) => n !== 'Table.json' && n !== 'InputsWithValidation.json');
    expect(names).toEqual(['Action.Execute.IsEnabled.json', 'Action.Execute.Mode.json', 'Action.Submit.IsEnabled.json', 'ActivityUpdate.json', 'InputForm.json']);
    for (const name of names) expect(adaptiveCardErrors(sample(name)), name).toEqual([]);
  });

  it('names exactly where the two official samples that drift from the schema break it', () => {
    // The schema spells Table's property `firstRowAsHeader`, and defines no `role` on actions in 1.5.
    expect(adaptiveCardErrors(sample('Table.json'))).toEqual([
      '/body/0: must NOT have additional properties "firstRowAsHeaders"',
      '/body/1: must NOT have additional properties "firstRowAsHeaders"',
    ]);
    expect(adaptiveCardErrors(sample('InputsWithValidation.json'))).toEqual(['/body/7/inlineAction: must NOT have additional properties "role"']);
  });

  it('rejects Teams mention entities, unknown elements, misplaced elements and malformed values', () => {
    const card = {
      type: 'AdaptiveCard',
      version: '1.5',
      msteams: { entities: [{ type: 'mention', text: '<at>Pat</at>', mentioned: { id: '29:pat', name: 'Pat' } }] },
      body: [
        { type: 'TextBlock' },
        { type: 'Marquee', text: 'hi' },
        { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'x', selectAction: { type: 'Action.OpenUrl', url: 'not a url' } }] },
        { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'x', weight: 'heavy' }] },
      ],
      actions: [{ type: 'TextBlock', text: 'x' }, { type: 'Action.Execute', title: 'Go', role: 'button' }],
    };
    expect(adaptiveCardErrors(card)).toEqual([
      '/: must NOT have additional properties "msteams"',
      "/body/0: must have required property 'text'",
      '/body/1: unknown type "Marquee"',
      '/body/2/inlines/0/selectAction/url: must match format "uri-reference"',
      '/body/3/inlines/0/weight: must be equal to one of the allowed values (default, lighter, bolder)',
      '/body/3/inlines/0/weight: must match pattern "^([d|D][e|E][f|F][a|A][u|U][l|L][t|T])|([l|L][i|I][g|G][h|H][t|T][e|E][r|R])|([b|B][o|O][l|L][d|D][e|E][r|R])$"',
      '/body/3/inlines/0/weight: must match a schema in anyOf',
      '/body/3/inlines/0/weight: must be null',
      '/actions/0: a TextBlock is not allowed here',
      '/actions/1: must NOT have additional properties "role"',
    ]);
    expect(adaptiveCardErrors('not a card')).not.toEqual([]);
    expect(adaptiveCardErrors({ type: 'AdaptiveCard', version: '1.5', body: [] })).toEqual([]);
  });
});

describe('renderTeamsCard: blocks', () => {
  it('wraps the body in an Adaptive Card 1.5 with no card-level actions', () => {
    expect(render(message(section('Hello')))).toEqual({
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.5',
      body: [{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'Hello' }] }],
    });
    expect(render(message()).body).toEqual([]);
  });

  it('renders a header as large, bolder rich text, trimmed; a blank one is dropped', () => {
    expect(renderBlocks(header('  Your working hours  '), header('   '))).toEqual([
      { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'Your working hours', size: 'large', weight: 'bolder' }] },
    ]);
  });

  it('renders a section with bold, italic and code runs, and drops a blank one', () => {
    const blocks = renderBlocks(
      { type: 'section', text: rich('Plain ', bold('bold'), ' ', { type: 'text', text: 'italic', style: 'italic' }, ' ', code('/po help')) },
      section('  ', '\n'),
    );
    expect(blocks).toEqual([
      {
        type: 'RichTextBlock',
        inlines: [
          { type: 'TextRun', text: 'Plain ' },
          { type: 'TextRun', text: 'bold', weight: 'bolder' },
          { type: 'TextRun', text: ' ' },
          { type: 'TextRun', text: 'italic', italic: true },
          { type: 'TextRun', text: ' ' },
          { type: 'TextRun', text: '/po help', fontType: 'monospace' },
        ],
      },
    ]);
  });

  it('keeps line breaks inside a section as they are (TextRun text is plain text)', () => {
    expect(textOf(renderBlocks(section('line one\nline two')))).toBe('line one\nline two');
  });

  it('renders context as small, subtle runs that keep their own style', () => {
    expect(one(renderBlocks(context('Only you can see this. ', code('/po help'))))).toEqual({
      type: 'RichTextBlock',
      inlines: [
        { type: 'TextRun', text: 'Only you can see this. ', size: 'small', isSubtle: true },
        { type: 'TextRun', text: '/po help', size: 'small', isSubtle: true, fontType: 'monospace' },
      ],
    });
  });

  it('turns a divider into a separator on the next element; leading, trailing and repeated ones vanish', () => {
    const blocks = renderBlocks({ type: 'divider' }, section('a'), { type: 'divider' }, { type: 'divider' }, section('b'), { type: 'divider' });
    expect(blocks).toEqual([
      { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'a' }] },
      { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'b' }], separator: true },
    ]);
  });

  it('renders fields as label/value column rows (not a FactSet, whose text Teams parses as Markdown)', () => {
    const blocks = renderBlocks({
      type: 'fields',
      fields: [
        { label: 'Owner', value: [user('29:pat', 'Pat Doe')] },
        { label: 'Team', value: rich('Checkout') },
        { label: '', value: rich('no label') },
        { label: '  ', value: [] },
      ],
    });
    expect(one(blocks)).toEqual({
      type: 'Container',
      items: [
        {
          type: 'ColumnSet',
          columns: [
            { type: 'Column', width: 1, items: [{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'Owner', weight: 'bolder' }] }] },
            { type: 'Column', width: 2, items: [{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'Pat Doe', weight: 'bolder' }] }] },
          ],
        },
        {
          type: 'ColumnSet',
          spacing: 'small',
          columns: [
            { type: 'Column', width: 1, items: [{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'Team', weight: 'bolder' }] }] },
            { type: 'Column', width: 2, items: [{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'Checkout' }] }] },
          ],
        },
        { type: 'RichTextBlock', spacing: 'small', inlines: [{ type: 'TextRun', text: 'no label' }] },
      ],
    });
    expect(renderBlocks({ type: 'fields', fields: [{ label: ' ', value: rich(' ') }] })).toEqual([]);
  });

  it('renders a list as bullet lines, dropping blank items and empty lists', () => {
    const blocks = renderBlocks({ type: 'list', items: [rich('first'), rich('  '), [bold('second')]] }, { type: 'list', items: [] });
    expect(one(blocks)).toEqual({
      type: 'Container',
      items: [
        { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: '• ' }, { type: 'TextRun', text: 'first' }] },
        { type: 'RichTextBlock', spacing: 'small', inlines: [{ type: 'TextRun', text: '• ' }, { type: 'TextRun', text: 'second', weight: 'bolder' }] },
      ],
    });
  });
});

describe('renderTeamsCard: buttons', () => {
  it('renders a button as Action.Execute with verb and po data, mapping styles; confirm is dropped', () => {
    const confirm = { title: 'Sure?', text: 'This removes them.', confirmLabel: 'Remove', denyLabel: 'Keep' };
    const set = one(
      renderBlocks(
        actions(
          { actionId: 'members.undo-remove', label: 'Undo', value: 'team1:p1,p2' },
          { actionId: 'approve', label: 'Approve', value: '42', style: 'primary' },
          { actionId: 'reject', label: 'Reject', value: '42', style: 'danger', confirm },
        ),
      ),
    );
    expect(set).toEqual({
      type: 'ActionSet',
      actions: [
        { type: 'Action.Execute', title: 'Undo', verb: 'members.undo-remove', data: { po: { action: 'members.undo-remove', value: 'team1:p1,p2' } } },
        { type: 'Action.Execute', title: 'Approve', verb: 'approve', data: { po: { action: 'approve', value: '42' } }, style: 'positive' },
        { type: 'Action.Execute', title: 'Reject', verb: 'reject', data: { po: { action: 'reject', value: '42' } }, style: 'destructive' },
      ],
    });
    expect(JSON.stringify(set)).not.toContain('Sure?');
  });

  it('renders a form-opening button as Action.Submit with a task/fetch marker', () => {
    const set = one(renderBlocks(actions({ actionId: 'hours.edit', label: 'Change working hours', value: 'edit', opensForm: true })));
    expect(set).toEqual({
      type: 'ActionSet',
      actions: [{ type: 'Action.Submit', title: 'Change working hours', data: { msteams: { type: 'task/fetch' }, po: { action: 'hours.edit', value: 'edit' } } }],
    });
  });

  it('splits more than six buttons into several action sets of at most six', () => {
    const buttons: Button[] = Array.from({ length: 8 }, (_, i) => ({ actionId: `pick.${i}`, label: `Option ${i}`, value: String(i) }));
    const container = one(renderBlocks(actions(...buttons))) as Container;
    expect(container.type).toBe('Container');
    expect(container.items.map((s) => (s as ActionSet).actions.length)).toEqual([6, 2]);
    expect(actionsIn(container).map((a) => (a.type === 'Action.Execute' ? a.verb : ''))).toEqual(buttons.map((b) => b.actionId));
    expect(renderBlocks(actions())).toEqual([]);
  });

  it('truncates button titles but never action ids or values, which throw when too long', () => {
    const [action] = actionsIn(renderBlocks(actions({ actionId: 'a', label: 'L'.repeat(100), value: 'v' })));
    expect(action!.title).toBe(`${'L'.repeat(TEAMS_LIMITS.buttonTitle - 1)}…`);

    const tooLong = (button: Button) => () => renderTeamsCard(message(actions(button)));
    expect(tooLong({ actionId: 'a', label: 'A', value: 'v'.repeat(TEAMS_LIMITS.buttonValue + 1) })).toThrow(
      expect.objectContaining({ name: 'TeamsRenderError', code: 'teams_limit_exceeded' }),
    );
    expect(tooLong({ actionId: 'a'.repeat(TEAMS_LIMITS.actionId + 1), label: 'A', value: 'v' })).toThrow(TeamsRenderError);
    expect(tooLong({ actionId: '', label: 'A', value: 'v' })).toThrow(expect.objectContaining({ code: 'teams_invalid_value' }));
    expect(tooLong({ actionId: 'a', label: '  ', value: 'v' })).toThrow(expect.objectContaining({ code: 'teams_invalid_value' }));
    // Exactly at the limits is fine.
    render(message(actions({ actionId: 'a'.repeat(TEAMS_LIMITS.actionId), label: 'A', value: 'v'.repeat(TEAMS_LIMITS.buttonValue) })));
  });
});

describe('renderTeamsCard: spans', () => {
  it('shows a person as their name in bold (cards cannot mention without msteams.entities), or "someone"', () => {
    expect(runsIn(renderBlocks(section('Ask ', user('29:pat', ' Pat Doe '), ' or ', user('29:x'), ' or ', user('29:y', ' '))))).toEqual([
      { type: 'TextRun', text: 'Ask ' },
      { type: 'TextRun', text: 'Pat Doe', weight: 'bolder' },
      { type: 'TextRun', text: ' or ' },
      { type: 'TextRun', text: 'someone', weight: 'bolder' },
      { type: 'TextRun', text: ' or ' },
      { type: 'TextRun', text: 'someone', weight: 'bolder' },
    ]);
  });

  it('shows a channel as #name, or "this channel"', () => {
    const text = textOf(renderBlocks(section({ type: 'channel', channelId: '19:a@thread.tacv2', name: 'checkout' }, ' and ', { type: 'channel', channelId: '19:b' })));
    expect(text).toBe('#checkout and this channel');
  });

  it('links only http(s) URLs, with an Action.OpenUrl on the run; anything else is literal text', () => {
    const runs = runsIn(
      renderBlocks(
        section(
          { type: 'link', url: 'https://example.com/a b?q=1', label: ' the  docs ' },
          { type: 'link', url: 'http://example.com', label: '' },
          { type: 'link', url: 'javascript:alert(1)', label: 'click' },
          { type: 'link', url: 'mailto:po@example.com', label: 'mail' },
          { type: 'link', url: '/relative', label: '/relative' },
          { type: 'link', url: 'https://example.com/a|b>c<d e^{x}', label: 'odd' },
        ),
      ),
    );
    expect(runs).toEqual([
      { type: 'TextRun', text: 'the docs', selectAction: { type: 'Action.OpenUrl', url: 'https://example.com/a%20b?q=1' } },
      { type: 'TextRun', text: 'http://example.com/', selectAction: { type: 'Action.OpenUrl', url: 'http://example.com/' } },
      { type: 'TextRun', text: 'click (javascript:alert(1))' },
      { type: 'TextRun', text: 'mail (mailto:po@example.com)' },
      { type: 'TextRun', text: '/relative' },
      // WHATWG URL parsing leaves |, ^, { and } as typed; the schema's uri-reference (RFC 3986) does not allow them.
      { type: 'TextRun', text: 'odd', selectAction: { type: 'Action.OpenUrl', url: 'https://example.com/a%7Cb%3Ec%3Cd%20e%5E%7Bx%7D' } },
    ]);
  });

  it('formats dates in the span time zone, or in UTC saying so', () => {
    const date = (timeZone?: string) => ({ type: 'date' as const, at: MONDAY_0830_UTC, timeZone });
    const texts = renderBlocks(section(date('Europe/Berlin')), section(date('America/New_York')), section(date()), section(date('Mars/Olympus')), section({ type: 'date', at: new Date(Number.NaN) })).map(textOf);
    expect(texts).toEqual(['Mon 23 Nov, 09:30', 'Mon 23 Nov, 03:30', 'Mon 23 Nov, 08:30 UTC', 'Mon 23 Nov, 08:30 UTC', 'an invalid date']);
    expect(textOf(renderBlocks(section({ type: 'date', at: 'not a date' })))).toBe('an invalid date');
  });

  it('renders a stored message (its dates now ISO strings) as it rendered the original', () => {
    const original = message(
      section('Due ', { type: 'date', at: MONDAY_0830_UTC, timeZone: 'Europe/Berlin' }),
      context('Updated ', { type: 'date', at: MONDAY_0830_UTC }),
      { type: 'list', items: [rich('from ', { type: 'date', at: MONDAY_0830_UTC, timeZone: 'America/New_York' })] },
    );
    const stored = JSON.parse(JSON.stringify(original)) as Message;
    expect(stored.blocks[0]).toMatchObject({ text: [{}, { at: '2026-11-23T08:30:00.000Z' }] });
    expect(render(stored)).toEqual(render(original));
    expect(textOf(render(stored).body)).toBe('Due Mon 23 Nov, 09:30Updated Mon 23 Nov, 08:30 UTC• from Mon 23 Nov, 03:30');
  });

  it('summarises a message as plain text for notifications', () => {
    expect(renderTeamsText(message(header('  Weekly   digest '), section('ignored')))).toBe('Weekly digest');
    expect(renderTeamsText(message({ type: 'divider' }, actions({ actionId: 'a', label: 'A', value: '' }), section('Ask ', user('29:p', 'Pat'), ' in ', { type: 'channel', channelId: 'c', name: 'general' })))).toBe(
      'Ask Pat in #general',
    );
    expect(renderTeamsText(message({ type: 'list', items: [rich('one'), rich('two')] }))).toBe('• one • two');
    expect(renderTeamsText(message({ type: 'fields', fields: [{ label: 'Owner', value: rich('Pat') }] }))).toBe('Owner: Pat');
    const long = renderTeamsText(message(section('word '.repeat(100))));
    expect(long).toHaveLength(TEAMS_LIMITS.summaryText);
    expect(long.endsWith('…')).toBe(true);
    expect(renderTeamsText(message())).toBe('');
  });
});

describe('renderTeamsCard: text written by people stays literal', () => {
  it('never turns typed Markdown, <at> tags, links or @channel into markup, in any block', () => {
    const card = render(
      message(
        header(HOSTILE),
        section(HOSTILE, bold(HOSTILE)),
        context(HOSTILE),
        { type: 'fields', fields: [{ label: HOSTILE, value: rich(HOSTILE) }] },
        { type: 'list', items: [rich(HOSTILE)] },
        section(user('29:pat', HOSTILE), { type: 'channel', channelId: 'c', name: HOSTILE }, { type: 'link', url: 'https://example.com', label: HOSTILE }),
        actions({ actionId: 'a', label: HOSTILE, value: HOSTILE }),
      ),
    );
    // Only elements whose text is never parsed: no TextBlock, no FactSet; no mention entities anywhere.
    expect(new Set(typesIn(card.body))).toEqual(new Set(['RichTextBlock', 'TextRun', 'Container', 'ColumnSet', 'Column', 'ActionSet', 'Action.Execute', 'Action.OpenUrl']));
    expect(JSON.stringify(card)).not.toContain('msteams');
    const texts = runsIn(card).map((r) => r.text);
    expect(texts.filter((t) => t === HOSTILE)).toHaveLength(9); // header, 2 in the section, context, field label and value, item, name, link
    expect(texts).toContain(`#${HOSTILE}`);
    expect(runsIn(card).filter((r) => r.selectAction).map((r) => r.selectAction!.url)).toEqual(['https://example.com/']);
    expect(actionsIn(card)[0]!.title).toBe(HOSTILE);
  });

  it('defuses the {{DATE()}} / {{TIME()}} card functions with an invisible word joiner', () => {
    const typed = 'Due {{DATE(2026-11-23T08:30:00Z, SHORT)}} at {{time(2026-11-23T08:30:00Z)}} {{other}}';
    expect(textOf(renderBlocks(section(typed)))).toBe('Due {\u2060{DATE(2026-11-23T08:30:00Z, SHORT)}} at {\u2060{time(2026-11-23T08:30:00Z)}} {{other}}');
  });
});

describe('renderTeamsCard: limits', () => {
  it('truncates long text with "…" at the element limits, by whole code points', () => {
    const [headerBlock, sectionBlock, contextBlock] = renderBlocks(
      header('H'.repeat(400)),
      section('a'.repeat(TEAMS_LIMITS.sectionText - 2), '😀😀'),
      context('c'.repeat(5000)),
    );
    expect(textOf(headerBlock)).toBe(`${'H'.repeat(TEAMS_LIMITS.headerText - 1)}…`);
    // The emoji is two UTF-16 units: it is not split, so the text ends one unit short of the limit.
    expect(textOf(sectionBlock)).toBe(`${'a'.repeat(TEAMS_LIMITS.sectionText - 2)}…`);
    expect(textOf(contextBlock)).toHaveLength(TEAMS_LIMITS.contextText);
  });

  it('keeps whole runs while they fit and cuts a link label but not its URL', () => {
    const runs = runsIn(renderBlocks(section('x'.repeat(TEAMS_LIMITS.sectionText - 10), bold('bold'), { type: 'link', url: 'https://example.com/docs', label: 'the documentation' })));
    expect(runs).toEqual([
      { type: 'TextRun', text: 'x'.repeat(TEAMS_LIMITS.sectionText - 10) },
      { type: 'TextRun', text: 'bold', weight: 'bolder' },
      { type: 'TextRun', text: 'the d', selectAction: { type: 'Action.OpenUrl', url: 'https://example.com/docs' } },
      { type: 'TextRun', text: '…' },
    ]);
  });

  it('cuts list items to fit the card size, says how many are left out, and keeps the buttons after them', () => {
    const items: Rich[] = Array.from({ length: 400 }, (_, i) => rich(`Item ${i}: `, 'ü'.repeat(150)));
    const card = render(message(header('Intake queue'), { type: 'list', items }, actions({ actionId: 'queue.open', label: 'Open the queue', value: 'q' })));
    expect(bytes(card)).toBeLessThanOrEqual(TEAMS_LIMITS.cardBytes);
    const [, list, buttons] = card.body;
    const lines = (list as Container).items.map(textOf);
    const kept = lines.length - 1;
    expect(kept).toBeGreaterThan(50);
    expect(lines[kept]).toBe(`…and ${400 - kept} more`);
    expect(lines[kept - 1]).toBe(`• Item ${kept - 1}: ${'ü'.repeat(150)}`);
    expect(buttons!.type).toBe('ActionSet');
    // As many items as fit: one more would not.
    const next = { type: 'RichTextBlock', spacing: 'small', inlines: [{ type: 'TextRun', text: '• ' }, { type: 'TextRun', text: `Item ${kept}: ` }, { type: 'TextRun', text: 'ü'.repeat(150) }] };
    expect((list as Container).items[kept - 1]).toEqual({ ...next, inlines: [next.inlines[0], { type: 'TextRun', text: `Item ${kept - 1}: ` }, next.inlines[2]] });
    expect(bytes(card) + Buffer.byteLength(`${JSON.stringify(next)},`)).toBeGreaterThan(TEAMS_LIMITS.cardBytes);
  });

  it('drops trailing blocks other than buttons when cutting lists is not enough', () => {
    const sections = Array.from({ length: 30 }, (_, i) => section(`Section ${i} `, '€'.repeat(600)));
    const card = render(message(header('Digest'), { type: 'divider' }, ...sections, actions({ actionId: 'digest.ack', label: 'Got it', value: 'd1' })));
    expect(bytes(card)).toBeLessThanOrEqual(TEAMS_LIMITS.cardBytes);
    const texts = card.body.map(textOf);
    const kept = card.body.length - 3; // header, the kept sections, the note, the buttons
    expect(texts[0]).toBe('Digest');
    expect(texts[kept]).toMatch(/^Section \d+ €+$/);
    expect(texts[kept + 1]).toBe(`…and ${30 - kept} more`);
    expect(card.body[kept + 2]!.type).toBe('ActionSet');
    expect(card.body[1]!.separator).toBe(true);
  });

  it('throws when the buttons alone are over the card size, since values are never cut', () => {
    const buttons = Array.from({ length: 20 }, (_, i) => ({ actionId: `b${i}`, label: `B${i}`, value: 'v'.repeat(TEAMS_LIMITS.buttonValue) }));
    expect(() => renderTeamsCard(message(section('hi'), actions(...buttons)))).toThrow(expect.objectContaining({ code: 'teams_limit_exceeded' }));
  });
});

describe('renderTeamsFormCard', () => {
  const hoursLike: Form = {
    callbackId: 'hours',
    title: 'Working hours',
    submitLabel: 'Save',
    metadata: 'person:42',
    inputs: [
      { type: 'time', id: 'start', label: 'Start of your working day', required: true, initial: '08:30' },
      { type: 'date', id: 'from', label: 'From', initial: '2026-11-23' },
      { type: 'text', id: 'days', label: 'Working days', required: true, initial: 'mon-fri', maxLength: 40, hint: 'A range or a list, e.g. mon-fri' },
      { type: 'text', id: 'note', label: 'Note', multiline: true, placeholder: 'Anything else?' },
      { type: 'select', id: 'zone', label: 'Time zone', initial: 'Europe/Berlin', options: [{ value: 'Europe/Berlin', label: 'Berlin' }, { value: 'UTC', label: 'UTC' }] },
      { type: 'user', id: 'deputy', label: 'Deputy', initial: '29:someone' },
    ],
  };

  it('renders every input type, hints, and one Action.Submit carrying the callback id and metadata', () => {
    expect(renderForm(hoursLike)).toEqual({
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.5',
      body: [
        { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'Working hours', size: 'medium', weight: 'bolder' }] },
        { type: 'Input.Time', id: 'start', label: 'Start of your working day', isRequired: true, errorMessage: 'Start of your working day is required', value: '08:30' },
        { type: 'Input.Date', id: 'from', label: 'From', value: '2026-11-23' },
        { type: 'Input.Text', id: 'days', label: 'Working days', isRequired: true, errorMessage: 'Working days is required', maxLength: 40, value: 'mon-fri' },
        { type: 'RichTextBlock', spacing: 'small', inlines: [{ type: 'TextRun', text: 'A range or a list, e.g. mon-fri', size: 'small', isSubtle: true }] },
        { type: 'Input.Text', id: 'note', label: 'Note', isMultiline: true, placeholder: 'Anything else?' },
        {
          type: 'Input.ChoiceSet',
          id: 'zone',
          label: 'Time zone',
          style: 'compact',
          choices: [{ title: 'Berlin', value: 'Europe/Berlin' }, { title: 'UTC', value: 'UTC' }],
          placeholder: 'Choose…',
          value: 'Europe/Berlin',
        },
        // Teams' people picker; a pre-selected person must be an AAD object id (a Teams user id is not).
        {
          type: 'Input.ChoiceSet',
          id: 'deputy',
          label: 'Deputy',
          style: 'compact',
          choices: [],
          'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
          placeholder: 'Type a name',
        },
      ],
      actions: [{ type: 'Action.Submit', title: 'Save', style: 'positive', data: { po: { form: 'hours', metadata: 'person:42' } } }],
    });
  });

  it('pre-selects the person of a user input in the people picker when its initial is an AAD object id', () => {
    const aad = '00000000-0000-4000-a000-000000000004';
    const card = renderForm({ ...hoursLike, inputs: [{ type: 'user', id: 'deputy', label: 'Deputy', initial: aad }] });
    expect(card.body[1]).toMatchObject({ type: 'Input.ChoiceSet', id: 'deputy', 'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' }, value: aad });
  });

  it('shows errors under their inputs in the attention colour, and errors for no input under the title', () => {
    const card = renderForm(hoursLike, { days: 'Write the days as a range, e.g. mon-fri', general: 'Something else went wrong' });
    const ids = card.body.map((e) => ('id' in e ? e.id : textOf(e)));
    expect(ids).toEqual(['Working hours', 'Something else went wrong', 'start', 'from', 'days', 'A range or a list, e.g. mon-fri', 'Write the days as a range, e.g. mon-fri', 'note', 'zone', 'deputy']);
    expect(card.body[6]).toEqual({
      type: 'RichTextBlock',
      spacing: 'small',
      inlines: [{ type: 'TextRun', text: 'Write the days as a range, e.g. mon-fri', size: 'small', color: 'attention' }],
    });
  });

  it('keeps people’s text literal in labels, choices, hints and errors, and omits absent metadata', () => {
    const card = renderForm(
      {
        callbackId: 'f',
        title: HOSTILE,
        submitLabel: HOSTILE,
        inputs: [{ type: 'select', id: 's', label: HOSTILE, hint: HOSTILE, options: [{ value: 'v', label: HOSTILE }], initial: 'not-an-option' }],
      },
      { s: HOSTILE },
    );
    expect(runsIn(card).map((r) => r.text)).toEqual([HOSTILE, HOSTILE, HOSTILE]);
    const select = card.body[1]!;
    expect(select).toMatchObject({ type: 'Input.ChoiceSet', label: HOSTILE, choices: [{ title: HOSTILE, value: 'v' }] });
    expect(select).not.toHaveProperty('value');
    expect(card.actions).toEqual([{ type: 'Action.Submit', title: HOSTILE, style: 'positive', data: { po: { form: 'f' } } }]);
  });

  it('truncates long initial text to maxLength, and long labels and placeholders', () => {
    const card = renderForm({
      callbackId: 'f',
      title: 'T',
      submitLabel: 'Go',
      inputs: [{ type: 'text', id: 't', label: 'L'.repeat(600), maxLength: 10, initial: 'abcdefghijklmnop', placeholder: 'p'.repeat(200) }],
    });
    expect(card.body[1]).toMatchObject({ value: 'abcdefghi…', label: `${'L'.repeat(TEAMS_LIMITS.inputLabel - 1)}…` });
    expect((card.body[1] as { placeholder: string }).placeholder).toHaveLength(TEAMS_LIMITS.placeholder);
  });

  it('rejects ids and state it would have to cut or that would collide with the action data', () => {
    const form = (patch: Partial<Form>): (() => AdaptiveCard) => () => renderTeamsFormCard({ callbackId: 'f', title: 'T', submitLabel: 'Go', inputs: [], ...patch });
    const text = (id: string) => ({ type: 'text' as const, id, label: 'L' });
    const invalid = expect.objectContaining({ name: 'TeamsRenderError', code: 'teams_invalid_value' });
    const tooLong = expect.objectContaining({ name: 'TeamsRenderError', code: 'teams_limit_exceeded' });
    expect(form({ inputs: [text('po')] })).toThrow(invalid);
    expect(form({ inputs: [text('msteams')] })).toThrow(invalid);
    expect(form({ inputs: [text('a'), text('a')] })).toThrow(invalid);
    expect(form({ inputs: [text('')] })).toThrow(invalid);
    expect(form({ inputs: [text('i'.repeat(TEAMS_LIMITS.inputId + 1))] })).toThrow(tooLong);
    expect(form({ callbackId: 'c'.repeat(TEAMS_LIMITS.callbackId + 1) })).toThrow(tooLong);
    expect(form({ callbackId: '' })).toThrow(invalid);
    expect(form({ metadata: 'm'.repeat(TEAMS_LIMITS.metadata + 1) })).toThrow(tooLong);
    expect(form({ inputs: [{ type: 'select', id: 's', label: 'S', options: [] }] })).toThrow(invalid);
    expect(form({ inputs: [{ type: 'select', id: 's', label: 'S', options: [{ value: 'v'.repeat(TEAMS_LIMITS.optionValue + 1), label: 'V' }] }] })).toThrow(tooLong);
    expect(form({ inputs: [{ type: 'date', id: 'd', label: 'D', initial: '23.11.2026' }] })).toThrow(invalid);
    expect(form({ inputs: [{ type: 'time', id: 't', label: 'T', initial: '9:30' }] })).toThrow(invalid);
    const options = Array.from({ length: 400 }, (_, i) => ({ value: `option-${i}-${'x'.repeat(60)}`, label: `Option ${i}` }));
    expect(form({ inputs: [{ type: 'select', id: 's', label: 'S', options }] })).toThrow(tooLong);
    renderForm({ callbackId: 'c'.repeat(TEAMS_LIMITS.callbackId), title: 'T', submitLabel: 'Go', metadata: 'm'.repeat(TEAMS_LIMITS.metadata), inputs: [text('i'.repeat(TEAMS_LIMITS.inputId))] });
  });
});

describe('reading actions and forms back', () => {
  const form: Form = {
    callbackId: 'hours',
    title: 'Working hours',
    submitLabel: 'Save',
    metadata: 'person:42',
    inputs: [
      { type: 'time', id: 'start', label: 'Start' },
      { type: 'text', id: 'days', label: 'Days' },
      { type: 'text', id: 'note', label: 'Note', multiline: true },
      { type: 'select', id: 'zone', label: 'Zone', options: [{ value: 'UTC', label: 'UTC' }] },
      { type: 'user', id: 'deputy', label: 'Deputy' },
    ],
  };

  it('reads a form submission: trimmed strings, null for empty, missing or non-string values', () => {
    const [submit] = renderForm(form).actions!;
    // What Teams sends: the action data with every input's value (always a string) next to it.
    const data = { ...submit!.data, start: '09:00', days: '  mon-fri \n', note: '   ', zone: 'UTC', deputy: 42 };
    expect(readTeamsFormValues(form, data)).toEqual({ start: '09:00', days: 'mon-fri', note: null, zone: 'UTC', deputy: null });
    expect(readTeamsAction(data)).toEqual({ kind: 'form', callbackId: 'hours', metadata: 'person:42' });
    // A dialog's task/submit invoke value wraps the same data.
    const invoke = { type: 'task/submit', data, context: { theme: 'dark' } };
    expect(readTeamsFormValues(form, invoke)).toEqual(readTeamsFormValues(form, data));
    expect(readTeamsAction(invoke)).toEqual(readTeamsAction(data));
    expect(readTeamsFormValues(form, {})).toEqual({ start: null, days: null, note: null, zone: null, deputy: null });
  });

  it('reads a form without metadata back with metadata undefined', () => {
    const [submit] = renderForm({ ...form, metadata: undefined }).actions!;
    expect(readTeamsAction(JSON.parse(JSON.stringify(submit!.data)))).toEqual({ kind: 'form', callbackId: 'hours', metadata: undefined });
  });

  it('reads Action.Execute invokes and task/fetch submissions back to the button', () => {
    const card = render(
      message(
        actions(
          { actionId: 'members.undo-remove', label: 'Undo', value: 'team1:p1,p2' },
          { actionId: 'hours.edit', label: 'Change', value: '', opensForm: true },
        ),
      ),
    );
    const [execute, submit] = actionsIn(card);
    // adaptiveCard/action invoke: activity.value = { action: { type, verb, data }, trigger }
    const invokeValue = JSON.parse(JSON.stringify({ action: { type: 'Action.Execute', verb: 'members.undo-remove', data: execute!.data }, trigger: 'manual' })) as unknown;
    expect(readTeamsAction(invokeValue)).toEqual({ kind: 'action', actionId: 'members.undo-remove', value: 'team1:p1,p2' });
    // task/fetch invoke: activity.value = { type: 'task/fetch', data, context }
    expect(readTeamsAction({ type: 'task/fetch', data: submit!.data, context: { theme: 'default' } })).toEqual({ kind: 'action', actionId: 'hours.edit', value: '' });
    expect(readTeamsAction(submit!.data)).toEqual({ kind: 'action', actionId: 'hours.edit', value: '' });
  });

  it('answers undefined, without throwing, for anything that is not ours', () => {
    const unknown: unknown[] = [
      undefined,
      null,
      'po',
      42,
      [],
      {},
      { po: 'hours' },
      { po: [] },
      { po: {} },
      { po: { action: 'a' } },
      { po: { action: '', value: 'v' } },
      { po: { action: 1, value: 'v' } },
      { po: { action: 'a', value: 1 } },
      { po: { form: '' } },
      { po: { form: 'f', metadata: 7 } },
      { po: { action: 'a', value: 'v', form: 'f' } },
      { data: { data: { po: { action: 'a', value: 'v' } } } },
      { action: { data: 'x' } },
      { msteams: { type: 'task/fetch' } },
    ];
    for (const data of unknown) expect(readTeamsAction(data), JSON.stringify(data)).toBeUndefined();
  });
});

describe('messages built in src/app', () => {
  it('renders the pure replies', () => {
    const people = [
      { id: 'p1', platformUserId: '29:pat', displayName: 'Pat' },
      { id: 'p2', platformUserId: '29:alice', displayName: 'Alice' },
      { id: 'p3', platformUserId: '29:bob', displayName: 'Bob' },
    ];
    const help = render(showHelp());
    expect(textOf(help.body[0])).toBe('po-desk — the Product Owner’s front desk');
    expect((help.body[1] as Container).items).toHaveLength(HELP.filter((h) => h.available).length);
    render(problemMessage('there is no `/po foo` command', undefined));
    render(problemMessage('mention at least one person', HELP[3]));
    render(refusalMessage('hand over the Product Owner role', 'the PO or an admin', ONE_PO));
    const undo = render(message(section('Removed ', ...mentionList(people), '.'), undoButton('members.undo-remove', 'team1:p1,p2,p3')));
    expect(textOf(undo.body[0])).toBe('Removed Pat, Alice and Bob.');
  });

  describe('use cases, on a real store', () => {
    let database: TestDatabase;
    let deps: Deps;
    const CHANNEL = '19:checkout@thread.tacv2';
    const profile = (id: string, displayName: string, extra: Partial<UserProfile> = {}): UserProfile => ({
      platformUserId: id,
      displayName,
      timeZone: 'Europe/Berlin',
      isBot: false,
      isAdmin: false,
      deleted: false,
      ...extra,
    });
    const profiles = new Map(
      [
        profile('29:pat', `Pat ${HOSTILE}`, { isAdmin: true }),
        profile('29:alice', 'Alice'),
        profile('29:bob', 'Bob'),
        profile('29:sam', 'Sam'),
        profile('28:bot', 'po-desk', { isBot: true }),
      ].map((p) => [p.platformUserId, p]),
    );
    const directory: Directory = {
      lookupUser: async (id) => profiles.get(id),
      channelMembers: async () => ['29:pat', '29:bob', '29:sam', '28:bot'],
    };
    const ctx = (userId = '29:pat'): CommandContext => ({
      platform: 'teams',
      workspaceExternalId: 'tenant-1',
      workspaceName: 'Acme',
      channelId: CHANNEL,
      inDirectMessage: false,
      userId,
    });
    const command = (text: string, userIds: string[] = [], userId?: string): Promise<Shown> => {
      const [sub = '', ...rest] = text.split(' ');
      return runCommand(ctx(userId), deps, { sub, rest: rest.join(' '), userIds });
    };
    /** Render what a command or button shows, as the Teams adapter would. */
    const show = (shown: Shown): AdaptiveCard => (shown.kind === 'form' ? renderForm(shown.form) : render(shown.message));
    /** Click a button of a card as Teams would send it, and run what it asks for. */
    async function click(card: AdaptiveCard, title: string): Promise<Shown> {
      const action = actionsIn(card).find((a) => a.title === title);
      if (!action) throw new Error(`no button "${title}" on the card`);
      const invoke = action.type === 'Action.Execute' ? { action: { type: action.type, verb: action.verb, data: action.data } } : { type: 'task/fetch', data: action.data };
      const read = readTeamsAction(JSON.parse(JSON.stringify(invoke)));
      if (read?.kind !== 'action') throw new Error(`button "${title}" reads back as ${JSON.stringify(read)}`);
      return runAction(ctx(), deps, read.actionId, read.value);
    }

    beforeAll(async () => {
      database = await createTestDatabase('pglite');
      deps = { store: prismaStore(database.db.prisma), directory, clock: { now: () => MONDAY_0830_UTC } };
    });
    afterAll(async () => database?.drop());

    it('renders every reply, form and queued message of a realistic session as a valid card', async () => {
      const cards: AdaptiveCard[] = [];
      const run = async (shown: Promise<Shown>) => {
        const card = show(await shown);
        cards.push(card);
        return card;
      };

      await run(command('help'));
      await run(command('nonsense'));
      await run(command('daily'));
      await run(command('members add'));
      await run(command('owner'));
      await run(command('hours'));
      await run(command('owner', ['29:alice']));
      await run(command('owner', ['29:bob'], '29:bob'));
      await run(command('owner'));
      const bound = await run(command('team Checkout **Team**'));
      expect(textOf(bound)).toContain('Checkout **Team**');
      await run(command('team'));
      await run(command('team Payments'));
      await run(command('members'));
      await run(command('members add', ['29:alice', '29:sam']));
      const removed = await run(command('members remove', ['29:bob']));
      const undone = await run(click(removed, 'Undo'));
      expect(textOf(undone)).toContain('back on');
      await run(command('stakeholder add', ['29:sam']));
      await run(command('stakeholder list'));
      const unstaked = await run(command('stakeholder remove', ['29:sam']));
      await run(click(unstaked, 'Undo'));

      const hours = await run(command('hours'));
      const opened = await click(hours, 'Change working hours');
      expect(opened.kind).toBe('form');
      if (opened.kind !== 'form') return;
      const formCard = show(opened);
      cards.push(formCard);
      const submit = formCard.actions![0]!;
      const sent = { ...submit.data, start: '17:00', end: '09:00', days: 'someday', timeZone: 'Mars/Olympus' };
      const read = readTeamsAction(sent);
      expect(read).toEqual({ kind: 'form', callbackId: 'hours', metadata: undefined });
      const rejected = await submitForm(ctx(), deps, 'hours', readTeamsFormValues(opened.form, sent), undefined);
      expect(rejected.kind).toBe('invalid');
      if (rejected.kind !== 'invalid') return;
      const withErrors = renderForm(opened.form, rejected.errors);
      expect(runsIn(withErrors).filter((r) => r.color === 'attention').map((r) => r.text)).toEqual(Object.values(rejected.errors));
      const accepted = await submitForm(ctx(), deps, 'hours', readTeamsFormValues(opened.form, { ...sent, start: '08:30', end: '16:30', days: 'mon-fri', timeZone: 'Europe/Berlin' }), undefined);
      expect(accepted.kind).toBe('done');
      if (accepted.kind === 'done') cards.push(render(accepted.message));
      await run(command('hours 08:00-16:00 mon-thu Europe/Berlin'));
      await run(command('hours edit'));

      // What the use cases queued for later delivery (welcome and hand-over DMs…) renders too.
      const queued = await database.db.prisma.outboxMessage.findMany({ orderBy: { id: 'asc' } });
      expect(queued.length).toBeGreaterThan(0);
      for (const row of queued) cards.push(render(row.payload as unknown as Message));

      expect(cards.length).toBeGreaterThan(25);
      for (const card of cards) {
        expect(bytes(card)).toBeLessThanOrEqual(TEAMS_LIMITS.cardBytes);
        expect(typesIn(card.body)).not.toContain('TextBlock');
      }
      // Pat's display name, full of Markdown and an <at> tag, is shown as typed wherever Pat is named.
      expect(cards.flatMap((c) => runsIn(c)).some((r) => r.text === `Pat ${HOSTILE}` && r.weight === 'bolder')).toBe(true);
    });
  });
});

