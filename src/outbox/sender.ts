import type { Platform } from '../app/ports.js';
import type { Message } from '../messages/model.js';

/** A claimed outbox row, as the dispatcher hands it to a platform sender. */
export interface OutboxItem {
  id: bigint;
  platform: Platform;
  workspaceId: string;
  kind: 'post' | 'dm' | 'ephemeral' | 'update' | 'reply';
  /** For a reply: the URL to answer through. */
  channelId: string | null;
  userId: string | null;
  messageKey: string | null;
  message: Message;
  /** This attempt's number: above 1, an earlier attempt may have reached the platform (a crash, a timeout). */
  attempts: number;
  /** When the message was queued: nothing it could have become on the platform is older. */
  queuedAt?: Date;
}

/** A message already on the platform, found through its messageKey. */
export interface PlatformMessageRef {
  channelId: string;
  messageId: string;
}

export interface SendContext {
  /** For a threaded post: the parent message. */
  thread?: PlatformMessageRef;
  /** For an update: the message to edit. */
  target?: PlatformMessageRef;
}

export interface Sent {
  channelId: string | undefined;
  messageId: string | undefined;
}

export interface Sender {
  send(item: OutboxItem, context: SendContext): Promise<Sent>;
  /** A URL that opens a message already on the platform (for `messageLink` spans), if the platform has one. */
  permalink?(workspaceId: string, ref: PlatformMessageRef): Promise<string | undefined>;
}

export type SendFailure = 'rate_limited' | 'transient' | 'permanent';

/** How a send failed, so the dispatcher knows whether to wait, back off, or dead-letter. */
export class SendError extends Error {
  constructor(
    readonly failure: SendFailure,
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown; explanation?: string },
  ) {
    super(message, options);
    this.explanation = options?.explanation;
  }
  /** For permanent failures: why, in words a person understands (shown to whoever is told). */
  readonly explanation: string | undefined;
  readonly code = 'SEND_FAILED';
}
