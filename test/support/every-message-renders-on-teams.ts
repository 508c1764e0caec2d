/**
 * Setup for every test file: each message or form the code under test renders for Slack is also
 * rendered as a Teams Adaptive Card and validated against the official 1.5 schema. So every message
 * the test suite produces — not only those the Teams tests send — is checked on both platforms.
 * A message Teams refuses to render (a TeamsRenderError, like its Slack twin for over-long ids) is
 * the renderers' own tests' business; schema errors in a card that did render fail the file.
 */
import { afterAll, expect, vi } from 'vitest';
import type { Form, Message } from '../../src/messages/model.js';

const problems: string[] = [];

vi.mock('../../src/messages/render-slack.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/messages/render-slack.js')>();
  const { renderTeamsCard, renderTeamsFormCard, TeamsRenderError } = await import('../../src/messages/render-teams.js');
  const { adaptiveCardErrors } = await import('./adaptive-card-schema.js');
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
  return {
    ...original,
    renderSlackMessage: (message: Message) => {
      check(renderTeamsCard, message, 'message');
      return original.renderSlackMessage(message);
    },
    renderSlackModal: (form: Form) => {
      check(renderTeamsFormCard, form, 'form');
      return original.renderSlackModal(form);
    },
  };
});

afterAll(() => {
  expect(problems, 'messages rendered for Slack that are invalid Adaptive Cards on Teams').toEqual([]);
});
