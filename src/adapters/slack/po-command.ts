import type { SlashCommand } from '@slack/bolt';
import type { Logger } from 'pino';
import type { CommandContext, Deps } from '../../app/context.js';
import { answerCommand } from '../../app/run-command.js';
import { splitCommand, takesFreeText } from '../../domain/command.js';
import { renderSlackMessage } from '../../messages/render-slack.js';
import type { Metrics } from '../../metrics.js';
import { deferrable, type DeferredCommands } from './deferred-commands.js';
import { openSlackForm } from './open-slack-form.js';
import type { SlackRoutes } from './slack-routes.js';
import { parseSlackMentions, readableSlackText, unescapeSlackText } from './slack-text.js';

/**
 * `/po …`: map the slash command in, run the use case, answer privately in the ack. A command that
 * shows a form is acked empty and opens the form as a modal (or says privately why it could not).
 */
export function registerPoCommand(routes: SlackRoutes, deps: Deps, log: Logger, metrics: Metrics, deferred?: DeferredCommands): void {
  routes.command('/po', async ({ command, ack, client, respond }) => {
    const started = performance.now();
    if (deferred && deferrable(command)) {
      // A question is saved (with others arriving at the same moment) and acked empty; the inbound worker
      // asks it and answers through the response_url. The answer no longer has to fit in Slack's 3 seconds.
      const saved = await deferred.accept(command);
      if (saved === 'saved') await ack();
      else await ack({ response_type: 'ephemeral', ...renderSlackMessage(saved) });
      metrics.ackSeconds.observe({ platform: 'slack', kind: 'command' }, (performance.now() - started) / 1000);
      return;
    }
    const reqLog = log.child({ team: command.team_id, user: command.user_id });
    const answered = await answerSlashCommand(slashCommandContext(command), command.text ?? '', deps, reqLog);
    const { shown, sub } = answered;
    let outcome: string = answered.outcome;
    if (shown.kind === 'form') {
      await ack();
      const failed = await openSlackForm(client, command.trigger_id, shown.form, command.channel_id, reqLog);
      if (failed) {
        outcome = 'error';
        await respond({ response_type: 'ephemeral', ...renderSlackMessage(failed) }).catch((error: unknown) => {
          reqLog.error({ err: error }, 'slack: could not say through response_url that the form did not open');
        });
      }
    } else {
      // A command has no earlier message to replace, so 'replace' is a reply too.
      await ack({ response_type: 'ephemeral', ...renderSlackMessage(shown.message) });
    }
    metrics.commands.inc({ platform: 'slack', sub: sub || 'help', outcome });
    metrics.ackSeconds.observe({ platform: 'slack', kind: 'command' }, (performance.now() - started) / 1000);
  });
}

/** Runs `/po <text>` as a person typed it in Slack, never throwing: what to show, the subcommand, how it went. */
export function answerSlashCommand(ctx: CommandContext, text: string, deps: Deps, log: Logger) {
  // The length a person typed: Slack sends & < > as entities, which must not count five times over.
  return answerCommand(ctx, deps, unescapeSlackText(text), async () => {
    const { sub, args } = splitCommand(text);
    // Mentions first (they are Slack syntax), then decode what the person typed into plain text.
    const { userIds, rest } = parseSlackMentions(args);
    // Free text (a question, an away note) keeps its mentions as names; only those commands need them.
    const freeText = takesFreeText(sub) ? await readableSlackText(args, async (id) => (await deps.directory.lookupUser(id))?.displayName) : undefined;
    return { sub, rest: unescapeSlackText(rest), userIds, text: freeText };
  }, log);
}

export function slashCommandContext(c: Pick<SlashCommand, 'team_id' | 'team_domain' | 'channel_id' | 'channel_name' | 'user_id' | 'trigger_id'>): CommandContext {
  return {
    platform: 'slack',
    workspaceExternalId: c.team_id,
    workspaceName: c.team_domain,
    channelId: c.channel_id,
    inDirectMessage: c.channel_name === 'directmessage' || c.channel_id.startsWith('D'),
    userId: c.user_id,
    // Slack gives every invocation its own trigger id; a redelivered command carries the same one.
    requestKey: c.trigger_id ? `slack:command:${c.team_id}:${c.trigger_id}` : undefined,
  };
}
