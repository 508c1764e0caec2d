import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewPerson, Platform, Store, WorkspaceRef } from '../../src/app/ports.js';
import type { PersonRef } from '../../src/domain/product.js';
import { message, section } from '../../src/messages/build.js';
import { prismaStore } from '../../src/store/prisma-store.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/test-database.js';

const unique = (prefix: string) => `${prefix}${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
const newPerson = (platformUserId: string, displayName = platformUserId): NewPerson => ({ platformUserId, displayName, timeZone: 'UTC' });
const MINUTE = 60_000;

describe.each(testDatabaseKinds())('linking workspaces and accounts in the store (%s)', (kind) => {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = prismaStore(database.db.prisma);
  });
  afterAll(async () => database.drop());
  const prisma = () => database.db.prisma;

  /** A product started in a Slack workspace, with a Teams tenant (and a second Slack workspace) attached to it. */
  async function product(): Promise<{ productId: string; slack: WorkspaceRef; teams: WorkspaceRef; other: WorkspaceRef }> {
    return store.transaction(async (tx) => {
      const slack = await tx.workspace('slack', unique('T0'), 'acme');
      const productId = await tx.createProduct(slack.id, 'acme');
      const attach = async (platform: Platform, externalId: string) => {
        const ws = await tx.workspace(platform, externalId);
        expect(ws.productId).toBeUndefined();
        await tx.attachWorkspace(ws.id, productId);
        return { ...ws, productId };
      };
      return { productId, slack: { ...slack, productId }, teams: await attach('teams', unique('tenant-')), other: await attach('slack', unique('T1')) };
    });
  }

  async function persons(productId: string, workspace: WorkspaceRef, people: NewPerson[]): Promise<PersonRef[]> {
    return store.transaction((tx) => tx.ensurePersons(productId, workspace.id, people));
  }

  it('attaches a workspace to the product', async () => {
    const { productId, slack, teams, other } = await product();
    const rows = await prisma().workspace.findMany({ where: { id: { in: [slack.id, teams.id, other.id] } } });
    expect(rows.map((w) => w.productId)).toEqual([productId, productId, productId]);
    expect((await store.transaction((tx) => tx.workspace('teams', teams.externalId))).productId).toBe(productId);
  });

  describe('takeLinkCode', () => {
    const now = new Date('2026-11-23T10:00:00Z');
    async function code(productId: string, kind: 'workspace' | 'person' = 'person', personId: string | undefined = kind === 'person' ? 'P-1' : undefined) {
      const codeHash = unique('hash-');
      await store.transaction((tx) => tx.createLinkCode({ codeHash, productId, kind, personId, createdById: 'C-1', expiresAt: new Date(now.getTime() + 30 * MINUTE) }));
      return codeHash;
    }

    it('returns the entry once, then undefined: a code is single use', async () => {
      const { productId } = await product();
      const hash = await code(productId, 'person', 'P-42');
      expect(await store.transaction((tx) => tx.takeLinkCode(hash, now))).toEqual({ productId, kind: 'person', personId: 'P-42', createdById: 'C-1' });
      expect((await prisma().linkCode.findUniqueOrThrow({ where: { codeHash: hash } })).usedAt).toEqual(now);
      expect(await store.transaction((tx) => tx.takeLinkCode(hash, now))).toBeUndefined();
      expect(await store.transaction((tx) => tx.takeLinkCode(hash, new Date(now.getTime() + MINUTE)))).toBeUndefined();
    });

    it('returns a workspace code without a person', async () => {
      const { productId } = await product();
      const hash = await code(productId, 'workspace', undefined);
      expect((await prisma().linkCode.findUniqueOrThrow({ where: { codeHash: hash } })).personId).toBeNull();
      expect(await store.transaction((tx) => tx.takeLinkCode(hash, now))).toEqual({ productId, kind: 'workspace', personId: undefined, createdById: 'C-1' });
    });

    it('returns undefined once the code expired, without using it up', async () => {
      const { productId } = await product();
      const hash = await code(productId);
      expect(await store.transaction((tx) => tx.takeLinkCode(hash, new Date(now.getTime() + 31 * MINUTE)))).toBeUndefined();
      expect(await store.transaction((tx) => tx.takeLinkCode(hash, new Date(now.getTime() + 30 * MINUTE)))).toBeUndefined();
      expect((await prisma().linkCode.findUniqueOrThrow({ where: { codeHash: hash } })).usedAt).toBeNull();
      expect(await store.transaction((tx) => tx.takeLinkCode(hash, new Date(now.getTime() + 30 * MINUTE - 1)))).toMatchObject({ productId });
    });

    it('returns undefined for an unknown hash', async () => {
      const { productId } = await product();
      await code(productId);
      expect(await store.transaction((tx) => tx.takeLinkCode(unique('hash-'), now))).toBeUndefined();
      expect(await store.transaction((tx) => tx.takeLinkCode('', now))).toBeUndefined();
    });

    it('leaves a code usable when the transaction that took it fails', async () => {
      const { productId } = await product();
      const hash = await code(productId);
      await expect(
        store.transaction(async (tx) => {
          expect(await tx.takeLinkCode(hash, now)).toMatchObject({ productId });
          throw new Error('refused after taking the code');
        }),
      ).rejects.toThrow('refused after taking the code');
      expect((await prisma().linkCode.findUniqueOrThrow({ where: { codeHash: hash } })).usedAt).toBeNull();
      expect(await store.transaction((tx) => tx.takeLinkCode(hash, now))).toMatchObject({ productId });
    });

    it('gives a code to exactly one of two transactions taking it at once', async () => {
      const { productId } = await product();
      const hash = await code(productId);
      const taken = await Promise.all([0, 1, 2].map(() => store.transaction((tx) => tx.takeLinkCode(hash, now))));
      expect(taken.filter((e) => e !== undefined)).toHaveLength(1);
    });
  });

  describe('linkPerson', () => {
    it('moves the alias’s memberships, stakeholder, admin and PO roles to the person and makes it stand for them', async () => {
      const { productId, slack, teams, other } = await product();
      const [pat] = await persons(productId, slack, [newPerson('U0PAT', 'Pat')]);
      const [alias, tom] = await persons(productId, teams, [newPerson('29:pat', 'Pat T'), newPerson('29:tom', 'Tom')]);
      const [older] = await persons(productId, other, [newPerson('U1PAT', 'Pat 2')]);
      const { teamA, teamT } = await store.transaction(async (tx) => {
        const teamA = await tx.createTeam(productId, slack.id, 'C0A', 'A');
        const teamT = await tx.createTeam(productId, teams.id, '19:t', 'T');
        await tx.addMembers(teamA, [alias!.id]);
        await tx.addMembers(teamT, [alias!.id, tom!.id]);
        await tx.addStakeholders(productId, [alias!.id, tom!.id]);
        await tx.addAdmin(productId, alias!.id);
        await tx.addAdmin(productId, tom!.id);
        await tx.setOwner(productId, alias!.id, tom!.id);
        // An account linked earlier to the alias: it must end up pointing at the person too.
        await tx.linkPerson(productId, older!.id, alias!.id);
        return { teamA, teamT };
      });
      expect((await prisma().person.findUniqueOrThrow({ where: { id: older!.id } })).sameAsId).toBe(alias!.id);

      await store.transaction((tx) => tx.linkPerson(productId, alias!.id, pat!.id));

      const memberships = await prisma().teamMember.findMany({ where: { team: { productId } }, orderBy: [{ teamId: 'asc' }, { personId: 'asc' }] });
      expect(memberships.map((m) => [m.teamId, m.personId]).sort()).toEqual([[teamA, pat!.id], [teamT, pat!.id], [teamT, tom!.id]].sort());
      expect((await prisma().stakeholder.findMany({ where: { productId } })).map((s) => s.personId).sort()).toEqual([pat!.id, tom!.id].sort());
      expect((await prisma().productAdmin.findMany({ where: { productId } })).map((a) => a.personId).sort()).toEqual([pat!.id, tom!.id].sort());
      expect(await prisma().productOwner.findUniqueOrThrow({ where: { productId } })).toMatchObject({ personId: pat!.id, assignedById: tom!.id });

      const sameAs = async (id: string) => (await prisma().person.findUniqueOrThrow({ where: { id } })).sameAsId;
      expect(await sameAs(alias!.id)).toBe(pat!.id);
      expect(await sameAs(older!.id)).toBe(pat!.id);
      expect(await sameAs(pat!.id)).toBeNull();
      expect(await sameAs(tom!.id)).toBeNull();

      const state = await store.transaction((tx) => tx.productState(productId));
      expect(state.owner).toEqual(pat);
      expect(state.admins.map((p) => p.id).sort()).toEqual([pat!.id, tom!.id].sort());
    });

    it('resolves the alias’s account to the person afterwards, without a new row', async () => {
      const { productId, slack, teams, other } = await product();
      const [pat] = await persons(productId, slack, [newPerson('U0PAT', 'Pat')]);
      const [alias] = await persons(productId, teams, [newPerson('29:pat', 'Pat T')]);
      const [older] = await persons(productId, other, [newPerson('U1PAT', 'Pat 2')]);
      await store.transaction(async (tx) => {
        await tx.linkPerson(productId, older!.id, alias!.id);
        await tx.linkPerson(productId, alias!.id, pat!.id);
      });
      const patRef: PersonRef = { id: pat!.id, platformUserId: 'U0PAT', displayName: 'Pat' };

      const resolved = await store.transaction(async (tx) => ({
        ensured: await tx.ensurePersons(productId, teams.id, [newPerson('29:pat', 'Pat Teams'), newPerson('29:new', 'New')]),
        found: await tx.findPerson(teams.id, '29:pat'),
        foundOlder: await tx.findPerson(other.id, 'U1PAT'),
        ensuredOlder: await tx.ensurePersons(productId, other.id, [newPerson('U1PAT')]),
        foundItself: await tx.findPerson(slack.id, 'U0PAT'),
        notInThatWorkspace: await tx.findPerson(slack.id, '29:pat'),
      }));
      expect(resolved.ensured[0]).toEqual(patRef);
      expect(resolved.ensured[1]).toMatchObject({ platformUserId: '29:new', displayName: 'New' });
      expect(resolved.ensured[1]!.id).not.toBe(pat!.id);
      expect(resolved.found).toEqual(patRef);
      expect(resolved.foundOlder).toEqual(patRef);
      expect(resolved.ensuredOlder).toEqual([patRef]);
      expect(resolved.foundItself).toEqual(patRef);
      expect(resolved.notInThatWorkspace).toBeUndefined();
      expect(await prisma().person.count({ where: { productId, platformUserId: { in: ['U0PAT', '29:pat', 'U1PAT'] } } })).toBe(3);
    });

    it('keeps one of each role when the person already had them, and leaves a PO who is not the alias alone', async () => {
      const { productId, slack, teams } = await product();
      const [pat, ann] = await persons(productId, slack, [newPerson('U0PAT', 'Pat'), newPerson('U0ANN', 'Ann')]);
      const [alias] = await persons(productId, teams, [newPerson('29:pat', 'Pat T')]);
      const { teamA, teamT } = await store.transaction(async (tx) => {
        const teamA = await tx.createTeam(productId, slack.id, 'C0A', 'A');
        const teamT = await tx.createTeam(productId, teams.id, '19:t', 'T');
        await tx.addMembers(teamA, [pat!.id, alias!.id, ann!.id]);
        await tx.addMembers(teamT, [alias!.id]);
        await tx.addStakeholders(productId, [pat!.id, alias!.id]);
        await tx.addAdmin(productId, pat!.id);
        await tx.addAdmin(productId, alias!.id);
        await tx.setOwner(productId, ann!.id, undefined);
        return { teamA, teamT };
      });

      await store.transaction((tx) => tx.linkPerson(productId, alias!.id, pat!.id));

      expect(await prisma().teamMember.count({ where: { personId: alias!.id } })).toBe(0);
      expect((await prisma().teamMember.findMany({ where: { personId: pat!.id } })).map((m) => m.teamId).sort()).toEqual([teamA, teamT].sort());
      expect(await prisma().teamMember.count({ where: { teamId: teamA } })).toBe(2);
      expect((await prisma().stakeholder.findMany({ where: { productId } })).map((s) => s.personId)).toEqual([pat!.id]);
      expect((await prisma().productAdmin.findMany({ where: { productId } })).map((a) => a.personId)).toEqual([pat!.id]);
      expect((await prisma().productOwner.findUniqueOrThrow({ where: { productId } })).personId).toBe(ann!.id);
      expect((await prisma().person.findUniqueOrThrow({ where: { id: alias!.id } })).sameAsId).toBe(pat!.id);
    });

    it('touches no other product', async () => {
      const one = await product();
      const two = await product();
      const [pat] = await persons(one.productId, one.slack, [newPerson('U0PAT', 'Pat')]);
      const [alias] = await persons(one.productId, one.teams, [newPerson('29:pat', 'Pat T')]);
      const [stranger] = await persons(two.productId, two.teams, [newPerson('29:pat', 'Pat elsewhere')]);
      await store.transaction(async (tx) => {
        await tx.addStakeholders(two.productId, [stranger!.id]);
        await tx.addAdmin(two.productId, stranger!.id);
        await tx.setOwner(two.productId, stranger!.id, undefined);
        await tx.addMembers(await tx.createTeam(two.productId, two.teams.id, '19:x', 'X'), [stranger!.id]);
      });

      await store.transaction((tx) => tx.linkPerson(one.productId, alias!.id, pat!.id));

      expect(await prisma().person.findUniqueOrThrow({ where: { id: stranger!.id } })).toMatchObject({ sameAsId: null, productId: two.productId });
      expect(await prisma().stakeholder.count({ where: { personId: stranger!.id } })).toBe(1);
      expect(await prisma().productAdmin.count({ where: { personId: stranger!.id } })).toBe(1);
      expect(await prisma().teamMember.count({ where: { personId: stranger!.id } })).toBe(1);
      expect((await prisma().productOwner.findUniqueOrThrow({ where: { productId: two.productId } })).personId).toBe(stranger!.id);
      expect(await store.transaction((tx) => tx.findPerson(two.teams.id, '29:pat'))).toEqual({ id: stranger!.id, platformUserId: '29:pat', displayName: 'Pat elsewhere' });
    });
  });

  describe('workspaceOfPerson', () => {
    it('is the workspace the account is in', async () => {
      const { productId, teams } = await product();
      const [tom] = await persons(productId, teams, [newPerson('29:tom')]);
      expect(await store.transaction((tx) => tx.workspaceOfPerson(tom!.id))).toEqual({ id: teams.id, platform: 'teams', externalId: teams.externalId });
    });
  });

  describe('enqueue of a dm', () => {
    const dm = (userId: string) => ({ kind: 'dm' as const, userId, message: message(section(`to ${userId}`)) });
    const sent = async (userId: string) => {
      const rows = await prisma().outboxMessage.findMany({ where: { userId } });
      return rows.map((r) => ({ platform: r.platform, workspaceId: r.workspaceId, kind: r.kind }));
    };

    it('goes to the recipient’s own workspace of the same product', async () => {
      const { productId, slack, teams } = await product();
      const sam = unique('29:sam-');
      await persons(productId, teams, [newPerson(sam)]);
      await store.transaction((tx) => tx.enqueue(slack, dm(sam)));
      expect(await sent(sam)).toEqual([{ platform: 'teams', workspaceId: teams.externalId, kind: 'dm' }]);
    });

    it('stays in the current workspace when the recipient is there', async () => {
      const { productId, slack, teams } = await product();
      const ann = unique('U0ANN');
      await persons(productId, slack, [newPerson(ann)]);
      await store.transaction((tx) => tx.enqueue(slack, dm(ann)));
      expect(await sent(ann)).toEqual([{ platform: 'slack', workspaceId: slack.externalId, kind: 'dm' }]);

      // The same id in two workspaces (as on an Enterprise Grid): each workspace keeps its own.
      const both = unique('U0BOTH');
      await persons(productId, teams, [newPerson(both)]);
      await persons(productId, slack, [newPerson(both)]);
      await store.transaction(async (tx) => {
        await tx.enqueue(slack, dm(both));
        await tx.enqueue(teams, dm(both));
      });
      expect(await sent(both)).toEqual(expect.arrayContaining([
        { platform: 'slack', workspaceId: slack.externalId, kind: 'dm' },
        { platform: 'teams', workspaceId: teams.externalId, kind: 'dm' },
      ]));
      expect(await sent(both)).toHaveLength(2);
    });

    it('stays in the current workspace for an unknown id, or one of another product', async () => {
      const { slack } = await product();
      const two = await product();
      const nobody = unique('U0NOBODY');
      await store.transaction((tx) => tx.enqueue(slack, dm(nobody)));
      expect(await sent(nobody)).toEqual([{ platform: 'slack', workspaceId: slack.externalId, kind: 'dm' }]);

      const stranger = unique('29:stranger-');
      await persons(two.productId, two.teams, [newPerson(stranger)]);
      await store.transaction((tx) => tx.enqueue(slack, dm(stranger)));
      expect(await sent(stranger)).toEqual([{ platform: 'slack', workspaceId: slack.externalId, kind: 'dm' }]);
    });

    it('keeps posts and ephemerals in the current workspace', async () => {
      const { productId, slack, teams } = await product();
      const sam = unique('29:sam-');
      await persons(productId, teams, [newPerson(sam)]);
      await store.transaction(async (tx) => {
        await tx.enqueue(slack, { kind: 'ephemeral', channelId: 'C0A', userId: sam, message: message(section('psst')) });
        await tx.enqueue(slack, { kind: 'post', channelId: sam, message: message(section('hello')) });
      });
      expect(await sent(sam)).toEqual([{ platform: 'slack', workspaceId: slack.externalId, kind: 'ephemeral' }]);
      expect((await prisma().outboxMessage.findFirstOrThrow({ where: { channelId: sam } })).workspaceId).toBe(slack.externalId);
    });
  });
});
