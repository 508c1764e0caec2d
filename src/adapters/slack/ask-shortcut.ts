import type { Logger } from 'pino';
import type { CommandContext, Deps } from '../../app/context.js';
import { askQuestion } from '../../app/questions/ask-question.js';
import { replyForError } from '../../app/replies.js';
import { renderSlackMessage } from '../../messages/render-slack.js';
import type { Metrics } from '../../metrics.js';
import type { SlackRoutes } from './slack-routes.js';
import { readableSlackText } from './slack-text.js';

/** The message shortcut's callback id, as in manifests/slack/manifest.yaml. */
export const ASK_SHORTCUT = 'ask_po';

/**
 * The message shortcut "Ask the PO": the message's text becomes the question, asked by whoever used the
 * shortcut, in the message's channel. The answer to the asker goes privately through response_url.
 */
export function registerAskShortcut(routes: SlackRoutes, deps: Deps, log: Logger, metrics: Metrics): void {
  routes.messageShortcut(ASK_SHORTCUT, async ({ shortcut, ack, respond }) => {
    const started = performance.now();
    await ack();
    const team = shortcut.team?.id ?? shortcut.user.team_id;
    const reqLog = log.child({ team, user: shortcut.user.id, shortcut: ASK_SHORTCUT });
    let reply;
    try {
      const ctx: CommandContext = {
        platform: 'slack',
        workspaceExternalId: team ?? '',
        workspaceName: shortcut.team?.domain,
        channelId: shortcut.channel.id,
        inDirectMessage: shortcut.channel.id.startsWith('D'),
        userId: shortcut.user.id,
        requestKey: `slack:shortcut:${team}:${shortcut.trigger_id}`,
      };
      const text = await readableSlackText(shortcut.message.text ?? '', async (id) => (await deps.directory.lookupUser(id))?.displayName);
      reply = await askQuestion(ctx, deps, text, 'shortcut', ctx.requestKey);
    } catch (error) {
      reply = replyForError(error, reqLog);
    }
    await respond({ response_type: 'ephemeral', ...renderSlackMessage(reply) }).catch((error: unknown) => {
      reqLog.error({ err: error }, 'slack: could not answer the Ask the PO shortcut');
    });
    metrics.ackSeconds.observe({ platform: 'slack', kind: 'shortcut' }, (performance.now() - started) / 1000);
  });
}
