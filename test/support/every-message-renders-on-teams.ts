/**
 * Setup for every test file: each message or form the code under test renders for Slack is also
 * rendered as a Teams Adaptive Card and validated against the official 1.5 schema, and rendered as
 * playground HTML. So every message the test suite produces — not only those the Teams or playground
 * tests send — is checked on every surface.
 * A message Teams refuses to render (a TeamsRenderError, like its Slack twin for over-long ids) is
 * the renderers' own tests' business; schema errors in a card that did render fail the file. The HTML
 * renderer must never throw and must produce balanced markup: either failure fails the file too.
 */
import { afterAll, expect, vi } from 'vitest';
import type { Form, Message } from '../../src/messages/model.js';

const problems: string[] = [];

vi.mock('../../src/messages/render-slack.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/messages/render-slack.js')>();
  const { renderTeamsCard, renderTeamsFormCard, TeamsRenderError } = await import('../../src/messages/render-teams.js');
  const { adaptiveCardErrors } = await import('./adaptive-card-schema.js');
  const { renderHtmlForm, renderHtmlMessage } = await import('../../src/messages/render-html.js');
  function check<T>(render: (input: T) => unknown, input: T, what: string): void {
    let card: unknown;
    try {
      card = render(input);
    } catch (error) {
      if (error instanceof TeamsRenderError) return;
      throw error;
    }
    const errors = adaptiveCardErrors(card);
    if (errors.length > 0) problems.push(`${what} ${JSON.stringify(input).slice(0, 200)}: ${errors.join('; ')}`);
  }
  function checkHtml<T>(render: (input: T) => string, input: T, what: string): void {
    try {
      const unbalanced = unbalancedTag(render(input));
      if (unbalanced) problems.push(`HTML of ${what} ${JSON.stringify(input).slice(0, 200)}: ${unbalanced}`);
    } catch (error) {
      problems.push(`HTML of ${what} ${JSON.stringify(input).slice(0, 200)} threw: ${String(error)}`);
    }
  }
  const names = { user: () => undefined, channel: () => undefined };
  return {
    ...original,
    renderSlackMessage: (message: Message) => {
      check(renderTeamsCard, message, 'message');
      checkHtml((m: Message) => renderHtmlMessage(m, { names, timeZone: 'Europe/Berlin' }), message, 'message');
      return original.renderSlackMessage(message);
    },
    renderSlackModal: (form: Form) => {
      check(renderTeamsFormCard, form, 'form');
      checkHtml((f: Form) => renderHtmlForm(f, { people: [{ id: 'U1', name: 'Pat' }] }), form, 'form');
      return original.renderSlackModal(form);
    },
  };
});

const VOID_ELEMENTS = new Set(['br', 'hr', 'input']);

/**
 * The first tag that is not closed in order, or undefined. The renderer escapes every `<` and `>` in text
 * and attributes, so every `<` in its output starts a tag, and a regular expression can read them.
 */
function unbalancedTag(html: string): string | undefined {
  const open: string[] = [];
  for (const [tag, closing, name = ''] of html.matchAll(/<(\/?)([a-z0-9]+)[^<>]*>/g)) {
    if (VOID_ELEMENTS.has(name)) continue;
    if (!closing) open.push(name);
    else if (open.pop() !== name) return `${tag} does not close the open element`;
  }
  if (html.replace(/<\/?[a-z0-9]+[^<>]*>/g, '').includes('<')) return 'a stray "<" outside tags';
  return open.length > 0 ? `<${open.join('>, <')}> not closed` : undefined;
}

afterAll(() => {
  expect(problems, 'messages rendered for Slack that are invalid Adaptive Cards on Teams, or fail as playground HTML').toEqual([]);
});
