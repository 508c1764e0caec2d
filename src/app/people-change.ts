import { rolesThePoLeaves, type PersonRef, type ProductState } from '../domain/product.js';
import { UserError } from '../user-error.js';
import { lookupUser, toNewPerson, type Deps } from './context.js';
import type { Tx, UserProfile, WorkspaceRef } from './ports.js';

/**
 * Takes the (new) PO off the rosters and the stakeholders, as the one-role rule says. `state` is read
 * before the change that made them PO. Returns what a person is told about it.
 */
export async function leaveRolesOfPo(tx: Tx, state: ProductState, personId: string): Promise<string[]> {
  const { teams, stakeholder } = rolesThePoLeaves(state, personId);
  if (teams.length > 0) await tx.removeFromAllTeams(state.id, personId);
  if (stakeholder) await tx.removeStakeholders(state.id, [personId]);
  return [
    ...(teams.length > 0 ? [`Removed from the roster of ${teams.map((t) => t.name).join(', ')}.`] : []),
    ...(stakeholder ? ['Removed from the stakeholders.'] : []),
  ];
}

/** Profiles of the people to add to a group (roster, stakeholders); bots are refused with a reason. */
export async function profilesToAdd(deps: Deps, userIds: string[], group: string): Promise<UserProfile[]> {
  const profiles = await Promise.all(userIds.map((id) => lookupUser(deps.directory, id)));
  const bots = profiles.filter((p) => p.isBot);
  if (bots.length > 0) throw new UserError('not_a_person', `${bots.map((b) => b.displayName).join(', ')} is a bot, not ${group}.`);
  return profiles;
}

/** Splits the people to add into those to add now, those already in the group, and the PO (never in one). */
export async function planAdd(
  tx: Tx,
  workspace: WorkspaceRef,
  productId: string,
  profiles: UserProfile[],
  members: Set<string>,
  ownerId: string | undefined,
): Promise<{ added: PersonRef[]; already: PersonRef[]; owner: PersonRef[] }> {
  const people = await tx.ensurePersons(productId, workspace.id, profiles.map(toNewPerson));
  const owner = people.filter((p) => p.id === ownerId);
  const already = people.filter((p) => members.has(p.id));
  const added = people.filter((p) => !owner.includes(p) && !already.includes(p));
  return { added, already, owner };
}

/** Splits the mentioned users into group members to remove and the others (shown by mention). */
export async function planRemove(
  tx: Tx,
  workspace: WorkspaceRef,
  userIds: string[],
  members: Set<string>,
): Promise<{ removed: PersonRef[]; notMembers: PersonRef[] }> {
  const found = [];
  for (const id of userIds) found.push(await tx.findPerson(workspace.id, id)); // one query at a time in a transaction
  const removed = found.filter((p): p is PersonRef => p !== undefined && members.has(p.id));
  const notMembers = userIds
    .filter((id) => !removed.some((p) => p.platformUserId === id))
    .map((id) => ({ id, platformUserId: id, displayName: id }));
  return { removed, notMembers };
}
