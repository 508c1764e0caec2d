import { App, LogLevel, type Receiver } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { SlackRoutes } from '../../../src/adapters/slack/slack-routes.js';

// The routes end to end (signed requests to the real app) are in the other Slack tests; here, what the
// router itself decides, on a real Bolt App fed with processEvent.
const noReceiver: Receiver = { init: () => {}, start: async () => {}, stop: async () => {} };

function boltApp(): App {
  return new App({ token: 'xoxb-test', botId: 'B0PODESK', botUserId: 'U0PODESK', tokenVerificationEnabled: false, receiver: noReceiver, logLevel: LogLevel.ERROR, convoStore: false });
}

const eventBody = (type: string, eventId: string) => ({
  type: 'event_callback',
  team_id: 'T1',
  api_app_id: 'A1',
  event_id: eventId,
  event_time: 1,
  event: { type, user: 'U1', channel: 'C1', ts: '1.1', text: 'hi', tab: 'home' },
});

const shortcutBody = (callbackId: string) => ({
  type: 'message_action',
  callback_id: callbackId,
  trigger_id: '1.2',
  team: { id: 'T1', domain: 't' },
  user: { id: 'U1', team_id: 'T1' },
  channel: { id: 'C1', name: 'general' },
  message: { type: 'message', ts: '1.1', text: 'hi', user: 'U2' },
  response_url: 'https://hooks.slack.com/app/T1/1/x',
  message_ts: '1.1',
});

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
    await app.processEvent({ body: eventBody('app_mention', 'Ev1'), ack });
    await app.processEvent({ body: eventBody('app_home_opened', 'Ev2'), ack });
    await app.processEvent({ body: eventBody('app_mention', 'Ev-dropped'), ack });
    await app.processEvent({ body: eventBody('reaction_added', 'Ev3'), ack }); // no route: nothing runs, not even the middleware
    await app.processEvent({ body: shortcutBody('send_to_intake'), ack });
    await app.processEvent({ body: shortcutBody('ask_po'), ack });
    await app.processEvent({ body: shortcutBody('something_else'), ack });

    expect(seen).toEqual(['before Ev1', 'mention hi', 'before Ev2', 'home home', 'before Ev-dropped', 'intake', 'ask hi']);
  });

  it('refuses a second route for the same event type or callback id', () => {
    const routes = new SlackRoutes();
    routes.event('message', async () => {});
    routes.messageShortcut('ask_po', async () => {});
    expect(() => routes.event('message', async () => {})).toThrow(/already/);
    expect(() => routes.messageShortcut('ask_po', async () => {})).toThrow(/already/);
  });
});
