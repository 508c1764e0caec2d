import type { Directory, UserProfile } from '../../app/ports.js';
import type { SeenUser, TeamsConversations } from '../../store/teams-conversations.js';
import { UserError } from '../../user-error.js';
import { ConnectorError, type BotConnector, type TeamsMember } from './bot-connector.js';

/** Where a turn happened: what the directory needs to look people up in Teams. */
export interface TurnScope {
  tenantId: string;
  serviceUrl: string;
  /** The conversation the activity came from (base id, no thread suffix). */
  conversationId: string;
  /** The team, for channel conversations: its roster is the channel's membership. */
  teamId: string | undefined;
}

/**
 * The use cases' Directory for one Teams turn. People are identified by their AAD object id; Teams
 * has no workspace admins (po-desk's own product admins decide), no deactivated flag in rosters, and
 * no time zone in member records (the caller's comes with the activity).
 */
export function teamsDirectory(options: {
  connector: BotConnector;
  conversations: TeamsConversations;
  scope: TurnScope;
  /** Profiles already known in this turn (the caller, resolved mentions). */
  known: Map<string, UserProfile>;
}): Directory {
  const { connector, conversations, scope, known } = options;
  const roster = scope.teamId ?? scope.conversationId;
  return {
    async lookupUser(aadObjectId) {
      const cached = known.get(aadObjectId);
      if (cached) return cached;
      const found = await busy(async () => {
        const here = await connector.getMember(scope.serviceUrl, roster, aadObjectId);
        return here ? { member: here, where: scope } : inOtherTeams(connector, conversations, scope, aadObjectId);
      });
      if (!found) return storedProfile(conversations, scope.tenantId, aadObjectId, known);
      await conversations.rememberUsers([seenUser(found.where, found.member)].filter((u): u is SeenUser => u !== undefined));
      const profile = memberProfile(found.member);
      known.set(profile.platformUserId, profile);
      return profile;
    },
    async channelMembers() {
      const members = await busy(() => connector.getAllMembers(scope.serviceUrl, roster));
      await conversations.rememberUsers(members.map((m) => seenUser(scope, m)).filter((u): u is SeenUser => u !== undefined));
      for (const m of members) {
        const profile = memberProfile(m);
        if (!known.has(profile.platformUserId)) known.set(profile.platformUserId, profile);
      }
      return members.map((m) => m.aadObjectId ?? m.id);
    },
  };
}

/** Resolves mentioned Teams user ids (29:…) to profiles keyed by AAD object id. */
export async function resolveMentions(
  connector: BotConnector,
  conversations: TeamsConversations,
  scope: TurnScope,
  teamsUserIds: string[],
  known: Map<string, UserProfile>,
): Promise<string[]> {
  const roster = scope.teamId ?? scope.conversationId;
  const members = await Promise.all(teamsUserIds.map((id) => busy(() => connector.getMember(scope.serviceUrl, roster, id))));
  const ids: string[] = [];
  members.forEach((member) => {
    if (!member) throw new UserError('user_not_found', 'I can’t find someone you mentioned among the members of this conversation.');
    const profile = memberProfile(member);
    known.set(profile.platformUserId, profile);
    if (!ids.includes(profile.platformUserId)) ids.push(profile.platformUserId);
  });
  await conversations.rememberUsers(members.map((m) => (m ? seenUser(scope, m) : undefined)).filter((u): u is SeenUser => u !== undefined));
  return ids;
}

/**
 * Someone who is not in this conversation, looked for in the rosters of the other teams po-desk is in: a
 * person picked in a card (a 1:1 chat's roster is just the two of us) or typed by id. A team po-desk was
 * removed from answers 403/404 and is skipped; a rate limit stops the search (the caller says "busy").
 */
async function inOtherTeams(
  connector: BotConnector,
  conversations: TeamsConversations,
  scope: TurnScope,
  aadObjectId: string,
): Promise<{ member: TeamsMember; where: TurnScope } | undefined> {
  const asked = new Set([scope.teamId ?? scope.conversationId]);
  for (const channel of await conversations.teamChannels(scope.tenantId)) {
    if (!channel.teamId || asked.has(channel.teamId)) continue;
    asked.add(channel.teamId);
    try {
      const member = await connector.getMember(channel.serviceUrl, channel.teamId, aadObjectId);
      if (member) return { member, where: { tenantId: scope.tenantId, serviceUrl: channel.serviceUrl, conversationId: channel.id, teamId: channel.teamId } };
    } catch (error) {
      if (error instanceof ConnectorError && error.status !== 429 && error.status < 500) continue;
      throw error;
    }
  }
  return undefined;
}

/** Someone po-desk has seen before (they wrote to it) but finds in no roster now: their stored name. */
async function storedProfile(conversations: TeamsConversations, tenantId: string, aadObjectId: string, known: Map<string, UserProfile>): Promise<UserProfile | undefined> {
  const seen = await conversations.user(tenantId, aadObjectId);
  if (!seen) return undefined;
  const profile: UserProfile = { platformUserId: aadObjectId, displayName: seen.name || 'Someone', timeZone: undefined, isBot: false, isAdmin: false, deleted: false };
  known.set(aadObjectId, profile);
  return profile;
}

function memberProfile(m: TeamsMember): UserProfile {
  return {
    platformUserId: m.aadObjectId ?? m.id,
    displayName: m.name || m.userPrincipalName || 'Someone',
    timeZone: undefined, // member records carry none; the person's own activities do
    // Bots have "28:" ids; people have "29:" (and an AAD object id).
    isBot: m.id.startsWith('28:'),
    isAdmin: false,
    deleted: false,
  };
}

export function seenUser(scope: TurnScope, m: { id: string; name?: string; aadObjectId?: string }): SeenUser | undefined {
  if (!m.aadObjectId || m.id.startsWith('28:')) return undefined;
  return { tenantId: scope.tenantId, aadObjectId: m.aadObjectId, teamsUserId: m.id, name: m.name ?? '', serviceUrl: scope.serviceUrl, teamId: scope.teamId };
}

async function busy<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ConnectorError && error.status === 429) {
      const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000));
      throw new UserError('teams_busy', `Teams is busy right now: please try again in ${seconds} seconds. Nothing was changed.`);
    }
    throw error;
  }
}
