import type { App } from '@slack/bolt';
import { mentionAnswer, postInConversation } from '../../app/post-in-conversation.js';
import type { Store } from '../../app/ports.js';

/** An @mention of the bot gets a short pointer to `/po help`, in the thread of the mention. */
export function registerAppMention(app: App, store: Store): void {
  app.event('app_mention', async ({ event, body }) => {
    await postInConversation(store, { platform: 'slack', workspaceExternalId: body.team_id, channelId: event.channel, threadId: event.thread_ts ?? event.ts }, mentionAnswer());
  });
}
