import type { App } from '@slack/bolt';
import type { Deps } from '../../app/context.js';
import { threadReply } from '../../app/questions/respond.js';
import { isRecord } from '../../messages/render-common.js';
import { readableSlackText } from './slack-text.js';

/**
 * Replies people type in threads (message.channels / message.groups events). A reply by the PO in a
 * question's thread is the PO's answer. Everything else (bots, edits, top-level messages) is ignored.
 */
const REPLY_SUBTYPES = new Set(['thread_broadcast', 'file_share']);

export function registerThreadReplies(app: App, deps: Deps): void {
  app.event('message', async ({ event, body }) => {
    const e: unknown = event;
    if (!isRecord(e)) return;
    const { subtype, thread_ts: threadTs, ts, user, channel, text, bot_id: botId } = e as Record<string, unknown>;
    // A reply also sent to the channel, or with a screenshot, is still a reply; edits, deletions and
    // everything bots post are not.
    if ((subtype !== undefined && !REPLY_SUBTYPES.has(String(subtype))) || botId !== undefined) return;
    if (typeof threadTs !== 'string' || threadTs === ts || typeof user !== 'string' || typeof channel !== 'string' || typeof text !== 'string') return;
    const team = typeof body.team_id === 'string' ? body.team_id : undefined;
    if (!team) return;
    const readable = await readableSlackText(text, async (id) => (await deps.directory.lookupUser(id))?.displayName);
    await threadReply(
      { platform: 'slack', workspaceExternalId: team, workspaceName: undefined, channelId: channel, inDirectMessage: channel.startsWith('D'), userId: user },
      deps,
      { messageId: threadTs },
      readable,
    );
  });
}
