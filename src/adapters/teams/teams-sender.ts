import { renderTeamsCard, renderTeamsText, type AdaptiveCard } from '../../messages/render-teams.js';
import type { Message } from '../../messages/model.js';
import { SendError, type OutboxItem, type SendContext, type Sender, type Sent } from '../../outbox/sender.js';
import type { StoredConversation, TeamsConversations } from '../../store/teams-conversations.js';
import { ConnectorError, type BotConnector, type ConnectorActivity, type TeamsMember } from './bot-connector.js';
import { baseConversationId, channelMessageLink, threadConversationId } from './teams-ids.js';

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** A card as a Teams message activity; the summary is the notification preview. */
export function cardMessage(card: AdaptiveCard, summary?: string): ConnectorActivity {
  return { type: 'message', ...(summary ? { summary } : {}), attachments: [{ contentType: ADAPTIVE_CARD, content: card }] };
}

/** A message-model message as a Teams activity: one Adaptive Card and a plain-text summary. */
function cardActivity(message: Message): ConnectorActivity {
  return cardMessage(renderTeamsCard(message), renderTeamsText(message));
}

/**
 * Delivers outbox messages through the Bot Connector. Conversations and people are looked up in the
 * database (any replica can send); a person with no 1:1 chat yet gets one, created through a team
 * roster po-desk shares with them. Failures are classified for the dispatcher, as for Slack.
 */
export function teamsSender(connector: BotConnector, conversations: TeamsConversations): Sender {
  return {
    async send(item: OutboxItem, context: SendContext): Promise<Sent> {
      const activity = cardActivity(item.message);
      try {
        switch (item.kind) {
          case 'ephemeral': {
            // Teams has no ephemeral messages: the person's 1:1 chat is the private place. Only when
            // Teams will not give one does it go to the conversation, for everyone there to read.
            const chat = await personalChat(connector, conversations, item.workspaceId, item.userId!).catch((error: unknown) => {
              if (error instanceof SendError && error.failure === 'permanent') return undefined;
              throw error;
            });
            if (chat) {
              const sent = await connector.sendToConversation(chat.serviceUrl, chat.id, activity);
              return { channelId: chat.id, messageId: sent.id };
            }
            return await post(connector, await known(conversations, item.channelId!), context, activity);
          }
          case 'post':
            return await post(connector, await known(conversations, item.channelId!), context, activity);
          case 'dm': {
            const chat = await personalChat(connector, conversations, item.workspaceId, item.userId!);
            const sent = await connector.sendToConversation(chat.serviceUrl, chat.id, activity);
            return { channelId: chat.id, messageId: sent.id };
          }
          case 'update': {
            const conversation = await known(conversations, context.target!.channelId);
            await connector.updateActivity(conversation.serviceUrl, context.target!.channelId, context.target!.messageId, activity);
            return { channelId: context.target!.channelId, messageId: context.target!.messageId };
          }
          case 'reply':
            throw new SendError('permanent', 'teams: answers through a reply URL are for Slack commands only');
        }
      } catch (error) {
        throw classify(error);
      }
    },

    /** Channel messages have deep links; 1:1 and group chats with the bot have none that work for everyone. */
    async permalink(_workspaceId, ref) {
      const conversation = await conversations.find(baseConversationId(ref.channelId));
      if (!conversation || conversation.kind !== 'channel') return undefined;
      return channelMessageLink(conversation.tenantId, ref.channelId, ref.messageId);
    },
  };
}

/** Into the conversation, or into the thread the delivery names. */
async function post(connector: BotConnector, conversation: StoredConversation, context: SendContext, activity: ConnectorActivity): Promise<Sent> {
  if (context.thread) {
    const threadId = threadConversationId(conversation, context.thread.messageId);
    const sent = await connector.replyToActivity(conversation.serviceUrl, threadId, context.thread.messageId, activity);
    return { channelId: threadId, messageId: sent.id };
  }
  const sent = await connector.sendToConversation(conversation.serviceUrl, conversation.id, activity);
  return { channelId: conversation.id, messageId: sent.id };
}

async function known(conversations: TeamsConversations, conversationId: string): Promise<StoredConversation> {
  const found = await conversations.find(baseConversationId(conversationId));
  if (!found) {
    throw new SendError('permanent', `unknown Teams conversation ${conversationId}`, undefined, {
      explanation: 'po-desk has no record of that Teams conversation (was it removed from the team?).',
    });
  }
  return found;
}

/**
 * The person's 1:1 chat with the bot: the stored one, or a new one. Teams needs the person's Teams
 * user id and a service URL to create it, which po-desk has once it has seen the person in a
 * conversation or can find them in the roster of a team it was added to.
 */
async function personalChat(connector: BotConnector, conversations: TeamsConversations, tenantId: string, aadObjectId: string): Promise<StoredConversation> {
  const existing = await conversations.personalChat(tenantId, aadObjectId);
  if (existing) return existing;

  let user = await conversations.user(tenantId, aadObjectId);
  if (!user) {
    for (const channel of await conversations.teamChannels(tenantId)) {
      const member = await memberOrUndefined(connector, channel, aadObjectId);
      if (member) {
        user = { tenantId, aadObjectId, teamsUserId: member.id, name: member.name, serviceUrl: channel.serviceUrl, teamId: channel.teamId };
        await conversations.rememberUsers([user]);
        break;
      }
    }
  }
  if (!user) {
    throw new SendError('permanent', `no way to reach Teams user ${aadObjectId}`, undefined, {
      explanation:
        'they have never talked to po-desk and are not in any team po-desk was added to. Ask them to add po-desk (Apps → po-desk → Add) or add po-desk to one of their teams.',
    });
  }
  const botId = await conversations.botId(tenantId);
  if (!botId) throw new SendError('permanent', `no conversation of tenant ${tenantId} names the bot`, undefined, { explanation: 'po-desk does not know its own Teams identity in this organisation yet; add it to a team first.' });
  const created = await connector.createConversation(user.serviceUrl, {
    bot: { id: botId },
    members: [{ id: user.teamsUserId }],
    tenantId,
    isGroup: false,
    channelData: { tenant: { id: tenantId } },
  });
  await conversations.remember({
    id: created.id,
    tenantId,
    serviceUrl: user.serviceUrl,
    kind: 'personal',
    teamId: undefined,
    userAadId: aadObjectId,
    reference: {
      bot: { id: botId },
      conversation: { id: created.id, conversationType: 'personal', tenantId },
      channelId: 'msteams',
      serviceUrl: user.serviceUrl,
      user: { id: user.teamsUserId, name: user.name, aadObjectId },
    },
  });
  return { id: created.id, tenantId, serviceUrl: user.serviceUrl, kind: 'personal', teamId: undefined, userAadId: aadObjectId, botId };
}

/** A team po-desk was removed from answers 403/404: look in the next one rather than give up. Rate limits still stop. */
async function memberOrUndefined(connector: BotConnector, channel: StoredConversation, aadObjectId: string): Promise<TeamsMember | undefined> {
  try {
    return await connector.getMember(channel.serviceUrl, channel.teamId!, aadObjectId);
  } catch (error) {
    if (error instanceof ConnectorError && error.status !== 429 && error.status < 500) return undefined;
    throw error;
  }
}

const PERMANENT_STATUSES = new Set([400, 401, 403, 404, 405, 409, 410, 413]);

function classify(error: unknown): SendError {
  if (error instanceof SendError) return error;
  if (error instanceof ConnectorError) {
    if (error.status === 429) return new SendError('rate_limited', 'rate limited by the Bot Connector', error.retryAfterMs ?? 1000, { cause: error });
    if (PERMANENT_STATUSES.has(error.status)) {
      return new SendError('permanent', error.message, undefined, {
        cause: error,
        explanation:
          error.status === 403
            ? 'Teams refused it: po-desk was removed from that conversation, or the person blocked it.'
            : `Teams refused it (HTTP ${error.status}).`,
      });
    }
    return new SendError('transient', error.message, undefined, { cause: error });
  }
  return new SendError('transient', error instanceof Error ? error.message : String(error), undefined, { cause: error });
}
