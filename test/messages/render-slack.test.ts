import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { actions, bold, code, context, header, message, rich, section, user } from '../../src/messages/build.js';
import type { Block, Button, Form, Input, Message, Rich } from '../../src/messages/model.js';
import {
  readSlackFormValues,
  renderSlackInfoModal,
  renderSlackMessage,
  renderSlackModal,
  SLACK_LIMITS,
  slackActionIdBase,
  SlackRenderError,
  type SlackKnownBlock,
} from '../../src/messages/render-slack.js';
import { expectValidInfoModal, expectValidMessage, expectValidModal } from '../support/block-kit.js';

const WJ = '\u2060';

// ---------------------------------------------------------------------------------------------

/** Render one section and return its mrkdwn text. */
function sectionText(text: Rich): string {
  const rendered = renderSlackMessage(message({ type: 'section', text }));
  expectValidMessage(rendered);
  const block = rendered.blocks[0];
  if (block?.type !== 'section' || !block.text) throw new Error('expected a section with text');
  return block.text.text;
}

const btn = (actionId: string, extra: Partial<Button> = {}): Button => ({ actionId, label: 'Go', value: 'v1', ...extra });

describe('renderSlackMessage: escaping', () => {
  it('escapes broadcast tokens typed by a user', () => {
    expect(sectionText(rich('hey <!channel> and <!here|here> and <!subteam^S1>'))).toBe(
      'hey &lt;!channel&gt; and &lt;!here|here&gt; and &lt;!subteam^S1&gt;',
    );
  });

  it('escapes a typed user mention so it cannot ping', () => {
    expect(sectionText(rich('cc <@U1> <@W2|bob>'))).toBe('cc &lt;@U1&gt; &lt;@W2|bob&gt;');
  });

  it('neutralises @here, @channel and @everyone in any case', () => {
    const out = sectionText(rich('@here @Channel @EVERYONE please'));
    expect(out).toBe(`@${WJ}here @${WJ}Channel @${WJ}EVERYONE please`);
    expect(out).not.toMatch(/@(here|channel|everyone)/i);
  });

  it('neutralises a broadcast word assembled from two spans', () => {
    expect(sectionText(rich('@', 'here'))).toBe(`@${WJ}here`);
    expect(sectionText(rich('@', bold('channel')))).toBe(`@${WJ}*channel*`);
  });

  it('escapes & without double-decoding existing entities', () => {
    expect(sectionText(rich('R&D &amp; QA &lt;b&gt;'))).toBe('R&amp;D &amp;amp; QA &amp;lt;b&amp;gt;');
  });

  it('keeps link syntax typed by a user as text', () => {
    expect(sectionText(rich('<https://evil.example|click here>'))).toBe('&lt;https://evil.example|click here&gt;');
  });

  it('renders an allowed link with an escaped label', () => {
    const out = sectionText([{ type: 'link', url: 'https://example.com/a?b=1&c=2', label: '<b>Spec</b> @here & co' }]);
    expect(out).toBe(`<https://example.com/a?b=1&amp;c=2|&lt;b&gt;Spec&lt;/b&gt; @${WJ}here &amp; co>`);
  });

  it('renders a link without label as a bare URL token', () => {
    expect(sectionText([{ type: 'link', url: 'https://example.com/', label: '  ' }])).toBe('<https://example.com/>');
  });

  it('allows mailto and slack links', () => {
    expect(sectionText([{ type: 'link', url: 'mailto:po@example.com', label: 'mail' }])).toBe('<mailto:po@example.com|mail>');
    expect(sectionText([{ type: 'link', url: 'slack://open?team=T1', label: 'open' }])).toBe('<slack://open?team=T1|open>');
  });

  it('renders javascript:, data: and other schemes as escaped text', () => {
    const cases: [url: string, text: string][] = [
      ['javascript:alert(1)', 'click (javascript:alert(1))'],
      ['JavaScript:alert(document.cookie)', 'click (JavaScript:alert(document.cookie))'],
      ['data:text/html,<b>x</b>', 'click (data:text/html,&lt;b&gt;x&lt;/b&gt;)'],
      ['ftp://example.com/x', 'click (ftp://example.com/x)'],
      ['vbscript:x', 'click (vbscript:x)'],
    ];
    for (const [url, text] of cases) {
      const out = sectionText([{ type: 'link', url, label: 'click' }]);
      expect(out).toBe(text);
      expect(out).not.toContain('<');
    }
  });

  it('renders an unparseable URL crafted to inject a label as text', () => {
    const out = sectionText([{ type: 'link', url: 'https://evil|click', label: 'docs' }]);
    expect(out).toBe('docs (https://evil|click)');
  });

  it('percent-encodes characters that would end the link token early', () => {
    const out = sectionText([{ type: 'link', url: 'https://example.com/a|b>c<d e', label: 'x' }]);
    expect(out).toBe('<https://example.com/a%7Cb%3Ec%3Cd%20e|x>');
    const mail = sectionText([{ type: 'link', url: 'mailto:a@example.com?subject=<x>|y', label: 'm' }]);
    expect(mail).toBe('<mailto:a@example.com?subject=%3Cx%3E%7Cy|m>');
  });

  it('renders user and channel spans as real mentions, invalid ids as text', () => {
    expect(sectionText([user('U0123ABC'), rich(' & ')[0]!, user('W0999', 'Wendy')])).toBe('<@U0123ABC> &amp; <@W0999>');
    expect(sectionText([user('!channel', 'all')])).toBe('@all');
    expect(sectionText([user('U1>|<!here')])).toBe(`@U1&gt;|&lt;!here`);
    expect(sectionText([{ type: 'channel', channelId: 'C024BE91L' }])).toBe('<#C024BE91L>');
    expect(sectionText([{ type: 'channel', channelId: 'general', name: '<general>' }])).toBe('#&lt;general&gt;');
  });

  it('renders dates as Slack date tokens with an ISO fallback', () => {
    const at = new Date('2023-11-14T22:13:20.000Z');
    expect(sectionText([{ type: 'date', at }])).toBe('<!date^1700000000^{date_short_pretty} {time}|2023-11-14T22:13:20.000Z>');
    expect(sectionText([{ type: 'date', at: new Date(Number.NaN) }])).toBe('Invalid date');
    expect(sectionText([{ type: 'date', at: 'not a date' }])).toBe('Invalid date');
  });

  it('renders a stored message (its dates now ISO strings) as it rendered the original', () => {
    const at = new Date('2023-11-14T22:13:20.000Z');
    const original = message(section('Due ', { type: 'date', at, timeZone: 'Europe/Berlin' }), context('Updated ', { type: 'date', at }));
    const stored = JSON.parse(JSON.stringify(original)) as Message;
    expect(stored.blocks[0]).toMatchObject({ text: [{}, { at: '2023-11-14T22:13:20.000Z' }] });
    const out = renderSlackMessage(stored);
    expectValidMessage(out);
    expect(out).toEqual(renderSlackMessage(original));
    expect(out.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'Due <!date^1700000000^{date_short_pretty} {time}|2023-11-14T22:13:20.000Z>' } });
  });

  it('renders bold, italic and code, keeping whitespace outside the markers', () => {
    expect(sectionText(rich(bold('Sprint '), { type: 'text', text: 'goal ', style: 'italic' }, code('npm `run` <x>')))).toBe(
      '*Sprint* _goal_ `npm run &lt;x&gt;`',
    );
    expect(sectionText(rich(bold('line one\nline two')))).toBe('*line one*\n*line two*');
    expect(sectionText(rich('a', code('``'), 'b'))).toBe('ab');
  });
});

describe('renderSlackMessage: blocks', () => {
  it('renders every block type as valid Block Kit', () => {
    const m = message(
      header('Sprint 42 <!here>'),
      section('Hello ', user('U123'), '!'),
      { type: 'fields', fields: [{ label: 'Owner', value: rich(user('U123')) }, { label: '', value: rich('no label') }] },
      context('Updated ', { type: 'date', at: new Date(0) }),
      { type: 'divider' },
      actions(btn('approve', { style: 'primary' }), btn('reject', { style: 'danger', confirm: { title: 'Sure?', text: 'Really <@U1>?', confirmLabel: 'Yes', denyLabel: 'No' } })),
      { type: 'list', items: [rich('first'), rich(bold('second'))] },
    );
    const out = renderSlackMessage(m);
    expectValidMessage(out);
    expect(out.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Sprint 42 <!here>', emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: 'Hello <@U123>!' } },
      { type: 'section', fields: [{ type: 'mrkdwn', text: '*Owner*\n<@U123>' }, { type: 'mrkdwn', text: 'no label' }] },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Updated <!date^0^{date_short_pretty} {time}|1970-01-01T00:00:00.000Z>' }] },
      { type: 'divider' },
      {
        type: 'actions',
        elements: [
          { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Go', emoji: true }, value: 'v1', style: 'primary' },
          {
            type: 'button',
            action_id: 'reject',
            text: { type: 'plain_text', text: 'Go', emoji: true },
            value: 'v1',
            style: 'danger',
            confirm: {
              title: { type: 'plain_text', text: 'Sure?', emoji: true },
              text: { type: 'plain_text', text: 'Really <@U1>?', emoji: true },
              confirm: { type: 'plain_text', text: 'Yes', emoji: true },
              deny: { type: 'plain_text', text: 'No', emoji: true },
              style: 'danger',
            },
          },
        ],
      },
      { type: 'section', text: { type: 'mrkdwn', text: '• first\n• *second*' } },
    ]);
  });

  it('builds an escaped, unstyled fallback text from the textual blocks', () => {
    const out = renderSlackMessage(
      message(header('Standup <!channel>'), section(bold('Done'), ' @here'), { type: 'fields', fields: [{ label: 'Due', value: rich('Fri') }] }, actions(btn('a'))),
    );
    expect(out.text).toBe(`Standup &lt;!channel&gt;\nDone @${WJ}here\nDue: Fri`);
  });

  it('drops blocks that would be empty instead of sending invalid Block Kit', () => {
    const out = renderSlackMessage(
      message(header('  '), section(''), context(' '), { type: 'list', items: [] }, { type: 'fields', fields: [] }, actions(), { type: 'divider' }),
    );
    expectValidMessage(out);
    expect(out.blocks).toEqual([{ type: 'divider' }]);
  });

  it('drops blank list items, as Teams and the playground do, and a list with only blank items', () => {
    const out = renderSlackMessage(
      message(
        { type: 'list', items: [rich('one'), rich('  '), [], [{ type: 'link', url: ' ', label: '' }], rich('two', code(' '))] },
        { type: 'list', items: [rich(' \n '), []] },
        { type: 'list', items: [[{ type: 'date', at: new Date(0) }]] },
      ),
    );
    expectValidMessage(out);
    expect(out.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '• one\n• two ' } },
      { type: 'section', text: { type: 'mrkdwn', text: '• <!date^0^{date_short_pretty} {time}|1970-01-01T00:00:00.000Z>' } },
    ]);
    expect(out.text).toBe('• one\n• two \n• <!date^0^{date_short_pretty} {time}|1970-01-01T00:00:00.000Z>');
  });

  it('omits an empty button value', () => {
    const out = renderSlackMessage(message(actions(btn('a', { value: '' }))));
    expect(out.blocks[0]).toMatchObject({ elements: [{ action_id: 'a' }] });
    expect(JSON.stringify(out.blocks)).not.toContain('"value"');
  });
});

describe('renderSlackMessage: limits', () => {
  it('truncates section text to 3000 chars', () => {
    const out = sectionText(rich('a'.repeat(5000)));
    expect(out).toHaveLength(3000);
    expect(out).toBe(`${'a'.repeat(2999)}…`);
  });

  it('never cuts an escape sequence in half', () => {
    for (const pad of [0, 1, 2, 3, 4]) {
      const out = sectionText(rich('x'.repeat(pad), '&<>'.repeat(1000)));
      expect(out.length).toBeLessThanOrEqual(3000);
      expect(out.endsWith('…')).toBe(true);
      expect(out.slice(pad, -1)).toMatch(/^(&amp;|&lt;|&gt;)+$/);
    }
  });

  it('never cuts a mention token; it degrades to plain text instead', () => {
    const out = sectionText(rich('a'.repeat(2990), user('U0123456789', 'alice'), ' tail'));
    expect(out.length).toBeLessThanOrEqual(3000);
    expect(out).not.toContain('<@');
    expect(out).toBe(`${'a'.repeat(2990)}@alice…`);
    const fits = sectionText(rich('a'.repeat(2980), user('U0123456789'), 'b'.repeat(100)));
    expect(fits).toBe(`${'a'.repeat(2980)}<@U0123456789>${'b'.repeat(5)}…`);
  });

  it('never cuts a link token or a bold marker pair', () => {
    const link = sectionText(rich('a'.repeat(2990), { type: 'link', url: 'https://example.com/very/long/path', label: 'the spec' }));
    expect(link).toBe(`${'a'.repeat(2990)}the spec…`);
    const boldOut = sectionText(rich('a'.repeat(2990), bold('b'.repeat(50))));
    expect(boldOut).toBe(`${'a'.repeat(2990)}*${'b'.repeat(7)}*…`);
  });

  it('does not split surrogate pairs when truncating', () => {
    const out = renderSlackMessage(message(header('😀'.repeat(100)), section('😀'.repeat(2000))));
    expectValidMessage(out);
    const h = out.blocks[0];
    if (h?.type !== 'header') throw new Error('expected header');
    expect(h.text.text).toBe(`${'😀'.repeat(74)}…`);
  });

  it('truncates the header to 150 chars', () => {
    const out = renderSlackMessage(message(header('h'.repeat(200))));
    expectValidMessage(out);
    expect(out.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: `${'h'.repeat(149)}…`, emoji: true } });
  });

  it('truncates context text to 3000 chars in a single element', () => {
    const out = renderSlackMessage(message(context('c'.repeat(4000))));
    expectValidMessage(out);
    expect(out.blocks[0]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: `${'c'.repeat(2999)}…` }] });
  });

  it('splits more than 10 fields into several sections and truncates each field to 2000', () => {
    const fields = Array.from({ length: 23 }, (_, i) => ({ label: `F${i}`, value: rich('v'.repeat(i === 0 ? 5000 : 3)) }));
    const out = renderSlackMessage(message({ type: 'fields', fields }));
    expectValidMessage(out);
    expect(out.blocks.map((b) => (b.type === 'section' ? b.fields?.length : 0))).toEqual([10, 10, 3]);
    const first = out.blocks[0];
    if (first?.type !== 'section' || !first.fields?.[0]) throw new Error('expected fields');
    expect(first.fields[0].text).toHaveLength(2000);
    expect(first.fields[0].text.startsWith('*F0*\nvvv')).toBe(true);
  });

  it('splits more than 25 buttons into several actions blocks', () => {
    const out = renderSlackMessage(message(actions(...Array.from({ length: 30 }, (_, i) => btn(`b${i}`)))));
    expectValidMessage(out);
    expect(out.blocks.map((b) => (b.type === 'actions' ? b.elements.length : 0))).toEqual([25, 5]);
  });

  it('truncates button and confirm texts', () => {
    const out = renderSlackMessage(
      message(actions(btn('a', { label: 'L'.repeat(100), confirm: { title: 'T'.repeat(150), text: 'X'.repeat(400), confirmLabel: 'C'.repeat(40), denyLabel: 'D'.repeat(40) } }))),
    );
    expectValidMessage(out);
    const b = out.blocks[0];
    if (b?.type !== 'actions' || b.elements[0]?.type !== 'button') throw new Error('expected a button');
    expect(b.elements[0].text.text).toBe(`${'L'.repeat(74)}…`);
    expect(b.elements[0].confirm?.text.text).toHaveLength(300);
  });

  it('throws rather than truncate a button value or action id (state would be lost)', () => {
    expect(() => renderSlackMessage(message(actions(btn('a', { value: 'v'.repeat(2001) }))))).toThrow(SlackRenderError);
    expect(() => renderSlackMessage(message(actions(btn('a', { value: 'v'.repeat(2000) }))))).not.toThrow();
    expect(() => renderSlackMessage(message(actions(btn('a'.repeat(256)))))).toThrow(/action_id/);
    expect(() => renderSlackMessage(message(actions(btn('a'.repeat(255)))))).not.toThrow();
    expect(() => renderSlackMessage(message(actions(btn(''))))).toThrow(SlackRenderError);
  });

  it('keeps at most 50 blocks: 60 become 49 and "…and 11 more"', () => {
    const blocks: Block[] = Array.from({ length: 60 }, (_, i) => ({ type: 'section', text: rich(`item ${i}`) }));
    const out = renderSlackMessage({ blocks });
    expectValidMessage(out);
    expect(out.blocks).toHaveLength(SLACK_LIMITS.messageBlocks);
    expect(out.blocks[48]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'item 48' } });
    expect(out.blocks[49]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '…and 11 more' }] });
    expect(renderSlackMessage({ blocks: blocks.slice(0, 50) }).blocks).toHaveLength(50);
  });

  it('packs a long list into several sections without losing items', () => {
    const items = Array.from({ length: 100 }, (_, i) => rich(`story ${i} `, 'x'.repeat(60)));
    const out = renderSlackMessage(message({ type: 'list', items }));
    expectValidMessage(out);
    expect(out.blocks.length).toBeGreaterThan(1);
    const lines = out.blocks.flatMap((b) => (b.type === 'section' && b.text ? b.text.text.split('\n') : []));
    expect(lines).toHaveLength(100);
    expect(lines[99]).toBe(`• story 99 ${'x'.repeat(60)}`);
  });

  it('truncates a single list item longer than a section', () => {
    const out = renderSlackMessage(message({ type: 'list', items: [rich('y'.repeat(4000)), rich('next')] }));
    expectValidMessage(out);
    expect(out.blocks).toHaveLength(2);
    const [first, second] = out.blocks.map((b) => (b.type === 'section' ? b.text?.text : undefined));
    expect(first).toHaveLength(SLACK_LIMITS.sectionText);
    expect(first).toBe(`• ${'y'.repeat(2997)}…`);
    expect(second).toBe('• next');
  });

  it('caps the fallback text at 3000 chars', () => {
    const out = renderSlackMessage(message(section('&'.repeat(2000)), section('b'.repeat(2000))));
    expectValidMessage(out);
    expect(out.text.length).toBeLessThanOrEqual(3000);
    expect(out.text.slice(0, -1)).toMatch(/^(&amp;)+$/);
  });

  it('produces valid Block Kit for a large hostile message', () => {
    const hostile = '<!channel> @here & <@U1> <https://x|y> `code` *b* _i_ 😀\n';
    const m: Message = {
      blocks: [
        header(hostile.repeat(10)),
        ...Array.from({ length: 30 }, () => section(hostile.repeat(100), bold(hostile.repeat(20)), user('U1'))),
        { type: 'fields', fields: Array.from({ length: 15 }, () => ({ label: hostile.repeat(30), value: rich(hostile.repeat(40)) })) },
        { type: 'list', items: Array.from({ length: 80 }, () => rich(hostile)) },
        actions(...Array.from({ length: 40 }, (_, i) => btn(i % 2 ? 'dup' : `b${i}`, { label: hostile }))),
      ],
    };
    expectValidMessage(renderSlackMessage(m));
  });
});

describe('renderSlackMessage: duplicate action ids', () => {
  it('suffixes later duplicates across the whole message', () => {
    const out = renderSlackMessage(message(actions(btn('approve'), btn('approve'), btn('reject')), actions(btn('approve'))));
    expectValidMessage(out);
    const ids = out.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => (e as { action_id?: string }).action_id) : []));
    expect(ids).toEqual(['approve', 'approve:2', 'reject', 'approve:3']);
  });

  it('skips a suffix already taken by an explicit id', () => {
    const out = renderSlackMessage(message(actions(btn('a'), btn('a:2'), btn('a'))));
    expectValidMessage(out);
    const b = out.blocks[0];
    if (b?.type !== 'actions') throw new Error('expected actions');
    expect(b.elements.map((e) => (e as { action_id?: string }).action_id)).toEqual(['a', 'a:2', 'a:3']);
  });

  it('routes suffixed ids back to their base id', () => {
    expect(slackActionIdBase('approve:2')).toBe('approve');
    expect(slackActionIdBase('approve')).toBe('approve');
    expect(slackActionIdBase('ns:approve:12')).toBe('ns:approve');
  });
});

// ---------------------------------------------------------------------------------------------

const allInputs: Input[] = [
  { id: 'title', type: 'text', label: 'Title', required: true, maxLength: 150, initial: 'Draft', placeholder: 'What is it?' },
  { id: 'details', type: 'text', label: 'Details', multiline: true, hint: 'Markdown is not rendered' },
  {
    id: 'priority',
    type: 'select',
    label: 'Priority',
    required: true,
    options: [
      { value: 'high', label: 'High' },
      { value: 'low', label: 'Low' },
    ],
    initial: 'low',
  },
  { id: 'due', type: 'date', label: 'Due date', initial: '2025-03-31' },
  { id: 'at', type: 'time', label: 'Time', initial: '09:30' },
  { id: 'owner', type: 'user', label: 'Owner', initial: 'U0123' },
];

const form = (extra: Partial<Form> = {}): Form => ({
  callbackId: 'request.create',
  title: 'New request',
  submitLabel: 'Create',
  metadata: '{"teamId":"T1"}',
  inputs: allInputs,
  ...extra,
});

describe('renderSlackModal', () => {
  it('renders every input type', () => {
    const view = renderSlackModal(form());
    expectValidModal(view);
    const pt = (text: string) => ({ type: 'plain_text', text, emoji: true });
    expect(view).toEqual({
      type: 'modal',
      callback_id: 'request.create',
      title: pt('New request'),
      submit: pt('Create'),
      close: pt('Cancel'),
      private_metadata: '{"teamId":"T1"}',
      blocks: [
        {
          type: 'input',
          block_id: 'title',
          label: pt('Title'),
          optional: false,
          element: { type: 'plain_text_input', action_id: 'title', max_length: 150, initial_value: 'Draft', placeholder: pt('What is it?') },
        },
        {
          type: 'input',
          block_id: 'details',
          label: pt('Details'),
          optional: true,
          hint: pt('Markdown is not rendered'),
          element: { type: 'plain_text_input', action_id: 'details', multiline: true },
        },
        {
          type: 'input',
          block_id: 'priority',
          label: pt('Priority'),
          optional: false,
          element: {
            type: 'static_select',
            action_id: 'priority',
            options: [
              { text: pt('High'), value: 'high' },
              { text: pt('Low'), value: 'low' },
            ],
            initial_option: { text: pt('Low'), value: 'low' },
          },
        },
        { type: 'input', block_id: 'due', label: pt('Due date'), optional: true, element: { type: 'datepicker', action_id: 'due', initial_date: '2025-03-31' } },
        { type: 'input', block_id: 'at', label: pt('Time'), optional: true, element: { type: 'timepicker', action_id: 'at', initial_time: '09:30' } },
        { type: 'input', block_id: 'owner', label: pt('Owner'), optional: true, element: { type: 'users_select', action_id: 'owner', initial_user: 'U0123' } },
      ],
    });
  });

  it('omits private_metadata when the form has none', () => {
    const view = renderSlackModal(form({ metadata: undefined }));
    expectValidModal(view);
    expect('private_metadata' in view).toBe(false);
  });

  it('truncates title, submit, labels, hints, placeholders and option texts', () => {
    const view = renderSlackModal(
      form({
        title: 'A very long modal title indeed',
        submitLabel: 'Submit this request right now',
        inputs: [
          { id: 't', type: 'text', label: 'L'.repeat(2500), hint: 'H'.repeat(2500), placeholder: 'P'.repeat(200), maxLength: 10_000, initial: 'i'.repeat(4000) },
          { id: 's', type: 'select', label: 'S', options: Array.from({ length: 150 }, (_, i) => ({ value: `v${i}`, label: `${i} ${'o'.repeat(100)}` })), initial: 'v120' },
          { id: 'n', type: 'text', label: 'N', maxLength: 0, initial: 'abc' },
        ],
      }),
    );
    expectValidModal(view);
    expect(view.title.text).toBe('A very long modal title…');
    expect(view.title.text).toHaveLength(24);
    expect(view.submit?.text).toHaveLength(24);
    const [t, s, n] = view.blocks as SlackKnownBlock[];
    if (t?.type !== 'input' || t.element.type !== 'plain_text_input') throw new Error('expected a text input');
    expect(t.element.max_length).toBe(3000);
    expect(t.element.initial_value).toHaveLength(3000);
    if (s?.type !== 'input' || s.element.type !== 'static_select') throw new Error('expected a select');
    expect(s.element.options).toHaveLength(100);
    expect(s.element.initial_option).toBeUndefined();
    if (n?.type !== 'input' || n.element.type !== 'plain_text_input') throw new Error('expected a text input');
    expect(n.element).toMatchObject({ max_length: 1, initial_value: '…' });
  });

  it('throws on metadata longer than 3000 chars instead of losing state', () => {
    expect(() => renderSlackModal(form({ metadata: 'm'.repeat(3001) }))).toThrow(/private_metadata/);
    expectValidModal(renderSlackModal(form({ metadata: 'm'.repeat(3000) })));
  });

  it('throws on forms Slack cannot show faithfully', () => {
    const text = (id: string): Input => ({ id, type: 'text', label: id });
    expect(() => renderSlackModal(form({ inputs: Array.from({ length: 101 }, (_, i) => text(`i${i}`)) }))).toThrow(/100 blocks/);
    expectValidModal(renderSlackModal(form({ inputs: Array.from({ length: 100 }, (_, i) => text(`i${i}`)) })));
    expect(() => renderSlackModal(form({ inputs: [text('a'), text('a')] }))).toThrow(/two inputs/);
    expect(() => renderSlackModal(form({ inputs: [text('x'.repeat(256))] }))).toThrow(/block_id/);
    expect(() => renderSlackModal(form({ callbackId: 'c'.repeat(256) }))).toThrow(/callback_id/);
    expect(() => renderSlackModal(form({ inputs: [{ id: 's', type: 'select', label: 'S', options: [] }] }))).toThrow(/no options/);
    expect(() => renderSlackModal(form({ inputs: [{ id: 's', type: 'select', label: 'S', options: [{ value: 'v'.repeat(151), label: 'x' }] }] }))).toThrow(SlackRenderError);
    expect(() => renderSlackModal(form({ inputs: [{ id: 'd', type: 'date', label: 'D', initial: '31/03/2025' }] }))).toThrow(/YYYY-MM-DD/);
    expect(() => renderSlackModal(form({ inputs: [{ id: 't', type: 'time', label: 'T', initial: '9:30' }] }))).toThrow(/HH:mm/);
  });
});

describe('renderSlackInfoModal', () => {
  it('shows a message under the form’s title with a Done button and no submit', () => {
    const confirmation = message(section('Your working hours are now ', bold('09:00–17:00'), '.'), context('po-desk <counts> @here'));
    const view = renderSlackInfoModal('Working hours', confirmation);
    const blocks = expectValidInfoModal(view);
    expect(view.title).toEqual({ type: 'plain_text', text: 'Working hours', emoji: true });
    expect(view.close).toEqual({ type: 'plain_text', text: 'Done', emoji: true });
    expect(view.submit).toBeUndefined();
    expect(blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'Your working hours are now *09:00–17:00*.' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `po-desk &lt;counts&gt; @${WJ}here` }] },
    ]);
    expect(blocks).toEqual(renderSlackMessage(confirmation).blocks); // escaped exactly as in chat
  });

  it('truncates a long title and never leaves the modal empty', () => {
    const view = renderSlackInfoModal('A title far longer than Slack allows', message(section('   ')));
    expectValidInfoModal(view);
    expect(view.title.text).toHaveLength(24);
    expect(view.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'Done.' } }]);
    expect(renderSlackInfoModal('  ', message(section('x'))).title.text).toBe('po-desk');
  });

  it('keeps a long message within the limits', () => {
    const long = message(...Array.from({ length: 80 }, (_, i) => section(`line ${i} ${'x'.repeat(4000)}`)));
    expect(expectValidInfoModal(renderSlackInfoModal('Long', long))).toHaveLength(50);
  });
});

// ---------------------------------------------------------------------------------------------

interface ViewSubmission {
  type: 'view_submission';
  view: { callback_id: string; private_metadata: string; blocks: unknown[]; state: { values: Record<string, Record<string, unknown>> } };
}

/** A real view_submission body from bolt-python's tests (see test/fixtures/slack/SOURCES.txt). */
const fixture = (): ViewSubmission =>
  JSON.parse(readFileSync(new URL('../fixtures/slack/view_submission.payload.json', import.meta.url), 'utf8')) as ViewSubmission;

describe('readSlackFormValues', () => {
  it('reads the real fixture payload (its action_id differs from its block_id)', () => {
    const body = fixture();
    const f: Form = { callbackId: 'view-id', title: 'My App', submitLabel: 'Submit', inputs: [{ id: 'hspI', type: 'text', label: 'Label', required: true }] };
    expect(readSlackFormValues(f, body.view.state.values)).toEqual({ hspI: 'test' });
  });

  it('reads every input type from a submission of the rendered modal', () => {
    const body = fixture();
    const view = renderSlackModal(form());
    body.view.blocks = view.blocks;
    body.view.callback_id = view.callback_id ?? '';
    body.view.private_metadata = view.private_metadata ?? '';
    // State shapes as Slack sends them for each element type.
    body.view.state.values = {
      title: { title: { type: 'plain_text_input', value: '  Checkout is slow  ' } },
      details: { details: { type: 'plain_text_input', value: '   ' } },
      priority: { priority: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'High', emoji: true }, value: 'high' } } },
      due: { due: { type: 'datepicker', selected_date: '2025-04-01' } },
      at: { at: { type: 'timepicker', selected_time: '14:05', timezone: 'Europe/Berlin' } },
      owner: { owner: { type: 'users_select', selected_user: 'W0456' } },
    };
    const submitted = JSON.parse(JSON.stringify(body)) as ViewSubmission;
    expect(readSlackFormValues(form(), submitted.view.state.values)).toEqual({
      title: 'Checkout is slow',
      details: null,
      priority: 'high',
      due: '2025-04-01',
      at: '14:05',
      owner: 'W0456',
    });
  });

  it('returns null for empty, missing or malformed entries', () => {
    const values = {
      title: { title: { type: 'plain_text_input', value: null } },
      priority: { priority: { type: 'static_select', selected_option: null } },
      due: { due: { type: 'datepicker', selected_date: null } },
      at: { at: { type: 'timepicker', selected_time: null } },
      owner: { owner: 'not an object' },
    };
    expect(readSlackFormValues(form(), values)).toEqual({ title: null, details: null, priority: null, due: null, at: null, owner: null });
    expect(readSlackFormValues(form(), {})).toEqual({ title: null, details: null, priority: null, due: null, at: null, owner: null });
  });

  it('ignores unknown blocks and does not guess between several elements', () => {
    const values = { other: { x: { type: 'plain_text_input', value: 'x' } }, title: { a: { value: 'a' }, b: { value: 'b' } } };
    expect(readSlackFormValues(form(), values).title).toBeNull();
  });
});
