import type { App } from '@slack/bolt';
import type { Store } from '../../app/ports.js';
import { code, message, section } from '../../messages/build.js';

/** An @mention of the bot gets a short pointer to `/po help`, in the thread of the mention. */
export function registerAppMention(app: App, store: Store): void {
  app.event('app_mention', async ({ event, body }) => {
    await store.transaction(async (tx) => {
      const workspace = await tx.workspace('slack', body.team_id);
      await tx.enqueue(workspace, {
        kind: 'post',
        channelId: event.channel,
        threadId: event.thread_ts ?? event.ts,
        message: message(section('Hi! I’m po-desk, the Product Owner’s front desk. Type ', code('/po help'), ' to see what I can do.')),
      });
    });
  });
}
