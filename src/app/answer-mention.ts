import { code, message, section } from '../messages/build.js';
import type { Platform, Store } from './ports.js';

/** An @mention of po-desk gets a short pointer to `/po help`, in the thread of the mention (through the outbox). */
export async function answerMention(store: Store, at: { platform: Platform; workspaceExternalId: string; channelId: string; threadId: string }): Promise<void> {
  await store.transaction(async (tx) => {
    const workspace = await tx.workspace(at.platform, at.workspaceExternalId);
    await tx.enqueue(workspace, {
      kind: 'post',
      channelId: at.channelId,
      threadId: at.threadId,
      message: message(section('Hi! I’m po-desk, the Product Owner’s front desk. Type ', code('/po help'), ' to see what I can do.')),
    });
  });
}
