import type { Prisma } from '../generated/prisma/client.js';
import type { Db } from './database.js';

export type TeamsConversationKind = 'personal' | 'channel' | 'groupChat';

interface ConversationFields {
  /** The Bot Framework conversation id (channels: without the ";messageid=" thread suffix). */
  id: string;
  tenantId: string;
  serviceUrl: string;
  kind: TeamsConversationKind;
  /** The team a channel belongs to, for roster lookups. */
  teamId: string | undefined;
  /** For a personal chat: whose it is. */
  userAadId: string | undefined;
}

export interface StoredConversation extends ConversationFields {
  /** The bot's own account in this conversation ("28:<app id>"), from the stored reference. */
  botId: string | undefined;
}

export interface SeenUser {
  tenantId: string;
  aadObjectId: string;
  teamsUserId: string;
  name: string;
  serviceUrl: string;
  teamId: string | undefined;
}

export interface ConversationToRemember extends ConversationFields {
  /** botbuilder's ConversationReference, for proactive messages. */
  reference: Record<string, unknown>;
}

/**
 * Where po-desk can reach people on Teams: conversation references and the Teams user ids of the
 * people it has seen. Kept in the database, never in memory, so any replica can send proactively.
 */
export interface TeamsConversations {
  remember(conversation: ConversationToRemember): Promise<void>;
  /** Marks the conversation greeted; true only for the first caller (greet once, even with retries). */
  claimGreeting(conversationId: string): Promise<boolean>;
  find(conversationId: string): Promise<StoredConversation | undefined>;
  personalChat(tenantId: string, aadObjectId: string): Promise<StoredConversation | undefined>;
  /** Channels of the tenant that belong to a team, newest first: rosters where a person may be found. */
  teamChannels(tenantId: string): Promise<StoredConversation[]>;
  /** The bot's own account id in this tenant, from any conversation it is in. */
  botId(tenantId: string): Promise<string | undefined>;
  rememberUsers(users: SeenUser[]): Promise<void>;
  user(tenantId: string, aadObjectId: string): Promise<SeenUser | undefined>;
}

export function teamsConversations(db: Db): TeamsConversations {
  return {
    async remember(c) {
      const reference = JSON.parse(JSON.stringify(c.reference)) as Prisma.InputJsonValue;
      await db.teamsConversation.upsert({
        where: { id: c.id },
        create: { id: c.id, tenantId: c.tenantId, serviceUrl: c.serviceUrl, kind: c.kind, teamId: c.teamId, userAadId: c.userAadId, reference },
        update: { serviceUrl: c.serviceUrl, reference, ...(c.teamId ? { teamId: c.teamId } : {}) },
      });
    },

    async claimGreeting(conversationId) {
      const claimed = await db.teamsConversation.updateMany({ where: { id: conversationId, greetedAt: null }, data: { greetedAt: new Date() } });
      return claimed.count === 1;
    },

    async find(conversationId) {
      const row = await db.teamsConversation.findUnique({ where: { id: conversationId } });
      return row ? stored(row) : undefined;
    },

    async personalChat(tenantId, aadObjectId) {
      const row = await db.teamsConversation.findFirst({ where: { tenantId, userAadId: aadObjectId, kind: 'personal' }, orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }] });
      return row ? stored(row) : undefined;
    },

    async teamChannels(tenantId) {
      const rows = await db.teamsConversation.findMany({ where: { tenantId, teamId: { not: null } }, orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }], take: 20 });
      return rows.map(stored);
    },

    async botId(tenantId) {
      const rows = await db.teamsConversation.findMany({ where: { tenantId }, orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }], take: 5 });
      return rows.map(stored).find((c) => c.botId)?.botId;
    },

    async rememberUsers(users) {
      for (const u of users) {
        await db.teamsUser.upsert({
          where: { tenantId_aadObjectId: { tenantId: u.tenantId, aadObjectId: u.aadObjectId } },
          create: u,
          update: { teamsUserId: u.teamsUserId, name: u.name, serviceUrl: u.serviceUrl, ...(u.teamId ? { teamId: u.teamId } : {}) },
        });
      }
    },

    async user(tenantId, aadObjectId) {
      const row = await db.teamsUser.findUnique({ where: { tenantId_aadObjectId: { tenantId, aadObjectId } } });
      return row ? { ...row, teamId: row.teamId ?? undefined } : undefined;
    },
  };
}

function stored(row: {
  id: string;
  tenantId: string;
  serviceUrl: string;
  kind: string;
  teamId: string | null;
  userAadId: string | null;
  reference: unknown;
}): StoredConversation {
  const reference = (typeof row.reference === 'string' ? JSON.parse(row.reference) : row.reference) as { bot?: { id?: string } } | null;
  return {
    id: row.id,
    tenantId: row.tenantId,
    serviceUrl: row.serviceUrl,
    kind: row.kind as TeamsConversationKind,
    teamId: row.teamId ?? undefined,
    userAadId: row.userAadId ?? undefined,
    botId: reference?.bot?.id,
  };
}
