import { ErrorCode, type WebClient } from '@slack/web-api';
import type { Directory, UserProfile } from '../../app/ports.js';
import { UserError } from '../../user-error.js';

interface SlackUser {
  id?: string;
  name?: string;
  real_name?: string;
  tz?: string;
  is_bot?: boolean;
  is_admin?: boolean;
  is_owner?: boolean;
  deleted?: boolean;
  profile?: { display_name?: string; real_name?: string };
}

/** Reads people and channel members from Slack (users.info, conversations.members). */
export function slackDirectory(client: WebClient): Directory {
  return {
    async lookupUser(platformUserId) {
      try {
        const res = await client.users.info({ user: platformUserId });
        return res.user ? toProfile(res.user as SlackUser) : undefined;
      } catch (error) {
        if (slackError(error) === 'user_not_found') return undefined;
        throw busyOr(error);
      }
    },
    async channelMembers(channelId) {
      const members: string[] = [];
      try {
        for await (const page of client.paginate('conversations.members', { channel: channelId, limit: 200 })) {
          members.push(...((page as { members?: string[] }).members ?? []));
        }
      } catch (error) {
        const code = slackError(error);
        if (code === 'channel_not_found' || code === 'not_in_channel' || code === 'missing_scope') {
          throw new UserError(
            'channel_not_visible',
            'I can’t see who is in this channel. Invite me first (`/invite @po-desk`), then run the command again.',
            { cause: error },
          );
        }
        throw busyOr(error);
      }
      return members;
    },
  };
}

/** A rate-limited lookup becomes a message the person can act on; nothing was changed yet. */
function busyOr(error: unknown): unknown {
  const e = error as { code?: string; retryAfter?: number };
  if (e.code !== ErrorCode.RateLimitedError) return error;
  return new UserError('slack_busy', `Slack asked me to slow down. Nothing was changed; please try again in ${Math.max(1, e.retryAfter ?? 1)} seconds.`, { cause: error });
}

function toProfile(u: SlackUser): UserProfile {
  return {
    platformUserId: u.id ?? '',
    displayName: u.profile?.display_name || u.real_name || u.profile?.real_name || u.name || u.id || 'someone',
    timeZone: u.tz,
    isBot: Boolean(u.is_bot) || u.id === 'USLACKBOT',
    isAdmin: Boolean(u.is_admin || u.is_owner),
    deleted: Boolean(u.deleted),
  };
}

export function slackError(error: unknown): string | undefined {
  return (error as { data?: { error?: string } } | undefined)?.data?.error;
}
