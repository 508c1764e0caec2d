import type { Logger } from 'pino';
import type { CommandContext, Deps } from '../../app/context.js';
import { screenMessage } from '../../app/intake/intercept.js';
import { threadReply } from '../../app/questions/respond.js';
import { detectWorkRequest } from '../../domain/request-detector.js';
import { isRecord } from '../../messages/render-common.js';
import type { SlackRoutes } from './slack-routes.js';
import { readableSlackText } from './slack-text.js';

/** A reply also sent to the channel, or a message with a screenshot, is still a person's message. */
const PERSON_SUBTYPES = new Set(['thread_broadcast', 'file_share']);

/**
 * Messages people post in channels (message.channels / message.groups events). A reply by the PO in a
 * question's thread is the PO's answer. Every message is screened for work requests from people outside
 * the team (cheaply: the detector runs before anything is looked up). Bots, edits and deletions are ignored,
 * and so are messages that mention po-desk (the app_mention event handles those).
 */
export function registerChannelMessages(routes: SlackRoutes, deps: Deps, log: Logger): void {
  routes.event('message', async ({ event, body, context }) => {
    const e: unknown = event;
    if (!isRecord(e)) return;
    const { subtype, thread_ts: threadTs, ts, user, channel, text, bot_id: botId } = e as Record<string, unknown>;
    if ((subtype !== undefined && !PERSON_SUBTYPES.has(String(subtype))) || botId !== undefined) return;
    if (typeof ts !== 'string' || typeof user !== 'string' || typeof channel !== 'string' || typeof text !== 'string') return;
    const team = typeof body.team_id === 'string' ? body.team_id : undefined;
    if (!team || channel.startsWith('D')) return;
    const ctx: CommandContext = { platform: 'slack', workspaceExternalId: team, workspaceName: undefined, channelId: channel, inDirectMessage: false, userId: user };
    const lookup = async (id: string) => (await deps.directory.lookupUser(id))?.displayName;
    const isReply = typeof threadTs === 'string' && threadTs !== ts;
    if (isReply) await threadReply(ctx, deps, { messageId: threadTs }, await readableSlackText(text, lookup));
    if (context.botUserId && text.includes(`<@${context.botUserId}>`)) return;
    // Most messages are not requests: only those the detector flags cost a lookup.
    if (!detectWorkRequest(text).isRequest) return;
    try {
      await screenMessage(ctx, deps, { text: await readableSlackText(text, lookup), messageId: ts, threadId: isReply ? threadTs : ts });
    } catch (error) {
      log.error({ err: error, team, channel, ts }, 'slack: could not screen a channel message for work requests');
    }
  });
}
