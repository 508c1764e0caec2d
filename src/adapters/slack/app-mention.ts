import type { Logger } from 'pino';
import type { CommandContext, Deps } from '../../app/context.js';
import { mentionAnswer, postInConversation } from '../../app/post-in-conversation.js';
import { askQuestion } from '../../app/questions/ask-question.js';
import { replyForError } from '../../app/replies.js';
import { isMentionQuestion } from '../../domain/question.js';
import type { SlackRoutes } from './slack-routes.js';
import { readableSlackText } from './slack-text.js';

/**
 * An @mention of po-desk. Ending in "?" it is a question for the PO (asked like `/po ask`; the asker is
 * answered privately); otherwise a short pointer to `/po help` in the mention's thread.
 */
export function registerAppMention(routes: SlackRoutes, deps: Deps, log: Logger): void {
  routes.event('app_mention', async ({ event, body, context }) => {
    const team = body.team_id;
    const botUserId = context.botUserId;
    // The bot's own mention is how the message reached us, not part of the question.
    const withoutBot = botUserId ? event.text.replaceAll(`<@${botUserId}>`, ' ') : event.text;
    const user = event.user;
    if (!user || !isMentionQuestion(withoutBot)) {
      await postInConversation(deps.store, { platform: 'slack', workspaceExternalId: team, channelId: event.channel, threadId: event.thread_ts ?? event.ts }, mentionAnswer());
      return;
    }
    const ctx: CommandContext = {
      platform: 'slack',
      workspaceExternalId: team,
      workspaceName: undefined,
      channelId: event.channel,
      inDirectMessage: event.channel.startsWith('D'),
      userId: user,
      requestKey: `slack:mention:${team}:${event.channel}:${event.ts}`,
    };
    let reply;
    try {
      const text = await readableSlackText(withoutBot, async (id) => (await deps.directory.lookupUser(id))?.displayName);
      reply = await askQuestion(ctx, deps, text.replace(/\s+/g, ' ').trim(), 'mention', ctx.requestKey);
    } catch (error) {
      reply = replyForError(error, log);
    }
    await deps.store.transaction(async (tx) => {
      const ws = await tx.workspace('slack', team);
      await tx.enqueue(ws, { kind: 'ephemeral', channelId: event.channel, userId: user, message: reply });
    });
  });
}
