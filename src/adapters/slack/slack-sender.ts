import { ErrorCode, type WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { SendError, type OutboxItem, type SendContext, type Sender, type Sent } from '../../outbox/sender.js';
import { renderSlackMessage } from '../../messages/render-slack.js';
import { slackError } from './slack-directory.js';

// Slack errors that no retry can fix: the message is dead-lettered with the reason.
const PERMANENT = new Set([
  'channel_not_found', 'not_in_channel', 'is_archived', 'msg_too_long', 'no_text', 'invalid_blocks',
  'invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'missing_scope', 'user_not_found',
  'user_not_in_channel', 'cant_update_message', 'message_not_found', 'edit_window_closed', 'invalid_arguments',
  'restricted_action', 'user_disabled', 'cannot_dm_bot',
]);

/**
 * The message metadata po-desk posts with, naming the outbox row: a retry of a post whose earlier attempt
 * may have reached Slack (the process died mid-send, the answer timed out) looks for it before posting again.
 */
export const OUTBOX_METADATA_EVENT = 'po_desk_outbox';
/** How far back a retry looks, at most (pages of conversations.history). */
const LOOKUP_PAGES = 5;
/** Clocks differ: a message posted just before `queuedAt` by Slack's clock is still looked at. */
const CLOCK_SKEW_S = 120;

/** Delivers outbox messages to Slack. The WebClient must not retry by itself: the outbox does. */
export function slackSender(client: WebClient, log?: Logger): Sender {
  /** A retried post: the message an earlier attempt left in the channel (or thread), if any. */
  const delivered = async (item: OutboxItem, channel: string, threadTs: string | undefined): Promise<Sent | undefined> => {
    if (item.attempts <= 1) return undefined;
    const oldest = item.queuedAt ? String(Math.floor(item.queuedAt.getTime() / 1000) - CLOCK_SKEW_S) : undefined;
    try {
      let cursor: string | undefined;
      for (let page = 0; page < LOOKUP_PAGES; page += 1) {
        const res = threadTs
          ? await client.conversations.replies({ channel, ts: threadTs, oldest, cursor, limit: 200, include_all_metadata: true })
          : await client.conversations.history({ channel, oldest, cursor, limit: 200, include_all_metadata: true });
        const found = res.messages?.find((m) => m.metadata?.event_type === OUTBOX_METADATA_EVENT && (m.metadata.event_payload as Record<string, unknown> | undefined)?.outbox_id === String(item.id));
        if (found?.ts) {
          log?.info({ outboxId: String(item.id), channel, ts: found.ts }, 'outbox: an earlier attempt had reached Slack; not posting again');
          return { channelId: channel, messageId: found.ts };
        }
        cursor = res.response_metadata?.next_cursor || undefined;
        if (!res.has_more || !cursor) return undefined;
      }
    } catch (error) {
      // Waiting is right when Slack asks for it; any other failure to look must not keep the message from going out.
      if ((error as { code?: string }).code === ErrorCode.RateLimitedError) throw error;
      log?.warn({ err: error, outboxId: String(item.id) }, 'outbox: could not check whether an earlier attempt reached Slack; posting');
    }
    return undefined;
  };
  const metadata = (item: OutboxItem) => ({ event_type: OUTBOX_METADATA_EVENT, event_payload: { outbox_id: String(item.id) } });

  return {
    async send(item: OutboxItem, context: SendContext): Promise<Sent> {
      const { text, blocks } = renderSlackMessage(item.message);
      try {
        switch (item.kind) {
          case 'post': {
            const threadTs = context.thread?.messageId;
            const earlier = await delivered(item, item.channelId!, threadTs);
            if (earlier) return earlier;
            const res = await client.chat.postMessage({ channel: item.channelId!, text, blocks, thread_ts: threadTs, unfurl_links: false, metadata: metadata(item) });
            return { channelId: res.channel, messageId: res.ts };
          }
          case 'dm': {
            const open = await client.conversations.open({ users: item.userId! });
            const earlier = await delivered(item, open.channel!.id!, undefined);
            if (earlier) return earlier;
            const res = await client.chat.postMessage({ channel: open.channel!.id!, text, blocks, unfurl_links: false, metadata: metadata(item) });
            return { channelId: res.channel, messageId: res.ts };
          }
          case 'reply':
            await postToResponseUrl(item.channelId!, { response_type: 'ephemeral', text, blocks });
            return { channelId: undefined, messageId: undefined };
          case 'ephemeral': {
            await client.chat.postEphemeral({ channel: item.channelId!, user: item.userId!, text, blocks });
            return { channelId: item.channelId!, messageId: undefined };
          }
          case 'update': {
            const res = await client.chat.update({ channel: context.target!.channelId, ts: context.target!.messageId, text, blocks });
            return { channelId: res.channel, messageId: res.ts };
          }
        }
      } catch (error) {
        throw classify(error);
      }
    },

    async permalink(_workspaceId, ref) {
      const res = await client.chat.getPermalink({ channel: ref.channelId, message_ts: ref.messageId });
      return res.permalink;
    },
  };
}

/**
 * Why a person or channel could not be reached, in words the person told understands, for the Slack
 * refusals that are about the recipient (not about po-desk's own setup or the message).
 */
const EXPLANATIONS: Record<string, string> = {
  user_disabled: 'their Slack account is deactivated',
  account_inactive: 'their Slack account is deactivated',
  user_not_found: 'Slack does not know them (any more)',
  cannot_dm_bot: 'they are a bot',
  not_in_channel: 'po-desk is not in that channel: invite it with /invite @po-desk, then ask again',
  channel_not_found: 'Slack cannot find that channel: it was deleted, or it is private and po-desk is not in it (invite it with /invite @po-desk, then ask again)',
  is_archived: 'that channel is archived: unarchive it, then ask again',
};

function classify(error: unknown): SendError {
  if (error instanceof SendError) return error;
  const e = error as { code?: string; retryAfter?: number; message?: string };
  if (e.code === ErrorCode.RateLimitedError) {
    return new SendError('rate_limited', 'rate limited by Slack', (e.retryAfter ?? 1) * 1000, { cause: error });
  }
  const code = slackError(error);
  if (code && PERMANENT.has(code)) return new SendError('permanent', `Slack refused: ${code}`, undefined, { cause: error, explanation: EXPLANATIONS[code] });
  return new SendError('transient', code ? `Slack error: ${code}` : (e.message ?? String(error)), undefined, { cause: error });
}

/** How long a response_url post may take before it is retried. */
const RESPONSE_URL_TIMEOUT_MS = 10_000;

/**
 * Answers through a command's response_url (valid for 30 minutes and 5 answers). Slack says why it
 * refuses in the body ("expired_url", "used_url"): those are permanent; a 429 or 5xx is retried.
 */
async function postToResponseUrl(url: string, body: object): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(RESPONSE_URL_TIMEOUT_MS) });
  } catch (error) {
    throw new SendError('transient', `response_url: ${(error as Error).message}`, undefined, { cause: error });
  }
  if (res.ok) return;
  const reason = (await res.text().catch(() => '')).slice(0, 200);
  if (res.status === 429) throw new SendError('rate_limited', 'response_url: rate limited', Number(res.headers.get('retry-after') ?? 1) * 1000);
  if (res.status >= 500) throw new SendError('transient', `response_url: HTTP ${res.status} ${reason}`);
  throw new SendError('permanent', `response_url: HTTP ${res.status} ${reason}`, undefined, { explanation: 'the command’s reply link has expired' });
}

