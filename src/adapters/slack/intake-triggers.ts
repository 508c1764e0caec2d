import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { CommandContext, Deps } from '../../app/context.js';
import { intakeFromMessage, type SourceMessage } from '../../app/intake/request-work.js';
import { replyForError } from '../../app/replies.js';
import type { Message } from '../../messages/model.js';
import { renderSlackMessage } from '../../messages/render-slack.js';
import type { Metrics } from '../../metrics.js';
import type { SlackRoutes } from './slack-routes.js';
import { readableSlackText } from './slack-text.js';

/** The message shortcut's callback id, as in manifests/slack/manifest.yaml. */
export const INTAKE_SHORTCUT = 'send_to_intake';
/** The reaction that sends a message to the intake: 📥 */
export const INTAKE_REACTION = 'inbox_tray';

const slackContext = (team: string, domain: string | undefined, channel: string, user: string): CommandContext => ({
  platform: 'slack',
  workspaceExternalId: team,
  workspaceName: domain,
  channelId: channel,
  inDirectMessage: channel.startsWith('D'),
  userId: user,
});

/** A link to the message for the PO (best effort: without one the item still names the channel). */
async function permalink(client: WebClient, channel: string, ts: string, log: Logger): Promise<string | undefined> {
  try {
    const res = await client.chat.getPermalink({ channel, message_ts: ts });
    return typeof res.permalink === 'string' ? res.permalink : undefined;
  } catch (error) {
    log.warn({ err: error, channel, ts }, 'slack: no permalink for a message sent to the intake');
    return undefined;
  }
}

/**
 * "Send to PO intake" on a message, and the 📥 reaction on a message in a team channel: the message
 * becomes an intake item (its author the requester). The shortcut's user is answered privately; the
 * thread is told by the use case.
 */
export function registerIntakeTriggers(routes: SlackRoutes, deps: Deps, log: Logger, metrics: Metrics): void {
  const readable = (text: string) => readableSlackText(text, async (id) => (await deps.directory.lookupUser(id))?.displayName);

  routes.messageShortcut(INTAKE_SHORTCUT, async ({ shortcut, ack, respond, client }) => {
    const started = performance.now();
    await ack();
    const team = shortcut.team?.id ?? shortcut.user.team_id ?? '';
    const reqLog = log.child({ team, user: shortcut.user.id, shortcut: INTAKE_SHORTCUT });
    let reply: Message | undefined;
    try {
      const m = shortcut.message;
      const source: SourceMessage = {
        text: await readable(m.text ?? ''),
        authorId: m.bot_id === undefined ? m.user : undefined,
        messageId: m.ts,
        threadId: (m.thread_ts as string | undefined) ?? m.ts,
        link: await permalink(client, shortcut.channel.id, m.ts, reqLog),
      };
      reply = await intakeFromMessage(slackContext(team, shortcut.team?.domain, shortcut.channel.id, shortcut.user.id), deps, source, 'shortcut');
    } catch (error) {
      reply = replyForError(error, reqLog);
    }
    if (reply) {
      await respond({ response_type: 'ephemeral', ...renderSlackMessage(reply) }).catch((error: unknown) => reqLog.error({ err: error }, 'slack: could not answer the intake shortcut'));
    }
    metrics.ackSeconds.observe({ platform: 'slack', kind: 'shortcut' }, (performance.now() - started) / 1000);
  });

  routes.event('reaction_added', async ({ event, body, client }) => {
    if (event.reaction !== INTAKE_REACTION || event.item.type !== 'message') return;
    const team = typeof body.team_id === 'string' ? body.team_id : undefined;
    if (!team) return;
    const { channel, ts } = event.item;
    const reqLog = log.child({ team, user: event.user, reaction: INTAKE_REACTION });
    const ctx = slackContext(team, undefined, channel, event.user);
    let reply: Message | undefined;
    try {
      const found = await findMessage(client, channel, ts);
      if (!found || !found.user) return; // gone, or a bot's: nothing to request
      reply = await intakeFromMessage(ctx, deps, { text: await readable(found.text), authorId: found.user, messageId: ts, threadId: found.threadTs ?? ts, link: await permalink(client, channel, ts, reqLog) }, 'reaction');
    } catch (error) {
      reply = replyForError(error, reqLog);
    }
    if (!reply) return;
    // The thread was told; the person who reacted hears the rest privately (e.g. why it did not work).
    await deps.store.transaction(async (tx) => {
      const ws = await tx.workspace('slack', team);
      await tx.enqueue(ws, { kind: 'ephemeral', channelId: channel, userId: event.user, message: reply });
    });
  });
}

/** The reacted-to message: a channel message (history), or a reply in a thread (replies). */
async function findMessage(client: WebClient, channel: string, ts: string): Promise<{ text: string; user: string | undefined; threadTs: string | undefined } | undefined> {
  const history = await client.conversations.history({ channel, latest: ts, oldest: ts, inclusive: true, limit: 1 });
  let m = history.messages?.find((x) => x.ts === ts);
  if (!m) {
    const replies = await client.conversations.replies({ channel, ts, limit: 1, inclusive: true });
    m = replies.messages?.find((x) => x.ts === ts);
  }
  if (!m) return undefined;
  const bot = m.bot_id !== undefined || m.subtype === 'bot_message';
  return { text: m.text ?? '', user: bot ? undefined : m.user, threadTs: m.thread_ts };
}
