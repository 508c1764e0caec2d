/**
 * Setup for every test file: each message or form the code under test renders for Slack is also
 * rendered as a Teams Adaptive Card and validated against the official 1.5 schema, and rendered as
 * playground HTML. So every message the test suite produces — not only those the Teams or playground
 * tests send — is checked on every surface.
 * A message Slack refuses too (a SlackRenderError, say for an over-long id) may be refused by Teams:
 * that is the renderers' own tests' business. Anything else fails the file: Teams refusing a message
 * Slack renders, a card that breaks the schema, a Teams renderer that throws anything but a
 * TeamsRenderError, and HTML that throws or is not well formed (see ./html.ts).
 */
import { afterAll, expect, vi } from 'vitest';
import type { Form, Message } from '../../src/messages/model.js';

const problems: string[] = [];

vi.mock('../../src/messages/render-slack.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/messages/render-slack.js')>();
  const { renderTeamsCard, renderTeamsFormCard, TeamsRenderError } = await import('../../src/messages/render-teams.js');
  const { adaptiveCardErrors } = await import('./adaptive-card-schema.js');
  const { renderHtmlForm, renderHtmlMessage } = await import('../../src/messages/render-html.js');
  const { htmlProblems } = await import('./html.js');

  const describe = (what: string, input: unknown): string => `${what} ${JSON.stringify(input).slice(0, 200)}`;

  function checkTeams<T>(render: (input: T) => unknown, input: T, what: string, slackRendered: boolean): void {
    let card: unknown;
    try {
      card = render(input);
    } catch (error) {
      if (error instanceof TeamsRenderError && !slackRendered) return;
      problems.push(`Teams card of ${describe(what, input)} threw${slackRendered ? ' though Slack rendered it' : ''}: ${String(error)}`);
      return;
    }
    const errors = adaptiveCardErrors(card);
    if (errors.length > 0) problems.push(`${describe(what, input)}: ${errors.join('; ')}`);
  }

  function checkHtml<T>(render: (input: T) => string, input: T, what: string): void {
    try {
      const found = htmlProblems(render(input));
      if (found.length > 0) problems.push(`HTML of ${describe(what, input)}: ${found.join('; ')}`);
    } catch (error) {
      problems.push(`HTML of ${describe(what, input)} threw: ${String(error)}`);
    }
  }

  /** Slack first, as the code under test asked; then Teams and HTML on the same input; then Slack's outcome. */
  function everywhere<T, R>(slack: (input: T) => R, teams: (input: T) => unknown, html: (input: T) => string, input: T, what: string): R {
    let rendered: { ok: true; value: R } | { ok: false; error: unknown };
    try {
      rendered = { ok: true, value: slack(input) };
    } catch (error) {
      rendered = { ok: false, error };
    }
    checkTeams(teams, input, what, rendered.ok);
    checkHtml(html, input, what);
    if (!rendered.ok) throw rendered.error;
    return rendered.value;
  }

  const names = { user: () => undefined, channel: () => undefined };
  return {
    ...original,
    renderSlackMessage: (message: Message) =>
      everywhere(
        original.renderSlackMessage,
        renderTeamsCard,
        (m: Message) => renderHtmlMessage(m, { names, timeZone: 'Europe/Berlin' }),
        message,
        'message',
      ),
    renderSlackModal: (form: Form) =>
      everywhere(
        original.renderSlackModal,
        (f: Form) => renderTeamsFormCard(f),
        (f: Form) => renderHtmlForm(f, { people: [{ id: 'U1', name: 'Pat' }] }),
        form,
        'form',
      ),
  };
});

afterAll(() => {
  expect(problems, 'messages rendered for Slack that Teams refuses or renders as invalid Adaptive Cards, or that fail as playground HTML').toEqual([]);
});
