/**
 * The product's people and who may do what. Pure data and rules: no I/O, no platform types.
 * LeSS: one product, exactly one Product Owner, several teams, many stakeholders.
 */

export interface PersonRef {
  id: string;
  platformUserId: string;
  displayName: string;
}

export interface TeamState {
  id: string;
  name: string;
  channelId: string;
  memberIds: string[];
}

export interface ProductState {
  id: string;
  name: string;
  owner: PersonRef | undefined;
  admins: PersonRef[];
  stakeholders: PersonRef[];
  teams: TeamState[];
}

/** What a person may change. `product` settings: owner, stakeholders, sprint, holidays, intercept, digest. */
export type Scope = { kind: 'product' } | { kind: 'team'; team: TeamState | undefined };

export interface Actor {
  personId: string | undefined;
  /** A workspace admin or owner on the chat platform counts as an admin of the product. */
  isWorkspaceAdmin: boolean;
}

export type Decision = { allowed: true } | { allowed: false; whoMay: string };

export function isOwner(state: ProductState, personId: string | undefined): boolean {
  return personId !== undefined && state.owner?.id === personId;
}

export function isAdmin(state: ProductState, actor: Actor): boolean {
  return actor.isWorkspaceAdmin || (actor.personId !== undefined && state.admins.some((a) => a.id === actor.personId));
}

export function isStakeholder(state: ProductState, personId: string): boolean {
  return state.stakeholders.some((s) => s.id === personId);
}

/**
 * What the Product Owner may not also be: on a team's roster, or a stakeholder (one role per person keeps
 * screening honest). The roles `personId` holds that it must leave as the PO.
 */
export function rolesThePoLeaves(state: ProductState, personId: string): { teams: TeamState[]; stakeholder: boolean } {
  return { teams: state.teams.filter((t) => t.memberIds.includes(personId)), stakeholder: isStakeholder(state, personId) };
}

export function teamOfChannel(state: ProductState, channelId: string): TeamState | undefined {
  return state.teams.find((t) => t.channelId === channelId);
}

/**
 * Product-wide settings are for the PO or an admin; a team's own settings also for its roster.
 * A channel that is not yet a team may be bound by anyone in it who is not a stakeholder:
 * the people who will be its roster set it up without waiting for the PO.
 */
export function authorize(state: ProductState, actor: Actor, scope: Scope): Decision {
  if (isOwner(state, actor.personId) || isAdmin(state, actor)) return { allowed: true };
  if (scope.kind === 'team') {
    const team = scope.team;
    if (team === undefined) {
      if (actor.personId === undefined || !isStakeholder(state, actor.personId)) return { allowed: true };
    } else if (actor.personId !== undefined && team.memberIds.includes(actor.personId)) {
      return { allowed: true };
    }
    return { allowed: false, whoMay: whoMay(state, team ? `a member of ${team.name}` : undefined) };
  }
  return { allowed: false, whoMay: whoMay(state) };
}

function whoMay(state: ProductState, extra?: string): string {
  const people = [state.owner ? `the PO (${state.owner.displayName})` : undefined];
  const admins = state.admins.map((a) => a.displayName);
  people.push(admins.length > 0 ? `an admin (${admins.join(', ')})` : 'an admin');
  if (extra) people.push(extra);
  const named = people.filter((p): p is string => p !== undefined);
  return named.length === 1 ? named[0]! : `${named.slice(0, -1).join(', ')} or ${named.at(-1)!}`;
}

/** The roster seeded from a channel's members: everyone but the PO, stakeholders, bots and the departed. */
export function seedRoster(
  state: ProductState,
  channelMembers: { platformUserId: string; isBot: boolean; deleted: boolean }[],
  personIdOf: (platformUserId: string) => string | undefined,
): string[] {
  const out: string[] = [];
  for (const m of channelMembers) {
    if (m.isBot || m.deleted) continue;
    const id = personIdOf(m.platformUserId);
    if (id === undefined || isOwner(state, id) || isStakeholder(state, id)) continue;
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

export const TEAM_NAME_MAX = 80;

/** Team names are what people type after `/po team`: short, one line. Returns an error text or undefined. */
export function validateTeamName(name: string): string | undefined {
  if (name.trim().length === 0) return 'a team needs a name';
  if (name.length > TEAM_NAME_MAX) return `a team name is at most ${TEAM_NAME_MAX} characters (this one has ${name.length})`;
  if (/[\r\n]/.test(name)) return 'a team name is one line';
  return undefined;
}
