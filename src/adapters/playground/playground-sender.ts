import type { Clock } from '../../clock.js';
import { playgroundMessageHref } from '../../messages/render-html.js';
import { SendError, type OutboxItem, type PlatformMessageRef, type SendContext, type Sender, type Sent } from '../../outbox/sender.js';
import { dmChannelId, type PlaygroundWorkspace } from '../../store/playground-workspace.js';
import type { LiveFeed } from './live-feed.js';

/**
 * Delivers outbox messages into the playground's channels, as Slack's chat.postMessage would into
 * Slack's: the dispatcher treats the playground like any other platform (retries, ids, threads).
 * A message's permalink is a link within the page (`#c=<channel>&m=<message>`): following it opens
 * the channel and shows the message, whoever is looking.
 */
export function playgroundSender(workspace: PlaygroundWorkspace, feed: LiveFeed, clock: Clock): Sender {
  return {
    async send(item: OutboxItem, context: SendContext): Promise<Sent> {
      const at = clock.now();
      switch (item.kind) {
        case 'post':
        case 'ephemeral':
        case 'dm': {
          const channelId = item.kind === 'dm' ? dmChannelId(item.userId!) : item.channelId!;
          const channel = await workspace.channel(channelId);
          if (!channel) {
            throw new SendError('permanent', `playground: no channel ${channelId}`, undefined, {
              explanation: item.kind === 'dm' ? 'that person is not in the playground' : 'that channel is not in the playground',
            });
          }
          const row = await workspace.addMessage({
            channelId,
            threadId: context.thread?.messageId,
            visibleTo: item.kind === 'ephemeral' ? item.userId! : undefined,
            message: item.message,
            at,
          });
          feed.publish({ type: 'change', channelId, visibleTo: row.visibleTo });
          return { channelId, messageId: item.kind === 'ephemeral' ? undefined : row.id };
        }
        case 'update': {
          const row = await workspace.editMessage(context.target!.messageId, item.message, at);
          if (!row) throw new SendError('permanent', `playground: no message ${context.target!.messageId} to update`);
          feed.publish({ type: 'change', channelId: row.channelId, visibleTo: row.visibleTo });
          return { channelId: row.channelId, messageId: row.id };
        }
        case 'reply':
          throw new SendError('permanent', 'playground: answers through a reply URL are for Slack commands only');
      }
    },

    async permalink(_workspaceId: string, ref: PlatformMessageRef): Promise<string | undefined> {
      return playgroundMessageHref(ref.channelId, ref.messageId);
    },
  };
}
