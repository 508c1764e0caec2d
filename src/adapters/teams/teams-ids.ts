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
