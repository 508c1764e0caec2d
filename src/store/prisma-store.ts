import type { Delivery, NewPerson, Platform, Store, Tx, WorkspaceRef } from '../app/ports.js';
import type { PersonRef, ProductState } from '../domain/product.js';
import { DEFAULT_WORKING_HOURS, type WorkingHours } from '../domain/working-hours.js';
import type { Prisma } from '../generated/prisma/client.js';
import { utcTimestamp, type Db } from './database.js';
import { calendarStore } from './calendar-store.js';
import { questionStore, RecentMedians } from './question-store.js';
import { intakeStore } from './intake-store.js';
import { ceremonyStore } from './ceremony-store.js';

type PrismaTx = Prisma.TransactionClient;

const personRef = (p: { id: string; platformUserId: string; displayName: string }): PersonRef => ({
  id: p.id,
  platformUserId: p.platformUserId,
  displayName: p.displayName,
});

/** The use cases' Store over Prisma. Every use case runs in one interactive transaction. */
export function prismaStore(db: Db, onEnqueued: () => void = () => {}): Store {
  const medians = new RecentMedians();
  return {
    async transaction(fn) {
      let enqueued = false;
      const result = await db.$transaction(
        (ptx) => fn(prismaTx(ptx, medians, () => (enqueued = true))),
        { maxWait: 10_000, timeout: 20_000 },
      );
      if (enqueued) onEnqueued();
      return result;
    },
    reads(fn) {
      return fn(
        prismaTx(db, medians, () => {
          throw new Error('store.reads is for reading: messages are queued in a transaction, with the change they report');
        }),
      );
    },
  };
}

function prismaTx(db: PrismaTx, medians: RecentMedians, markEnqueued: () => void): Tx {
  // Read several times by one use case (an ask reads the PO's hours for the calendar and for the view).
  // A team's workspace never changes; hours are forgotten whenever this transaction writes a person.
  const hoursOf = new Map<string, WorkingHours>();
  const workspaceOfTeam = new Map<string, { id: string; platform: Platform; externalId: string }>();
  return {
    questions: questionStore(db, medians),
    intake: intakeStore(db),
    ceremonies: ceremonyStore(db),
    calendar: calendarStore(db),
    async workspace(platform: Platform, externalId: string, name?: string): Promise<WorkspaceRef> {
      const w = await db.workspace.upsert({
        where: { platform_externalId: { platform, externalId } },
        create: { platform, externalId, name },
        update: name ? { name } : {},
      });
      return { id: w.id, platform, externalId, productId: w.productId ?? undefined };
    },

    async createProduct(workspaceId, name) {
      const product = await db.product.create({ data: { name } });
      await db.workspace.update({ where: { id: workspaceId }, data: { productId: product.id } });
      return product.id;
    },

    async productState(productId): Promise<ProductState> {
      const [row] = await db.$queryRawUnsafe<{ state: string }[]>(PRODUCT_STATE_SQL, productId);
      if (!row) throw new Error(`product ${productId} does not exist`);
      return JSON.parse(row.state, (key, value) => (key === 'owner' && value === null ? undefined : value)) as ProductState;
    },

    async ensurePersons(productId, workspaceId, people: NewPerson[]) {
      hoursOf.clear();
      const out: PersonRef[] = [];
      for (const p of people) {
        const key = { workspaceId_platformUserId: { workspaceId, platformUserId: p.platformUserId } };
        const row = await db.person.upsert({
          where: key,
          create: {
            productId,
            workspaceId,
            platformUserId: p.platformUserId,
            displayName: p.displayName,
            timeZone: p.timeZone ?? 'UTC',
            timeZoneSource: p.timeZone ? 'platform' : 'unknown',
          },
          // Names change; keep the latest. Time zones are the person's own setting once made, so left alone.
          update: { displayName: p.displayName },
        });
        if (row.timeZoneSource === 'unknown' && p.timeZone) {
          await db.person.update({ where: key, data: { timeZone: p.timeZone, timeZoneSource: 'platform' } });
        }
        out.push(await canonical(db, row));
      }
      return out;
    },

    async findPerson(workspaceId, platformUserId) {
      const row = await db.person.findUnique({ where: { workspaceId_platformUserId: { workspaceId, platformUserId } } });
      return row ? canonical(db, row) : undefined;
    },

    async personsByIds(productId, ids) {
      const rows = await db.person.findMany({ where: { productId, id: { in: ids } } });
      const byId = new Map(rows.map((r) => [r.id, personRef(r)]));
      return ids.map((id) => byId.get(id)).filter((p): p is PersonRef => p !== undefined);
    },

    async workingHours(personId): Promise<WorkingHours> {
      let hours = hoursOf.get(personId);
      if (!hours) {
        const p = await db.person.findUniqueOrThrow({ where: { id: personId } });
        hours = { timeZone: p.timeZone, startMin: p.workStartMin, endMin: p.workEndMin, days: p.workDays.length ? p.workDays : DEFAULT_WORKING_HOURS.days };
        hoursOf.set(personId, hours);
      }
      return { ...hours, days: [...hours.days] };
    },

    async setWorkingHours(personId, h) {
      hoursOf.clear();
      await db.person.update({ where: { id: personId }, data: { timeZone: h.timeZone, timeZoneSource: 'person', workStartMin: h.startMin, workEndMin: h.endMin, workDays: h.days } });
    },

    async setOwner(productId, personId, assignedById, at) {
      const assignedAt = at ?? new Date();
      await db.productOwner.upsert({
        where: { productId },
        create: { productId, personId, assignedById, assignedAt },
        update: { personId, assignedById, assignedAt },
      });
    },

    async addAdmin(productId, personId) {
      await db.productAdmin.createMany({ data: [{ productId, personId }], skipDuplicates: true });
    },

    async createTeam(productId, workspaceId, channelId, name) {
      return (await db.team.create({ data: { productId, workspaceId, channelId, name } })).id;
    },

    async renameTeam(teamId, name) {
      await db.team.update({ where: { id: teamId }, data: { name } });
    },

    async addMembers(teamId, personIds) {
      if (personIds.length === 0) return;
      await db.teamMember.createMany({ data: personIds.map((personId) => ({ teamId, personId })), skipDuplicates: true });
    },

    async removeMembers(teamId, personIds) {
      await db.teamMember.deleteMany({ where: { teamId, personId: { in: personIds } } });
    },

    async removeFromAllTeams(productId, personId) {
      await db.teamMember.deleteMany({ where: { personId, team: { productId } } });
    },

    async addStakeholders(productId, personIds) {
      if (personIds.length === 0) return;
      await db.stakeholder.createMany({ data: personIds.map((personId) => ({ productId, personId })), skipDuplicates: true });
    },

    async removeStakeholders(productId, personIds) {
      await db.stakeholder.deleteMany({ where: { productId, personId: { in: personIds } } });
    },

    async enqueue(workspace, delivery: Delivery) {
      let target: Pick<WorkspaceRef, 'platform' | 'externalId'> = workspace;
      if (delivery.kind === 'dm' && workspace.productId) {
        // The recipient may be a person of the product whose account is in another of its workspaces;
        // an account in this workspace wins (Enterprise Grid shares user ids across workspaces).
        const [home] = await db.$queryRawUnsafe<{ platform: string; externalId: string }[]>(
          `SELECT w."platform", w."externalId" FROM "Person" p JOIN "Workspace" w ON w."id" = p."workspaceId"
           WHERE p."productId" = $1 AND p."platformUserId" = $2
           ORDER BY p."workspaceId" = $3 DESC, p."createdAt" LIMIT 1`,
          workspace.productId,
          delivery.userId,
          workspace.id,
        );
        if (home) target = { platform: home.platform as Platform, externalId: home.externalId };
      }
      markEnqueued();
      await insertOutboxRows(db, [outboxRow(target, delivery)], new Date());
    },

    async enqueuePosts(posts) {
      if (posts.length === 0) return;
      markEnqueued();
      await insertOutboxRows(db, posts.map((p) => outboxRow(p.workspace, p.delivery)), new Date());
    },

    async attachWorkspace(workspaceId, productId) {
      await db.workspace.update({ where: { id: workspaceId }, data: { productId } });
    },

    async createLinkCode(code) {
      await db.linkCode.create({ data: { ...code, personId: code.personId ?? null } });
    },

    async takeLinkCode(codeHash, now) {
      const taken = await db.linkCode.updateMany({ where: { codeHash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
      if (taken.count !== 1) return undefined;
      const row = await db.linkCode.findUniqueOrThrow({ where: { codeHash } });
      return { productId: row.productId, kind: row.kind as 'workspace' | 'person', personId: row.personId ?? undefined, createdById: row.createdById };
    },

    async linkPerson(productId, aliasId, personId) {
      hoursOf.clear();
      // The roles the other account had move to the person it now stands for, then it points there.
      // One query at a time: a transaction is one connection, and pg does not queue queries on it.
      const memberships = await db.teamMember.findMany({ where: { personId: aliasId } });
      const stakeholder = await db.stakeholder.findUnique({ where: { productId_personId: { productId, personId: aliasId } } });
      const admin = await db.productAdmin.findUnique({ where: { productId_personId: { productId, personId: aliasId } } });
      const owner = await db.productOwner.findUnique({ where: { productId } });
      if (memberships.length > 0) {
        await db.teamMember.createMany({ data: memberships.map((m) => ({ teamId: m.teamId, personId })), skipDuplicates: true });
        await db.teamMember.deleteMany({ where: { personId: aliasId } });
      }
      if (stakeholder) {
        await db.stakeholder.createMany({ data: [{ productId, personId }], skipDuplicates: true });
        await db.stakeholder.delete({ where: { productId_personId: { productId, personId: aliasId } } });
      }
      if (admin) {
        await db.productAdmin.createMany({ data: [{ productId, personId }], skipDuplicates: true });
        await db.productAdmin.delete({ where: { productId_personId: { productId, personId: aliasId } } });
      }
      if (owner?.personId === aliasId) await db.productOwner.update({ where: { productId }, data: { personId } });
      await db.person.updateMany({ where: { sameAsId: aliasId }, data: { sameAsId: personId } });
      await db.person.update({ where: { id: aliasId }, data: { sameAsId: personId } });
    },

    async teamWorkspace(teamId) {
      let ws = workspaceOfTeam.get(teamId);
      if (!ws) {
        const t = await db.team.findUniqueOrThrow({ where: { id: teamId }, include: { workspace: true } });
        ws = { id: t.workspace.id, platform: t.workspace.platform as Platform, externalId: t.workspace.externalId };
        workspaceOfTeam.set(teamId, ws);
      }
      return { ...ws };
    },

    async workspaceOfPerson(personId) {
      const p = await db.person.findUniqueOrThrow({ where: { id: personId }, include: { workspace: true } });
      return { id: p.workspace.id, platform: p.workspace.platform as Platform, externalId: p.workspace.externalId };
    },

    async audit(productId, actorId, action, details = {}) {
      await db.$executeRawUnsafe(
        `INSERT INTO "AuditEvent" ("productId", "actorId", "action", "details", "at") VALUES ($1, $2, $3, $4::jsonb, ${utcTimestamp('$5')})`,
        productId ?? null,
        actorId ?? null,
        action,
        JSON.stringify(details),
        new Date().toISOString(),
      );
    },
  };
}

export function outboxRow(workspace: Pick<WorkspaceRef, 'platform' | 'externalId'>, d: Delivery) {
  return {
    platform: workspace.platform,
    workspaceId: workspace.externalId,
    kind: d.kind,
    channelId: d.kind === 'post' || d.kind === 'ephemeral' ? d.channelId : d.kind === 'reply' ? d.replyUrl : null,
    userId: d.kind === 'dm' || d.kind === 'ephemeral' ? d.userId : null,
    threadKey: d.kind === 'post' ? (d.threadKey ?? null) : null,
    threadId: d.kind === 'post' ? (d.threadId ?? null) : null,
    messageKey: d.kind === 'ephemeral' || d.kind === 'reply' ? null : (d.messageKey ?? null),
    payload: JSON.parse(JSON.stringify(d.message)) as Prisma.InputJsonValue,
    ...((d.kind === 'dm' || d.kind === 'post') && d.reportTo ? { reportTo: { ...d.reportTo } } : {}),
  };
}

/**
 * Queues messages in one statement of arrays, in the order given (their ids follow it). Raw SQL: a
 * minute's Daily Scrum reminders are queued 200 to a statement, and Prisma's createMany spends ~0.4 ms of
 * CPU per row compiling it, time in which the dispatcher cannot send what is already queued. A single
 * message goes this way too: every question asked queues three.
 */
export async function insertOutboxRows(db: PrismaTx, rows: ReturnType<typeof outboxRow>[], at: Date): Promise<void> {
  const column = (pick: (row: ReturnType<typeof outboxRow>) => string | null) => rows.map(pick);
  await db.$executeRawUnsafe(
    `INSERT INTO "OutboxMessage" ("platform", "workspaceId", "kind", "channelId", "userId", "threadKey", "threadId", "messageKey", "payload", "reportTo", "nextAttemptAt", "createdAt")
     SELECT m.platform, m.workspace, m.kind, m.channel, m.usr, m.thread_key, m.thread_id, m.message_key, m.payload::jsonb, m.report_to::jsonb, t.at, t.at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
            WITH ORDINALITY AS m(platform, workspace, kind, channel, usr, thread_key, thread_id, message_key, payload, report_to, n),
          (SELECT ${utcTimestamp('$11')} AS at) AS t
     ORDER BY m.n`,
    column((r) => r.platform),
    column((r) => r.workspaceId),
    column((r) => r.kind),
    column((r) => r.channelId),
    column((r) => r.userId),
    column((r) => r.threadKey),
    column((r) => r.threadId),
    column((r) => r.messageKey),
    column((r) => JSON.stringify(r.payload)),
    column((r) => ('reportTo' in r && r.reportTo ? JSON.stringify(r.reportTo) : null)),
    at.toISOString(),
  );
}

const person = (alias: string) => `json_build_object('id', ${alias}."id", 'platformUserId', ${alias}."platformUserId", 'displayName', ${alias}."displayName")`;

/**
 * A product's roles and teams in one statement: Prisma's nested includes took nine (each compiled on the
 * event loop), and a product is loaded by every command and by every question asked.
 */
const PRODUCT_STATE_SQL = `
  SELECT json_build_object(
    'id', p."id",
    'name', p."name",
    'owner', (SELECT ${person('o')} FROM "ProductOwner" po JOIN "Person" o ON o."id" = po."personId" WHERE po."productId" = p."id"),
    'admins', COALESCE((SELECT json_agg(${person('a')} ORDER BY pa."addedAt") FROM "ProductAdmin" pa JOIN "Person" a ON a."id" = pa."personId" WHERE pa."productId" = p."id"), '[]'),
    'stakeholders', COALESCE((SELECT json_agg(${person('s')} ORDER BY ps."addedAt") FROM "Stakeholder" ps JOIN "Person" s ON s."id" = ps."personId" WHERE ps."productId" = p."id"), '[]'),
    'teams', COALESCE((SELECT json_agg(json_build_object(
        'id', t."id", 'name', t."name", 'channelId', t."channelId",
        'memberIds', COALESCE((SELECT json_agg(m."personId" ORDER BY m."addedAt") FROM "TeamMember" m WHERE m."teamId" = t."id"), '[]')
      ) ORDER BY t."createdAt") FROM "Team" t WHERE t."productId" = p."id"), '[]')
  )::text AS "state"
  FROM "Product" p WHERE p."id" = $1`;

/** The person an account stands for: itself, or the person an admin linked it to. */
async function canonical(db: PrismaTx, row: { id: string; platformUserId: string; displayName: string; sameAsId: string | null }): Promise<PersonRef> {
  if (!row.sameAsId) return personRef(row);
  return personRef(await db.person.findUniqueOrThrow({ where: { id: row.sameAsId } }));
}
