import { code, message, section } from '../messages/build.js';
import type { Message } from '../messages/model.js';
import type { Platform, Store } from './ports.js';

export interface Conversation {
  platform: Platform;
  workspaceExternalId: string;
  channelId: string;
  /** Post into this thread (the platform's id of its first message). */
  threadId?: string;
}

/** Queues a post in a conversation, through the outbox, in a transaction of its own. */
export async function postInConversation(store: Store, at: Conversation, m: Message): Promise<void> {
  await store.transaction(async (tx) => {
    const workspace = await tx.workspace(at.platform, at.workspaceExternalId);
    await tx.enqueue(workspace, { kind: 'post', channelId: at.channelId, message: m, ...(at.threadId ? { threadId: at.threadId } : {}) });
  });
}

/** What an @mention of po-desk gets, in the mention's thread: a pointer to `/po help`. */
export const mentionAnswer = (): Message =>
  message(section('Hi! I’m po-desk, the Product Owner’s front desk. Type ', code('/po help'), ' to see what I can do.'));
