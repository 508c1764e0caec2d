/**
 * Teams channel conversation ids carry the thread they were written in: "19:…@thread.tacv2;messageid=123".
 * po-desk stores the channel (the part before ";"), and addresses a thread by adding the root message id.
 */
export function baseConversationId(conversationId: string): string {
  return conversationId.split(';')[0]!;
}

/** The thread a channel conversation id names ("…;messageid=123" → "123"), if any. */
export function threadRootOf(conversationId: string): string | undefined {
  return /;messageid=(\d+)/.exec(conversationId)?.[1];
}

export function threadConversationId(conversation: { id: string; kind: string }, rootMessageId: string): string {
  return conversation.kind === 'channel' ? `${conversation.id};messageid=${rootMessageId}` : conversation.id;
}

/**
 * A deep link that opens a channel message in Teams, in the format Microsoft documents for links from a
 * bot ("Deep link to Teams chat → channel conversation"): `/l/message/<channelId>/<messageId>` with the
 * tenant, the thread's root (`parentMessageId`) and the creation time. A channel message's id is its
 * creation time in milliseconds, which is what `createdTime` wants. `groupId` (the team's Microsoft 365
 * group) is optional in that format and not known to po-desk, so it is left out.
 */
export function channelMessageLink(tenantId: string, conversationId: string, messageId: string): string {
  const channelId = baseConversationId(conversationId);
  const root = threadRootOf(conversationId) ?? messageId;
  const query = new URLSearchParams({ tenantId, parentMessageId: root, ...(/^\d+$/.test(messageId) ? { createdTime: messageId } : {}) });
  return `https://teams.microsoft.com/l/message/${encodeURIComponent(channelId)}/${encodeURIComponent(messageId)}?${query.toString()}`;
}
