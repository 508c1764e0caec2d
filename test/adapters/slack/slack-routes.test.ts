import { App, LogLevel, type Receiver } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { SlackRoutes } from '../../../src/adapters/slack/slack-routes.js';
import { appMentionEvent, blockActionsPayload, eventCallbackBody, messageShortcutPayload, slashCommandBody, viewSubmissionPayload } from '../../support/slack-requests.js';

// The routes end to end (signed requests to the real app) are in the other Slack tests; here, what the
// router itself decides, on a real Bolt App fed with processEvent.
const noReceiver: Receiver = { init: () => {}, start: async () => {}, stop: async () => {} };

function boltApp(): App {
  return new App({ token: 'xoxb-test', botId: 'B0PODESK', botUserId: 'U0PODESK', tokenVerificationEnabled: false, receiver: noReceiver, logLevel: LogLevel.ERROR, convoStore: false });
}

// Bodies as Slack sends them, built from real payloads (test/fixtures).
const event = (e: Record<string, unknown>, eventId: string) => JSON.parse(eventCallbackBody(e, { eventId })) as Record<string, unknown>;
const mention = (eventId: string) => event(appMentionEvent({ userId: 'U0ANN00001', channelId: 'C0TEAMA001', text: 'hi', ts: '1700000000.000100' }), eventId);
const homeOpened = (eventId: string) => event({ type: 'app_home_opened', user: 'U0ANN00001', channel: 'D0ANN00001', tab: 'home', event_ts: '1700000000.000200' }, eventId);
const reaction = (eventId: string) => event({ type: 'reaction_added', user: 'U0ANN00001', reaction: 'inbox_tray', item: { type: 'message', channel: 'C0TEAMA001', ts: '1700000000.000100' }, event_ts: '1700000000.000300' }, eventId);
const shortcut = (callbackId: string) => messageShortcutPayload({ userId: 'U0ANN00001', callbackId, channelId: 'C0TEAMA001', text: 'hi', authorId: 'U0BOB00001', responseUrl: 'https://hooks.slack.com/app/T0PODESK01/1/x' });
/** A slash command as Bolt's receivers hand it on: the form fields as an object. */
const command = (name: string, text: string) => ({ ...Object.fromEntries(new URLSearchParams(slashCommandBody({ text, userId: 'U0ANN00001' }))), command: name });
const click = (actionId: string) => blockActionsPayload({ userId: 'U0ANN00001', actionId, responseUrl: 'https://hooks.slack.com/actions/T0PODESK01/1/x' });
const submission = (callbackId: string) => viewSubmissionPayload({ userId: 'U0ANN00001', view: { type: 'modal', callback_id: callbackId, blocks: [] } });

describe('SlackRoutes', () => {
  it('hands each event to the route of its type, after the shared middleware, and each shortcut to its callback id', async () => {
    const app = boltApp();
    const routes = new SlackRoutes();
    const seen: string[] = [];
    routes.event('app_mention', async ({ event }) => void seen.push(`mention ${event.text}`));
    routes.event('app_home_opened', async ({ event }) => void seen.push(`home ${event.tab}`));
    routes.messageShortcut('ask_po', async ({ shortcut, ack }) => {
      await ack();
      seen.push(`ask ${shortcut.message.text}`);
    });
    routes.messageShortcut('send_to_intake', async ({ ack }) => {
      await ack();
      seen.push('intake');
    });
    routes.register(app, [
      async ({ body, next }) => {
        seen.push(`before ${(body as { event_id: string }).event_id}`);
        if ((body as { event_id: string }).event_id !== 'Ev-dropped') await next();
      },
    ]);

    const ack = async () => {};
    await app.processEvent({ body: mention('Ev1'), ack });
    await app.processEvent({ body: homeOpened('Ev2'), ack });
    await app.processEvent({ body: mention('Ev-dropped'), ack });
    await app.processEvent({ body: reaction('Ev3'), ack }); // no route: nothing runs, not even the middleware
    await app.processEvent({ body: shortcut('send_to_intake'), ack });
    await app.processEvent({ body: shortcut('ask_po'), ack });
    await app.processEvent({ body: shortcut('something_else'), ack }); // no route for unknown shortcuts here

    expect(seen).toEqual(['before Ev1', 'mention hi', 'before Ev2', 'home home', 'before Ev-dropped', 'intake', 'ask hi']);
  });

  it('hands commands to the route of their name, every click and form submission to theirs, and an unknown shortcut to its fallback', async () => {
    const app = boltApp();
    const routes = new SlackRoutes();
    const seen: string[] = [];
    routes.command('/po', async ({ command }) => void seen.push(`/po ${command.text}`));
    routes.blockActions(async ({ action, body }) => void seen.push(`click ${action?.action_id ?? `none (${body.actions.length} actions)`}`));
    routes.viewSubmissions(async ({ view }) => void seen.push(`form ${view.callback_id}`));
    routes.messageShortcut('ask_po', async () => void seen.push('ask'));
    routes.unknownMessageShortcut(async ({ shortcut }) => void seen.push(`unknown shortcut ${shortcut.callback_id}`));
    routes.register(app);

    const ack = async () => {};
    await app.processEvent({ body: command('/po', 'queue'), ack });
    await app.processEvent({ body: command('/other', 'queue'), ack }); // another app's command name: no route
    await app.processEvent({ body: click('hours.edit'), ack });
    await app.processEvent({ body: { ...click('x'), actions: [] }, ack });
    await app.processEvent({ body: submission('hours'), ack });
    await app.processEvent({ body: shortcut('send_to_backlog'), ack });
    await app.processEvent({ body: mention('Ev1'), ack }); // no event routes: nothing

    expect(seen).toEqual(['/po queue', 'click hours.edit', 'click none (0 actions)', 'form hours', 'unknown shortcut send_to_backlog']);
  });

  it('refuses a second route for the same command, event type, callback id, clicks, forms or unknown shortcuts', () => {
    const routes = new SlackRoutes();
    routes.command('/po', async () => {});
    routes.event('message', async () => {});
    routes.messageShortcut('ask_po', async () => {});
    routes.blockActions(async () => {});
    routes.viewSubmissions(async () => {});
    routes.unknownMessageShortcut(async () => {});
    expect(() => routes.command('/po', async () => {})).toThrow(/already/);
    expect(() => routes.event('message', async () => {})).toThrow(/already/);
    expect(() => routes.messageShortcut('ask_po', async () => {})).toThrow(/already/);
    expect(() => routes.blockActions(async () => {})).toThrow(/already/);
    expect(() => routes.viewSubmissions(async () => {})).toThrow(/already/);
    expect(() => routes.unknownMessageShortcut(async () => {})).toThrow(/already/);
  });
});
