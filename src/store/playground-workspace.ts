import type { Prisma } from '../generated/prisma/client.js';
import type { SprintCadence } from '../domain/sprint-calendar.js';
import type { Message } from '../messages/model.js';
import type { Db } from './database.js';

/** The playground's one workspace, as po-desk's Workspace table knows it. */
export const PLAYGROUND_WORKSPACE = 'demo';

export interface PlaygroundPerson {
  id: string;
  handle: string;
  displayName: string;
  role: string;
  timeZone: string;
  isAdmin: boolean;
}

export interface PlaygroundChannelInfo {
  id: string;
  name: string;
  kind: 'channel' | 'dm';
  topic: string | null;
  /** For a DM: whose conversation with po-desk it is. */
  dmUserId: string | null;
}

export interface PlaygroundMessageRow {
  id: string;
  channelId: string;
  threadId: string | null;
  authorId: string | null;
  visibleTo: string | null;
  command: string | null;
  message: Message;
  createdAt: Date;
  editedAt: Date | null;
}

export interface NewPlaygroundMessage {
  channelId: string;
  threadId?: string;
  authorId?: string;
  visibleTo?: string;
  command?: string;
  message: Message;
  at: Date;
}

/** The demo as seeded: people, channels (with members) and the sprint calendar. */
export interface PlaygroundSeed {
  people: PlaygroundPerson[];
  channels: (Omit<PlaygroundChannelInfo, 'dmUserId'> & { members: string[] })[];
  sprintCalendar: SprintCadence;
}


export const dmChannelId = (userId: string) => `D-${userId}`;

/**
 * The playground's chat workspace: its people, channels and messages, which on Slack or Teams live at
 * the platform. The playground adapter is the only reader and writer.
 */
export function playgroundWorkspace(db: Db) {
  const toMessage = (r: {
    id: bigint;
    channelId: string;
    threadId: bigint | null;
    authorId: string | null;
    visibleTo: string | null;
    command: string | null;
    payload: Prisma.JsonValue;
    createdAt: Date;
    editedAt: Date | null;
  }): PlaygroundMessageRow => ({
    id: String(r.id),
    channelId: r.channelId,
    threadId: r.threadId === null ? null : String(r.threadId),
    authorId: r.authorId,
    visibleTo: r.visibleTo,
    command: r.command,
    message: r.payload as unknown as Message,
    createdAt: r.createdAt,
    editedAt: r.editedAt,
  });

  return {
    /** 'none': never seeded; 'started': seeding claimed but never finished (the process died); 'done'. */
    async seedStatus(): Promise<'none' | 'started' | 'done'> {
      const state = await db.playgroundState.findUnique({ where: { id: 1 }, select: { seededAt: true } });
      return !state ? 'none' : state.seededAt ? 'done' : 'started';
    },

    async markSeeded(at: Date): Promise<void> {
      await db.playgroundState.updateMany({ where: { id: 1 }, data: { seededAt: at } });
    },

    /**
     * Writes the demo's people and channels, claiming the seeding. Returns false, writing nothing, when
     * another process claimed it first (the state row's primary key decides).
     */
    async seed(seed: PlaygroundSeed): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const claimed = await tx.playgroundState.createMany({
          data: [{ id: 1, sprintCalendar: seed.sprintCalendar as unknown as Prisma.InputJsonValue }],
          skipDuplicates: true,
        });
        if (claimed.count === 0) return false;
        await tx.playgroundUser.createMany({ data: seed.people.map((p, sort) => ({ ...p, sort })) });
        const channels = [
          ...seed.channels.map((c) => ({ ...c, dmUserId: null })),
          ...seed.people.map((p) => ({ id: dmChannelId(p.id), name: 'po-desk', kind: 'dm' as const, topic: 'Your direct messages with po-desk', dmUserId: p.id, members: [p.id] })),
        ];
        await tx.playgroundChannel.createMany({ data: channels.map(({ members: _members, ...c }, sort) => ({ ...c, sort })) });
        await tx.playgroundChannelMember.createMany({ data: channels.flatMap((c) => c.members.map((userId) => ({ channelId: c.id, userId }))) });
        return true;
      });
    },

    async people(): Promise<PlaygroundPerson[]> {
      const rows = await db.playgroundUser.findMany({ orderBy: { sort: 'asc' } });
      return rows.map(({ sort: _sort, ...p }) => p);
    },

    async person(id: string): Promise<PlaygroundPerson | undefined> {
      const row = await db.playgroundUser.findUnique({ where: { id } });
      if (!row) return undefined;
      const { sort: _sort, ...p } = row;
      return p;
    },

    /** Every channel, then every DM channel; the adapter shows a person only their own DM. */
    async channels(): Promise<PlaygroundChannelInfo[]> {
      const rows = await db.playgroundChannel.findMany({ orderBy: { sort: 'asc' } });
      return rows.map((c) => ({ id: c.id, name: c.name, kind: c.kind as 'channel' | 'dm', topic: c.topic, dmUserId: c.dmUserId }));
    },

    async channel(id: string): Promise<PlaygroundChannelInfo | undefined> {
      const c = await db.playgroundChannel.findUnique({ where: { id } });
      return c ? { id: c.id, name: c.name, kind: c.kind as 'channel' | 'dm', topic: c.topic, dmUserId: c.dmUserId } : undefined;
    },

    async channelMembers(channelId: string): Promise<string[]> {
      const rows = await db.playgroundChannelMember.findMany({ where: { channelId }, orderBy: { userId: 'asc' } });
      return rows.map((r) => r.userId);
    },

    /** Adds a message; a reply to a reply goes into the thread of the first message, as on Slack. */
    async addMessage(m: NewPlaygroundMessage): Promise<PlaygroundMessageRow> {
      const parent = m.threadId === undefined ? undefined : await this.message(m.threadId);
      const threadId = parent && parent.channelId === m.channelId ? BigInt(parent.threadId ?? parent.id) : null;
      const row = await db.playgroundMessage.create({
        data: {
          channelId: m.channelId,
          threadId,
          authorId: m.authorId ?? null,
          visibleTo: m.visibleTo ?? null,
          command: m.command ?? null,
          payload: m.message as unknown as Prisma.InputJsonValue,
          createdAt: m.at,
        },
      });
      return toMessage(row);
    },

    /** Replaces a message's content; undefined when there is no such message. */
    async editMessage(id: string, message: Message, at: Date): Promise<PlaygroundMessageRow | undefined> {
      const found = await db.playgroundMessage.updateMany({
        where: { id: BigInt(id) },
        data: { payload: message as unknown as Prisma.InputJsonValue, editedAt: at },
      });
      return found.count === 1 ? this.message(id) : undefined;
    },

    async message(id: string): Promise<PlaygroundMessageRow | undefined> {
      if (!/^\d{1,18}$/.test(id)) return undefined;
      const row = await db.playgroundMessage.findUnique({ where: { id: BigInt(id) } });
      return row ? toMessage(row) : undefined;
    },

    /** The channel's messages `viewerId` can see (everyone's, and the ephemeral ones meant for them), oldest first. */
    async messages(channelId: string, viewerId: string, limit = 500): Promise<PlaygroundMessageRow[]> {
      const rows = await db.playgroundMessage.findMany({
        where: { channelId, OR: [{ visibleTo: null }, { visibleTo: viewerId }] },
        orderBy: { id: 'desc' },
        take: limit,
      });
      return rows.reverse().map(toMessage);
    },

    async clockOffsetMs(): Promise<number> {
      const state = await db.playgroundState.findUnique({ where: { id: 1 } });
      return state ? Number(state.clockOffsetMs) : 0;
    },

    /** Moves the stored offset forward to `offsetMs` (never back, whatever order writes arrive in); returns the stored one. */
    async advanceClockOffset(offsetMs: number): Promise<number> {
      const rows = await db.$queryRaw<{ clockOffsetMs: bigint }[]>`
        UPDATE "PlaygroundState" SET "clockOffsetMs" = GREATEST("clockOffsetMs", ${BigInt(Math.round(offsetMs))})
        WHERE "id" = 1 RETURNING "clockOffsetMs"`;
      return rows[0] ? Number(rows[0].clockOffsetMs) : offsetMs;
    },

    /**
     * Puts a clock that ran ahead back to real time, for a start whose clock cannot move (the playground
     * off, or real chat platforms connected): the offset goes, and so do the job claims made ahead of
     * `realNow`, so those occurrences run when their real time comes. Returns how many claims went.
     */
    async returnToRealTime(realNow: Date): Promise<number> {
      return db.$transaction(async (tx) => {
        await tx.playgroundState.updateMany({ where: { id: 1 }, data: { clockOffsetMs: 0n } });
        return (await tx.jobRun.deleteMany({ where: { slot: { gt: realNow } } })).count;
      });
    },

    async sprintCalendar(): Promise<SprintCadence | undefined> {
      const state = await db.playgroundState.findUnique({ where: { id: 1 } });
      return (state?.sprintCalendar as unknown as SprintCadence | null) ?? undefined;
    },

    /**
     * The latest run of each job, newest first: a job that runs every few minutes (question nudges)
     * would otherwise crowd a daily one (housekeeping) out of the clock panel.
     */
    async latestJobRuns(): Promise<{ job: string; slot: Date; status: string }[]> {
      return db.$queryRaw<{ job: string; slot: Date; status: string }[]>`
        SELECT * FROM (SELECT DISTINCT ON ("job") "job", "slot", "status" FROM "JobRun" ORDER BY "job", "slot" DESC) AS latest
        ORDER BY "slot" DESC, "job"`;
    },

    /**
     * Deletes the demo: the playground's workspace and messages, and the product it holds with everyone
     * in it. Refuses (returns false) when that product also spans a real Slack or Teams workspace.
     * Job claims after `realNow` (made while the clock ran ahead) go too, so those slots run again.
     */
    async wipe(realNow: Date): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const workspace = await tx.workspace.findUnique({ where: { platform_externalId: { platform: 'playground', externalId: PLAYGROUND_WORKSPACE } } });
        const productId = workspace?.productId ?? undefined;
        if (productId) {
          const others = await tx.workspace.count({ where: { productId, platform: { not: 'playground' } } });
          if (others > 0) return false;
          const persons = { productId };
          await tx.linkCode.deleteMany({ where: { productId } });
          await tx.auditEvent.deleteMany({ where: { productId } });
          await tx.stakeholder.deleteMany({ where: { productId } });
          await tx.teamMember.deleteMany({ where: { team: { productId } } });
          await tx.team.deleteMany({ where: { productId } });
          await tx.productOwner.deleteMany({ where: { productId } });
          await tx.productAdmin.deleteMany({ where: { productId } });
          await tx.person.updateMany({ where: persons, data: { sameAsId: null } });
          await tx.person.deleteMany({ where: persons });
          await tx.workspace.updateMany({ where: { productId }, data: { productId: null } });
          await tx.product.deleteMany({ where: { id: productId } });
        }
        if (workspace) {
          await tx.person.deleteMany({ where: { workspaceId: workspace.id } });
          await tx.team.deleteMany({ where: { workspaceId: workspace.id } });
          await tx.workspace.delete({ where: { id: workspace.id } });
        }
        await tx.outboxMessage.deleteMany({ where: { platform: 'playground' } });
        await tx.jobRun.deleteMany({ where: { slot: { gt: realNow } } });
        await tx.playgroundMessage.deleteMany({});
        await tx.playgroundChannelMember.deleteMany({});
        await tx.playgroundChannel.deleteMany({});
        await tx.playgroundUser.deleteMany({});
        await tx.playgroundState.deleteMany({});
        return true;
      });
    },
  };
}

export type PlaygroundWorkspace = ReturnType<typeof playgroundWorkspace>;
