import { describe, expect, it, vi } from 'vitest';

import { problemMessage, refusalMessage, mentionList, ONE_PO } from '../../src/app/replies.js';
import { showHelp } from '../../src/app/show-help.js';
import { HELP, helpFor } from '../../src/domain/command.js';
import { actions, bold, code, context, header, message, rich, section, user } from '../../src/messages/build.js';
import type { Block, Button, Form, Input, Message, Span } from '../../src/messages/model.js';
import { escapeHtml, playgroundMessageHref, renderHtmlForm, renderHtmlMessage, type HtmlNames, type HtmlOptions } from '../../src/messages/render-html.js';
import { WORD_JOINER } from '../../src/messages/render-common.js';
import { htmlProblems } from '../support/html.js';

// ---------------------------------------------------------------------------------------------
// A tiny reader for the HTML this renderer writes. It escapes every `<`, `>`, `"` and `'` in text and
// attribute values, so every `<` starts a tag and regular expressions can read the output reliably.
// ---------------------------------------------------------------------------------------------

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const decode = (s: string): string => s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);

interface Tag {
  name: string;
  attrs: Record<string, string>;
  /** The raw tag, as written. */
  raw: string;
}

function tags(html: string, name?: string): Tag[] {
  return [...html.matchAll(/<([a-z0-9]+)([^<>]*)>/g)]
    .map(([raw, tag = '', rest = '']) => {
      const attrs: Record<string, string> = {};
      for (const [, key = '', dq, sq] of rest.matchAll(/\s([a-z-]+)(?:="([^"]*)"|='([^']*)')?/g)) attrs[key] = decode(dq ?? sq ?? '');
      return { name: tag, attrs, raw };
    })
    .filter((t) => name === undefined || t.name === name);
}

function only(html: string, name: string): Tag {
  const found = tags(html, name);
  expect(found, `one <${name}> in ${html}`).toHaveLength(1);
  return found[0]!;
}

/** What a person reads: tags dropped, `<br>` as a newline, entities decoded. */
const textOf = (html: string): string => decode(html.replace(/<br>/g, '\n').replace(/<[^<>]*>/g, ''));

/** The inner HTML of every `<name …>…</name>` (not nested). */
const contents = (html: string, name: string): string[] =>
  [...html.matchAll(new RegExp(`<${name}(?:\\s[^<>]*)?>([\\s\\S]*?)</${name}>`, 'g'))].map((m) => m[1] ?? '');

function expectWellFormed(html: string): void {
  expect(htmlProblems(html), `problems in ${html}`).toEqual([]);
}

const NO_NAMES: HtmlNames = { user: () => undefined, channel: () => undefined };
const OPTIONS: HtmlOptions = { names: NO_NAMES, timeZone: 'Europe/Berlin' };

function render(m: Message, options: HtmlOptions = OPTIONS): string {
  const html = renderHtmlMessage(m, options);
  expectWellFormed(html);
  return html;
}
const renderBlocks = (...blocks: Block[]): string => render(message(...blocks));
const renderSpans = (...spans: (string | Span)[]): string => {
  const html = renderBlocks({ type: 'section', text: rich(...spans) });
  expect(html).toMatch(/^<p>[\s\S]*<\/p>$/);
  return html.slice('<p>'.length, -'</p>'.length);
};

const PEOPLE = [
  { id: 'U-priya', name: 'Priya Patel' },
  { id: 'U-alex', name: 'Alex <Kim> & "Co"' },
];
function renderForm(form: Form, people = PEOPLE): string {
  const html = renderHtmlForm(form, { people });
  expectWellFormed(html);
  return html;
}
const formOf = (...inputs: Input[]): Form => ({ callbackId: 'cb', title: 'T', submitLabel: 'Save', inputs });
/** The `<div class="po-field">` of one input. */
function field(html: string, id: string): string {
  const all = [...html.matchAll(/<div class="po-field">([\s\S]*?)<\/div>/g)].map((m) => m[1] ?? '');
  const mine = all.filter((f) => tags(f).some((t) => t.attrs.name === id));
  expect(mine, `one field named ${id}`).toHaveLength(1);
  return mine[0]!;
}

const HOSTILE = `<script>alert("x")</script> <img src=x onerror='alert(1)'> Tom & Jerry &amp; "quoted"`;
const WJ = WORD_JOINER;

// ---------------------------------------------------------------------------------------------

describe('htmlProblems (the well-formedness check itself)', () => {
  it('accepts balanced, escaped markup and names what is wrong otherwise', () => {
    expect(htmlProblems('<p>a &amp; b<br><input type="text" required></p><hr>')).toEqual([]);
    expect(htmlProblems('<p><strong>x</p>')).toEqual(['</p> closes <strong>', '<p> not closed']);
    expect(htmlProblems('x</p>')).toEqual(['</p> closes nothing']);
    expect(htmlProblems('<p>a > b & c</p>')).toEqual(['a stray "<" or ">" outside tags', 'a bare "&"']);
    expect(htmlProblems('<button data-value="a"b">x</button>')).toEqual(['<button data-value="a"b">: malformed attributes']);
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and quoted attributes, and nothing else', () => {
    expect(escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
    expect(escapeHtml('plain — text, ümlaut 🚀 @channel')).toBe('plain — text, ümlaut 🚀 @channel');
    expect(escapeHtml('')).toBe('');
  });
});

describe('renderHtmlMessage: text', () => {
  it('shows hostile text literally: no markup of its own, and it reads back exactly', () => {
    const html = renderSpans(HOSTILE);
    expect(html).not.toMatch(/<script|<img/);
    expect(tags(html)).toEqual([]);
    expect(html).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;img src=x onerror=&#39;alert(1)&#39;&gt; Tom &amp; Jerry &amp;amp; &quot;quoted&quot;',
    );
    expect(textOf(html)).toBe(HOSTILE);
  });

  it('escapes text in every kind of block', () => {
    const html = renderBlocks(
      header(HOSTILE),
      section(HOSTILE),
      context(HOSTILE),
      { type: 'fields', fields: [{ label: HOSTILE, value: rich(HOSTILE) }] },
      { type: 'list', items: [rich(HOSTILE)] },
      actions({ actionId: 'a', label: HOSTILE, value: HOSTILE }),
    );
    expect(tags(html).map((t) => t.name)).toEqual(['h3', 'p', 'p', 'dl', 'div', 'dt', 'dd', 'ul', 'li', 'div', 'button']);
    expect(html.split('&lt;script&gt;')).toHaveLength(9); // 7 texts, plus the button's data-value
  });

  it('renders styles as strong, em and code, and keeps people’s markdown literal', () => {
    expect(renderSpans(bold('b'), ' ', { type: 'text', text: 'i', style: 'italic' }, ' ', code('/po <x>'))).toBe(
      '<strong>b</strong> <em>i</em> <code>/po &lt;x&gt;</code>',
    );
    expect(renderSpans('*not bold* _nor italic_ `nor code` [x](http://evil)')).toBe('*not bold* _nor italic_ `nor code` [x](http://evil)');
  });

  it('turns every kind of line break into <br>, and nothing else', () => {
    expect(renderSpans('one\ntwo\r\nthree\rfour', bold('\nfive'))).toBe('one<br>two<br>three<br>four<strong><br>five</strong>');
  });

  it('defuses @channel, @here and @everyone (any case) and a trailing @ in everything people read', () => {
    const html = renderBlocks(
      header('@here header'),
      section('hi @channel, @HERE and @Everyone; mail a@b.c; end @'),
      { type: 'fields', fields: [{ label: '@here', value: rich('@everyone') }] },
      { type: 'list', items: [rich('@channel')] },
      actions({ actionId: 'a', label: '@channel', value: '@channel @here' }),
    );
    expect(textOf(html)).not.toMatch(/@(channel|here|everyone)/i);
    expect(renderSpans('hi @channel, @HERE and @Everyone; mail a@b.c; end @')).toBe(
      `hi @${WJ}channel, @${WJ}HERE and @${WJ}Everyone; mail a@b.c; end @${WJ}`,
    );
    // A split "@" + "here" does not join into a broadcast either.
    expect(textOf(renderSpans('@', bold('here')))).toBe(`@${WJ}here`);
    // State is not text: the button's value goes back to the server exactly as it was.
    expect(only(html, 'button').attrs['data-value']).toBe('@channel @here');
  });

  it('names mentions from the span, else the resolver, else the id; escapes both name and id', () => {
    const names: HtmlNames = { user: vi.fn((id: string) => (id === 'U-alex' ? 'Alex <b>Kim</b>' : undefined)), channel: () => undefined };
    const html = render(message(section(user('U-priya', 'Priya'), ' ', user('U-alex'), ' ', user('U"x<y>'))), { names, timeZone: 'UTC' });
    expect(html).toBe(
      '<p><span class="po-mention" data-user-id="U-priya">@Priya</span> ' +
        '<span class="po-mention" data-user-id="U-alex">@Alex &lt;b&gt;Kim&lt;/b&gt;</span> ' +
        '<span class="po-mention" data-user-id="U&quot;x&lt;y&gt;">@U&quot;x&lt;y&gt;</span></p>',
    );
    // The span's own name wins: the resolver is only asked about the mentions without one.
    expect(vi.mocked(names.user).mock.calls).toEqual([['U-alex'], ['U"x<y>']]);
    // A blank name falls through; a person called "channel" is no broadcast.
    expect(renderSpans(user('U-x', '  '))).toContain('>@U-x<');
    expect(textOf(renderSpans(user('U-x', 'channel')))).toBe(`@${WJ}channel`);
  });

  it('names channels from the span, else the resolver, else the id', () => {
    const names: HtmlNames = { user: () => undefined, channel: (id) => (id === 'C-rocket' ? 'rocket' : undefined) };
    const html = render(
      message(section({ type: 'channel', channelId: 'C-1', name: 'general' }, ' ', { type: 'channel', channelId: 'C-rocket' }, ' ', { type: 'channel', channelId: 'C-9' })),
      { names, timeZone: 'UTC' },
    );
    expect(tags(html, 'span').map((t) => t.attrs)).toEqual([
      { class: 'po-channel', 'data-channel-id': 'C-1' },
      { class: 'po-channel', 'data-channel-id': 'C-rocket' },
      { class: 'po-channel', 'data-channel-id': 'C-9' },
    ]);
    expect(textOf(html)).toBe('#general #rocket #C-9');
  });
});

describe('renderHtmlMessage: links', () => {
  const link = (url: string, label: string): Span => ({ type: 'link', url, label });

  it('links http(s) and mailto URLs, opening a new tab without opener or referrer', () => {
    expect(renderSpans(link('https://example.com/a?b=1&c=2', 'the docs'))).toBe(
      '<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer" target="_blank">the docs</a>',
    );
    expect(only(renderSpans(link('  http://example.com', '')), 'a').attrs.href).toBe('http://example.com/');
    expect(textOf(renderSpans(link('http://example.com', '')))).toBe('http://example.com/');
    expect(only(renderSpans(link('mailto:po@example.com', 'mail the PO')), 'a').attrs.href).toBe('mailto:po@example.com');
  });

  it('keeps a quote in the URL from ending the attribute, and escapes the label', () => {
    const html = renderSpans(link(`https://example.com/?q="><script>x</script>'`, `<b>"label"</b>`));
    const a = only(html, 'a');
    expect(a.attrs.href).toBe(new URL(`https://example.com/?q="><script>x</script>'`).href);
    expect(Object.keys(a.attrs)).toEqual(['href', 'rel', 'target']);
    expect(contents(html, 'a')).toEqual(['&lt;b&gt;&quot;label&quot;&lt;/b&gt;']);
  });

  it.each([
    'javascript:alert(document.cookie)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'slack://open',
    'file:///etc/passwd',
    '/relative/path',
    '//example.com/protocol-relative',
    'https://',
    'not a url',
  ])('shows %s as text, not as a link', (url) => {
    const html = renderSpans(link(url, 'Click me'));
    expect(tags(html)).toEqual([]);
    expect(textOf(html)).toBe(`Click me (${url})`);
  });

  it('shows a refused URL once when it is its own label', () => {
    expect(textOf(renderSpans(link('javascript:alert(1)', 'javascript:alert(1)')))).toBe('javascript:alert(1)');
    expect(textOf(renderSpans(link('javascript:alert(1)', '')))).toBe('javascript:alert(1)');
  });

  it('links to a message on the playground page itself, opening in the page', () => {
    const href = playgroundMessageHref('C-rocket', '42');
    expect(href).toBe('#c=C-rocket&m=42');
    const html = renderSpans(link(href!, 'open the question'));
    expect(html).toBe('<a href="#c=C-rocket&amp;m=42" class="po-message-link">open the question</a>');
    // No new tab: the page follows it (opens the channel and shows the message).
    expect(only(html, 'a').attrs).toEqual({ href: '#c=C-rocket&m=42', class: 'po-message-link' });
    expect(only(renderSpans(link(playgroundMessageHref('D-U-priya', '7')!, '')), 'a').attrs.href).toBe('#c=D-U-priya&m=7');
    expect(textOf(renderSpans(link('#c=C-rocket&m=42', '  ')))).toBe('the message');
    expect(textOf(renderSpans(link('#c=C-rocket&m=42', '<b>"Q1"</b>')))).toBe('<b>"Q1"</b>');
  });

  it.each([
    ['C rocket', '1'],
    ['C-rocket"onmouseover="alert(1)', '1'],
    ['C-rocket&m=1#', '1'],
    ['', '1'],
    ['C-rocket', ''],
    ['C-rocket', '1x'],
    ['C-rocket', '1234567890123456789'],
    ['x'.repeat(101), '1'],
  ])('makes no page link to message %j in channel %j', (channelId, messageId) => {
    expect(playgroundMessageHref(channelId, messageId)).toBeUndefined();
  });

  it.each([
    '#c=C-rocket&m=42&next=javascript:alert(1)',
    '#javascript:alert(1)',
    '#c=javascript:alert(1)&m=1',
    '#m=42',
    '#c=C-rocket',
    '#c=C-rocket&m=',
    '#m=42&c=C-rocket',
    '#c=C rocket&m=42',
    '#c=C-rocket&m=42\n',
    ' #c=C-rocket&m=42',
    '#c=C-rocket&amp;m=42',
    '#',
    '#top',
    '?c=C-rocket&m=42',
  ])('shows any other fragment or relative link %j as text', (url) => {
    const html = renderSpans(link(url, 'Click me'));
    expect(tags(html, 'a')).toEqual([]);
    expect(textOf(html)).toBe(`Click me (${url})`);
  });

  it('shows a message link the dispatcher could not resolve as its label', () => {
    expect(renderSpans({ type: 'messageLink', messageKey: 'question:q1', label: 'open <the> question' })).toBe('open &lt;the&gt; question');
  });
});

describe('renderHtmlMessage: dates', () => {
  const date = (iso: string, timeZone?: string): Span => ({ type: 'date', at: new Date(iso), ...(timeZone ? { timeZone } : {}) });
  const timeIn = (span: Span, viewer = 'Europe/Berlin'): { text: string; attrs: Record<string, string> } => {
    const html = render(message({ type: 'section', text: [span] }), { names: NO_NAMES, timeZone: viewer });
    return { text: textOf(html), attrs: only(html, 'time').attrs };
  };

  it('formats in the viewer’s zone, with the zone’s short name, across daylight saving time', () => {
    expect(timeIn(date('2026-07-01T07:30:00Z'))).toEqual({
      text: 'Wed 1 Jul 2026, 09:30 CEST',
      attrs: { datetime: '2026-07-01T07:30:00.000Z', title: 'Europe/Berlin' },
    });
    expect(timeIn(date('2026-11-23T08:30:00Z'))).toEqual({
      text: 'Mon 23 Nov 2026, 09:30 CET',
      attrs: { datetime: '2026-11-23T08:30:00.000Z', title: 'Europe/Berlin' },
    });
    // The night the clocks go forward in Berlin (29 March 2026, 02:00 CET → 03:00 CEST).
    expect(timeIn(date('2026-03-29T00:59:00Z')).text).toBe('Sun 29 Mar 2026, 01:59 CET');
    expect(timeIn(date('2026-03-29T01:00:00Z')).text).toBe('Sun 29 Mar 2026, 03:00 CEST');
    // Midnight is 00:00, not 24:00.
    expect(timeIn(date('2026-11-22T23:00:00Z')).text).toBe('Mon 23 Nov 2026, 00:00 CET');
  });

  it('prefers the span’s own zone; an unknown zone falls back to the viewer’s, then to UTC', () => {
    expect(timeIn(date('2026-07-01T07:30:00Z', 'America/New_York'))).toEqual({
      text: 'Wed 1 Jul 2026, 03:30 GMT-4',
      attrs: { datetime: '2026-07-01T07:30:00.000Z', title: 'America/New_York' },
    });
    expect(timeIn(date('2026-11-23T08:30:00Z', 'Europe/London')).text).toBe('Mon 23 Nov 2026, 08:30 GMT');
    expect(timeIn(date('2026-11-23T08:30:00Z', 'Mars/Olympus_Mons')).text).toBe('Mon 23 Nov 2026, 09:30 CET');
    expect(timeIn(date('2026-11-23T08:30:00Z'), 'Not/A_Zone')).toEqual({
      text: 'Mon 23 Nov 2026, 08:30 UTC',
      attrs: { datetime: '2026-11-23T08:30:00.000Z', title: 'UTC' },
    });
    expect(timeIn(date('2026-11-23T08:30:00Z'), '<script>').text).toBe('Mon 23 Nov 2026, 08:30 UTC');
  });

  it('shows an invalid date as text instead of throwing', () => {
    const html = renderSpans('due ', { type: 'date', at: new Date(Number.NaN) });
    expect(html).toBe('due an invalid date');
    expect(renderSpans('due ', { type: 'date', at: 'not a date' })).toBe('due an invalid date');
  });

  it('renders a stored message (its dates now ISO strings) as it rendered the original', () => {
    const original = message(section('Due ', date('2026-11-23T08:30:00Z'), ' or ', date('2026-07-01T07:30:00Z', 'America/New_York')));
    const stored = JSON.parse(JSON.stringify(original)) as Message;
    expect(stored.blocks[0]).toMatchObject({ text: [{}, { at: '2026-11-23T08:30:00.000Z' }, {}, { at: '2026-07-01T07:30:00.000Z' }] });
    expect(render(stored)).toBe(render(original));
    expect(textOf(render(stored))).toBe('Due Mon 23 Nov 2026, 09:30 CET or Wed 1 Jul 2026, 03:30 GMT-4');
  });
});

describe('renderHtmlMessage: blocks', () => {
  it('renders every block as semantic HTML', () => {
    const html = renderBlocks(
      header('  Sprint 14  '),
      section('Hello ', bold('team'), '.'),
      { type: 'divider' },
      { type: 'fields', fields: [{ label: 'Owner', value: rich(user('U-priya', 'Priya')) }, { label: 'Status', value: rich('open') }] },
      { type: 'list', items: [rich('one'), rich(code('two'))] },
      context('Only you can see this.'),
    );
    expect(html).toBe(
      '<h3 class="po-header">Sprint 14</h3>' +
        '<p>Hello <strong>team</strong>.</p>' +
        '<hr>' +
        '<dl class="po-fields">' +
        '<div><dt>Owner</dt><dd><span class="po-mention" data-user-id="U-priya">@Priya</span></dd></div>' +
        '<div><dt>Status</dt><dd>open</dd></div>' +
        '</dl>' +
        '<ul class="po-list"><li>one</li><li><code>two</code></li></ul>' +
        '<p class="po-context">Only you can see this.</p>',
    );
  });

  it('leaves out blocks that would show nothing, but keeps blocks whose only content is a mention or a date', () => {
    expect(
      renderBlocks(
        header('  '),
        section(' \n '),
        context(),
        { type: 'fields', fields: [{ label: ' ', value: rich(' ') }] },
        { type: 'list', items: [rich(' '), []] },
        actions(),
      ),
    ).toBe('');
    expect(render(message())).toBe('');
    expect(renderBlocks(section(user('U-1')), { type: 'list', items: [[], [{ type: 'date', at: new Date(0) }]] })).toMatch(
      /^<p><span class="po-mention"[^>]*>@U-1<\/span><\/p><ul class="po-list"><li><time [^>]*>Thu 1 Jan 1970, 01:00 CET<\/time><\/li><\/ul>$/,
    );
  });

  it('keeps a field with a label but no value, and a value without a label', () => {
    expect(renderBlocks({ type: 'fields', fields: [{ label: 'Due', value: [] }, { label: '', value: rich('later') }] })).toBe(
      '<dl class="po-fields"><div><dt>Due</dt><dd></dd></div><div><dt></dt><dd>later</dd></div></dl>',
    );
  });
});

describe('renderHtmlMessage: buttons', () => {
  const buttonsOf = (...buttons: Button[]): Tag[] => tags(renderBlocks(actions(...buttons)), 'button');

  it('puts the buttons in a labelled group with the action id and value as data attributes', () => {
    const html = renderBlocks(actions({ actionId: 'owner.undo', label: 'Undo', value: 'U-priya' }));
    expect(html).toBe(
      '<div class="po-actions" role="group" aria-label="Actions">' +
        '<button type="button" class="po-button" data-action-id="owner.undo" data-value="U-priya">Undo</button>' +
        '</div>',
    );
  });

  it('round-trips values full of quotes, JSON, markup and ampersands exactly', () => {
    const value = JSON.stringify({ id: "q'1", note: '<b>"hi" & bye</b>', nested: { at: '@here' } });
    const actionId = `act"ion'<&>`;
    const [button] = buttonsOf({ actionId, label: 'Go', value });
    expect(button!.attrs['data-value']).toBe(value);
    expect(JSON.parse(button!.attrs['data-value']!)).toEqual({ id: "q'1", note: '<b>"hi" & bye</b>', nested: { at: '@here' } });
    expect(button!.attrs['data-action-id']).toBe(actionId);
    expect(button!.raw).not.toMatch(/<b>/);
  });

  it('marks styles, forms and confirmations, and keeps every button’s own action id', () => {
    const confirm = { title: 'Hand over?', text: `"Priya" <priya> & 'co' will be PO`, confirmLabel: 'Yes, hand over', denyLabel: 'Cancel' };
    const buttons = buttonsOf(
      { actionId: 'save', label: 'Save', value: '1', style: 'primary' },
      { actionId: 'save', label: 'Delete', value: '', style: 'danger', confirm },
      { actionId: 'edit', label: 'Edit', value: 'x', opensForm: true },
    );
    expect(buttons.map((b) => b.attrs)).toEqual([
      { type: 'button', class: 'po-button po-primary', 'data-action-id': 'save', 'data-value': '1' },
      { type: 'button', class: 'po-button po-danger', 'data-action-id': 'save', 'data-value': '', 'data-confirm': JSON.stringify(confirm) },
      { type: 'button', class: 'po-button', 'data-action-id': 'edit', 'data-value': 'x', 'data-opens-form': '', 'aria-haspopup': 'dialog' },
    ]);
    expect(JSON.parse(buttons[1]!.attrs['data-confirm']!)).toEqual(confirm);
    // As the playground API shows it: single-quoted, with the JSON's quotes escaped all the same.
    expect(buttons[1]!.raw).toContain(`data-confirm='{&quot;title&quot;:&quot;Hand over?&quot;,`);
  });

  it('labels a button with its action id when its label is blank', () => {
    expect(contents(renderBlocks(actions({ actionId: 'go', label: ' ', value: '' })), 'button')).toEqual(['go']);
  });
});

describe('renderHtmlForm', () => {
  it('renders each kind of input, labelled, named after its id, with hints and error placeholders', () => {
    const html = renderForm(
      formOf(
        { type: 'text', id: 'title', label: 'Title', required: true, maxLength: 80, initial: 'Export "all" <now>', placeholder: 'A short title', hint: 'What & why' },
        { type: 'text', id: 'details', label: 'Details', multiline: true, initial: '\nline 1\n</textarea><script>alert(1)</script>' },
        { type: 'select', id: 'size', label: 'Size', options: [{ value: 's', label: 'Small' }, { value: 'l', label: 'Large' }], initial: 'l' },
        { type: 'date', id: 'due', label: 'Due', required: true, initial: '2026-11-23' },
        { type: 'time', id: 'at', label: 'At', initial: '09:30' },
        { type: 'user', id: 'owner', label: 'Owner', required: true, initial: 'U-alex' },
      ),
    );
    // The form-level error placeholder comes first.
    expect(html.startsWith('<p class="po-field-error" data-error-for="" hidden></p><div class="po-field">')).toBe(true);

    expect(field(html, 'title')).toBe(
      '<label for="po-input-title">Title</label>' +
        '<input type="text" id="po-input-title" name="title" required aria-describedby="po-hint-title po-error-title" maxlength="80" placeholder="A short title" value="Export &quot;all&quot; &lt;now&gt;">' +
        '<p class="po-hint" id="po-hint-title">What &amp; why</p>' +
        '<p class="po-field-error" data-error-for="title" id="po-error-title" hidden></p>',
    );

    const details = field(html, 'details');
    expect(only(details, 'textarea').attrs).toEqual({ id: 'po-input-details', name: 'details', 'aria-describedby': 'po-error-details' });
    // One newline after the tag, which the parser drops, so the initial value keeps its own leading newline.
    expect(contents(details, 'textarea')).toEqual(['\n\nline 1\n&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;']);
    expect(textOf(details)).toContain('Details (optional)');

    const size = field(html, 'size');
    expect(tags(size, 'option').map((t) => t.attrs)).toEqual([{ value: '' }, { value: 's' }, { value: 'l', selected: '' }]);
    expect(contents(size, 'option')).toEqual(['(none)', 'Small', 'Large']);
    expect(only(size, 'select').attrs).toEqual({ id: 'po-input-size', name: 'size', 'aria-describedby': 'po-error-size' });

    expect(only(field(html, 'due'), 'input').attrs).toEqual({
      type: 'date',
      id: 'po-input-due',
      name: 'due',
      required: '',
      'aria-describedby': 'po-error-due',
      value: '2026-11-23',
    });
    expect(only(field(html, 'at'), 'input').attrs).toMatchObject({ type: 'time', name: 'at', value: '09:30' });
    expect(only(field(html, 'at'), 'input').attrs).not.toHaveProperty('required');

    const owner = field(html, 'owner');
    expect(only(owner, 'select').attrs).toMatchObject({ id: 'po-input-owner', name: 'owner', required: '' });
    expect(tags(owner, 'option').map((t) => t.attrs)).toEqual([{ value: 'U-priya' }, { value: 'U-alex', selected: '' }]);
    expect(contents(owner, 'option')).toEqual(['Priya Patel', 'Alex &lt;Kim&gt; &amp; &quot;Co&quot;']);

    // Every label points at its control, and every control's description exists.
    const ids = new Set(tags(html).map((t) => t.attrs.id).filter(Boolean));
    for (const label of tags(html, 'label')) expect(ids).toContain(label.attrs.for);
    for (const control of tags(html).filter((t) => t.attrs.name !== undefined)) {
      for (const id of control.attrs['aria-describedby']!.split(' ')) expect(ids).toContain(id);
    }
    // One error placeholder per input, plus the form's; all empty and hidden.
    expect(tags(html, 'p').filter((t) => t.attrs.class === 'po-field-error').map((t) => t.attrs['data-error-for'])).toEqual([
      '',
      'title',
      'details',
      'size',
      'due',
      'at',
      'owner',
    ]);
    expect(contents(html, 'p').filter((_, i) => tags(html, 'p')[i]?.attrs.class === 'po-field-error')).toEqual(Array(7).fill(''));
    expect(html.match(/ hidden>/g)).toHaveLength(7);
  });

  it('starts a select with an empty choice when it is optional, or required without a valid initial value', () => {
    const options = [{ value: 'a', label: 'A' }];
    const firstOptions = (input: Input): string[] => {
      const f = field(renderForm(formOf(input)), input.id);
      return tags(f, 'option').map((t, i) => `${t.attrs.value}:${contents(f, 'option')[i]}${'selected' in t.attrs ? ':selected' : ''}`);
    };
    expect(firstOptions({ type: 'select', id: 's', label: 'S', options })).toEqual([':(none)', 'a:A']);
    expect(firstOptions({ type: 'select', id: 's', label: 'S', options, required: true })).toEqual([':Choose…', 'a:A']);
    expect(firstOptions({ type: 'select', id: 's', label: 'S', options, required: true, initial: 'a' })).toEqual(['a:A:selected']);
    // An initial value that is not an option is ignored, as on Slack and Teams.
    expect(firstOptions({ type: 'select', id: 's', label: 'S', options, required: true, initial: 'zzz' })).toEqual([':Choose…', 'a:A']);
    expect(firstOptions({ type: 'user', id: 'u', label: 'U', required: true })).toEqual([':Choose…', 'U-priya:Priya Patel', 'U-alex:Alex &lt;Kim&gt; &amp; &quot;Co&quot;']);
    expect(firstOptions({ type: 'user', id: 'u', label: 'U', initial: 'U-gone' })).toEqual([':(none)', 'U-priya:Priya Patel', 'U-alex:Alex &lt;Kim&gt; &amp; &quot;Co&quot;']);
  });

  it('escapes hostile ids, labels, hints, placeholders and option values, and keeps the name exact', () => {
    const id = `x" onfocus="alert(1)`;
    const html = renderForm(
      formOf(
        { type: 'text', id, label: HOSTILE, hint: HOSTILE, placeholder: HOSTILE },
        { type: 'select', id: 'opt', label: 'Opt', options: [{ value: `"><script>`, label: HOSTILE }], initial: `"><script>` },
      ),
    );
    expect(html).not.toMatch(/<script|<img|onfocus="/);
    const control = tags(html, 'input')[0]!;
    expect(control.attrs.name).toBe(id);
    expect(Object.keys(control.attrs)).toEqual(['type', 'id', 'name', 'aria-describedby', 'placeholder']);
    // DOM ids may not contain whitespace: it is %-encoded (as is "%", so distinct ids stay distinct).
    expect(control.attrs.id).toBe('po-input-x"%20onfocus="alert(1)');
    expect(control.attrs['aria-describedby']).toBe('po-hint-x"%20onfocus="alert(1) po-error-x"%20onfocus="alert(1)');
    expect(tags(html, 'label')[0]!.attrs.for).toBe(control.attrs.id);
    expect(tags(html, 'p').find((t) => t.attrs['data-error-for'] === id)).toBeDefined();
    expect(tags(field(html, 'opt'), 'option').map((t) => t.attrs)).toEqual([{ value: '' }, { value: '"><script>', selected: '' }]);
  });

  it('ignores malformed initial dates and times instead of throwing, and never throws on odd forms', () => {
    const html = renderForm(
      formOf(
        { type: 'date', id: 'd', label: 'D', initial: '23.11.2026' },
        { type: 'time', id: 't', label: 'T', initial: '9:30' },
        { type: 'select', id: 's', label: 'S', options: [] },
        { type: 'text', id: 'n', label: ' ', maxLength: 0 },
        { type: 'text', id: 'm', label: 'M', maxLength: Number.NaN, multiline: true },
        { type: 'user', id: 'u', label: 'U' },
      ),
      [],
    );
    expect(tags(field(html, 'd'), 'input')[0]!.attrs).not.toHaveProperty('value');
    expect(tags(field(html, 't'), 'input')[0]!.attrs).not.toHaveProperty('value');
    expect(tags(field(html, 's'), 'option')).toHaveLength(1);
    expect(only(field(html, 'n'), 'input').attrs.maxlength).toBe('1');
    expect(textOf(contents(field(html, 'n'), 'label')[0]!)).toBe('n (optional)');
    expect(only(field(html, 'm'), 'textarea').attrs).not.toHaveProperty('maxlength');
    expect(renderForm(formOf())).toBe('<p class="po-field-error" data-error-for="" hidden></p>');
  });
});

describe('messages po-desk sends, as the playground shows them', () => {
  it('shows the help: a header, every available command as code, and the context line', () => {
    const html = render(showHelp());
    expect(contents(html, 'h3')).toEqual(['po-desk — the Product Owner’s front desk']);
    const items = contents(html, 'li');
    const available = HELP.filter((h) => h.available);
    expect(items).toHaveLength(available.length);
    for (const [i, h] of available.entries()) {
      expect(textOf(items[i]!)).toBe(`/po ${h.usage} — ${h.summary} e.g. ${h.example}`);
      expect(contents(items[i]!, 'code').map(decode)).toEqual([`/po ${h.usage}`, h.example]);
    }
    // "team <name>" is text, not a tag.
    expect(html).toContain('<code>/po team &lt;name&gt;</code>');
    expect(textOf(contents(html, 'p')[0]!)).toMatch(/^To ask the PO from a team channel/);
  });

  it('shows a problem with its usage line, and a refusal with its reason', () => {
    const problem = render(problemMessage('`/po owner` takes one person', helpFor('owner')));
    expect(textOf(problem)).toBe('Sorry, /po owner takes one person.Usage: /po owner [@user] — Show or hand over the Product Owner role (one per product). e.g. /po owner @pat');
    expect(contents(problem, 'p')).toHaveLength(2);

    const refusal = render(refusalMessage('hand over the PO role', 'the Product Owner', ONE_PO));
    expect(contents(refusal, 'p')).toEqual(['Only the Product Owner can hand over the PO role.', ONE_PO]);
    expect(tags(refusal, 'p')[1]!.attrs.class).toBe('po-context');
  });

  it('lists people as mentions', () => {
    const people = [
      { platformUserId: 'U-priya', displayName: 'Priya' },
      { platformUserId: 'U-alex', displayName: 'Alex' },
      { platformUserId: 'U-sam', displayName: 'Sam' },
    ] as Parameters<typeof mentionList>[0];
    const html = render(message({ type: 'section', text: mentionList(people) }));
    expect(textOf(html)).toBe('@Priya, @Alex and @Sam');
    expect(tags(html, 'span').map((t) => t.attrs['data-user-id'])).toEqual(['U-priya', 'U-alex', 'U-sam']);
  });
});
