import type { App, SlashCommand } from '@slack/bolt';
import type { Logger } from 'pino';
import type { CommandContext, Deps } from '../../app/context.js';
import { runCommand } from '../../app/run-command.js';
import { splitCommand } from '../../domain/command.js';
import { message, section } from '../../messages/build.js';
import type { Message } from '../../messages/model.js';
import { renderSlackMessage } from '../../messages/render-slack.js';
import type { Metrics } from '../../metrics.js';
import { UserError } from '../../user-error.js';
import { parseSlackMentions, unescapeSlackText } from './slack-text.js';

const MAX_COMMAND_TEXT = 4000;

/** `/po …`: map the slash command in, run the use case, answer privately in the ack. */
export function registerPoCommand(app: App, deps: Deps, log: Logger, metrics: Metrics): void {
  app.command('/po', async ({ command, ack }) => {
    const started = performance.now();
    const { sub, args } = splitCommand(command.text ?? '');
    const reqLog = log.child({ platform: 'slack', team: command.team_id, user: command.user_id, sub });
    let reply: Message;
    let outcome = 'ok';
    try {
      if ((command.text ?? '').length > MAX_COMMAND_TEXT) {
        throw new UserError('text_too_long', `That is too long for a command (${command.text.length} characters; at most ${MAX_COMMAND_TEXT}).`);
      }
      // Mentions first (they are Slack syntax), then decode what the person typed into plain text.
      const { userIds, rest } = parseSlackMentions(args);
      reply = await runCommand(contextOf(command), deps, { sub, rest: unescapeSlackText(rest), userIds });
    } catch (error) {
      outcome = error instanceof UserError ? 'refused' : 'error';
      reply = replyForError(error, reqLog);
    }
    await ack({ response_type: 'ephemeral', ...renderSlackMessage(reply) });
    metrics.commands.inc({ platform: 'slack', sub: sub || 'help', outcome });
    metrics.ackSeconds.observe({ platform: 'slack', kind: 'command' }, (performance.now() - started) / 1000);
  });
}

function contextOf(c: SlashCommand): CommandContext {
  return {
    platform: 'slack',
    workspaceExternalId: c.team_id,
    workspaceName: c.team_domain,
    channelId: c.channel_id,
    inDirectMessage: c.channel_name === 'directmessage' || c.channel_id.startsWith('D'),
    userId: c.user_id,
  };
}

/** The one error boundary of a command: people see their mistake, or a short apology. */
export function replyForError(error: unknown, log: Logger): Message {
  if (error instanceof UserError) return message(section(error.message));
  log.error({ err: error }, 'command failed');
  return message(section('Sorry, something went wrong on my side and nothing was changed. Please try again in a moment.'));
}
