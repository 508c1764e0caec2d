import { describe, expect, it } from 'vitest';

import {
  authorize,
  isAdmin,
  isOwner,
  isStakeholder,
  seedRoster,
  TEAM_NAME_MAX,
  teamOfChannel,
  validateTeamName,
  type Actor,
  type PersonRef,
  type ProductState,
  type TeamState,
} from '../../src/domain/product.js';

const person = (id: string, displayName: string): PersonRef => ({ id, platformUserId: `U-${id}`, displayName });

const pat = person('p-pat', 'Pat');
const ada = person('p-ada', 'Ada');
const bob = person('p-bob', 'Bob');
const sam = person('p-sam', 'Sam');

const checkout: TeamState = { id: 't-checkout', name: 'Checkout', channelId: 'C-checkout', memberIds: ['p-alice', 'p-carl'] };
const search: TeamState = { id: 't-search', name: 'Search', channelId: 'C-search', memberIds: ['p-dora'] };

function product(overrides: Partial<ProductState> = {}): ProductState {
  return { id: 'prod-1', name: 'Shop', owner: pat, admins: [ada, bob], stakeholders: [sam], teams: [checkout, search], ...overrides };
}

const as = (personId: string | undefined, isWorkspaceAdmin = false): Actor => ({ personId, isWorkspaceAdmin });

const PRODUCT = { kind: 'product' } as const;
const teamScope = (team: TeamState | undefined) => ({ kind: 'team', team }) as const;
const NEW_CHANNEL = teamScope(undefined);

describe('role helpers', () => {
  it('isOwner: only the PO, and never an unknown person', () => {
    expect(isOwner(product(), 'p-pat')).toBe(true);
    expect(isOwner(product(), 'p-ada')).toBe(false);
    expect(isOwner(product(), undefined)).toBe(false);
    expect(isOwner(product({ owner: undefined }), undefined)).toBe(false);
  });

  it('isAdmin: product admins and workspace admins', () => {
    expect(isAdmin(product(), as('p-ada'))).toBe(true);
    expect(isAdmin(product(), as('p-nobody', true))).toBe(true);
    expect(isAdmin(product(), as(undefined, true))).toBe(true);
    expect(isAdmin(product(), as('p-pat'))).toBe(false);
    expect(isAdmin(product(), as(undefined))).toBe(false);
  });

  it('isStakeholder and teamOfChannel', () => {
    expect(isStakeholder(product(), 'p-sam')).toBe(true);
    expect(isStakeholder(product(), 'p-alice')).toBe(false);
    expect(teamOfChannel(product(), 'C-search')).toBe(search);
    expect(teamOfChannel(product(), 'C-random')).toBeUndefined();
  });
});

describe('authorize', () => {
  it('lets the PO change anything', () => {
    for (const scope of [PRODUCT, teamScope(checkout), NEW_CHANNEL]) {
      expect(authorize(product(), as('p-pat'), scope)).toEqual({ allowed: true });
    }
  });

  it('lets a product admin change anything', () => {
    for (const scope of [PRODUCT, teamScope(search), NEW_CHANNEL]) {
      expect(authorize(product(), as('p-bob'), scope)).toEqual({ allowed: true });
    }
  });

  it('lets a workspace admin change anything, even one po-desk does not know yet', () => {
    for (const scope of [PRODUCT, teamScope(checkout), NEW_CHANNEL]) {
      expect(authorize(product(), as('p-stranger', true), scope)).toEqual({ allowed: true });
      expect(authorize(product(), as(undefined, true), scope)).toEqual({ allowed: true });
    }
  });

  it("lets a team member change their own team's settings", () => {
    expect(authorize(product(), as('p-alice'), teamScope(checkout))).toEqual({ allowed: true });
  });

  it("refuses a team member another team's settings, naming who may", () => {
    expect(authorize(product(), as('p-alice'), teamScope(search))).toEqual({
      allowed: false,
      whoMay: 'the PO (Pat), an admin (Ada, Bob) or a member of Search',
    });
  });

  it('refuses a team member product-wide settings', () => {
    expect(authorize(product(), as('p-alice'), PRODUCT)).toEqual({ allowed: false, whoMay: 'the PO (Pat) or an admin (Ada, Bob)' });
  });

  it('refuses a stakeholder product-wide settings and team settings', () => {
    expect(authorize(product(), as('p-sam'), PRODUCT)).toMatchObject({ allowed: false });
    expect(authorize(product(), as('p-sam'), teamScope(checkout))).toMatchObject({ allowed: false });
  });

  it('refuses a stakeholder binding a new channel, without offering team membership', () => {
    expect(authorize(product(), as('p-sam'), NEW_CHANNEL)).toEqual({ allowed: false, whoMay: 'the PO (Pat) or an admin (Ada, Bob)' });
  });

  it('lets anyone else bind a new channel, including people not yet known', () => {
    expect(authorize(product(), as('p-newcomer'), NEW_CHANNEL)).toEqual({ allowed: true });
    expect(authorize(product(), as('p-dora'), NEW_CHANNEL)).toEqual({ allowed: true });
    expect(authorize(product(), as(undefined), NEW_CHANNEL)).toEqual({ allowed: true });
  });

  it('refuses an unknown person product-wide and on an existing team', () => {
    expect(authorize(product(), as(undefined), PRODUCT)).toMatchObject({ allowed: false });
    expect(authorize(product(), as(undefined), teamScope(checkout))).toMatchObject({ allowed: false });
  });

  it('does not treat a former admin or a non-member as allowed', () => {
    const state = product({ admins: [] });
    expect(authorize(state, as('p-ada'), PRODUCT)).toMatchObject({ allowed: false });
    expect(authorize(state, as('p-dora'), teamScope(checkout))).toMatchObject({ allowed: false });
  });
});

describe('authorize: whoMay wording', () => {
  it('without a PO or admins, names just "an admin"', () => {
    expect(authorize(product({ owner: undefined, admins: [] }), as('p-alice'), PRODUCT)).toEqual({ allowed: false, whoMay: 'an admin' });
  });

  it('without a PO or admins, on a team: "an admin or a member of …"', () => {
    expect(authorize(product({ owner: undefined, admins: [] }), as('p-alice'), teamScope(search))).toEqual({
      allowed: false,
      whoMay: 'an admin or a member of Search',
    });
  });

  it('with a PO but no admins', () => {
    expect(authorize(product({ admins: [] }), as('p-alice'), PRODUCT)).toEqual({ allowed: false, whoMay: 'the PO (Pat) or an admin' });
    expect(authorize(product({ admins: [] }), as('p-alice'), teamScope(search))).toEqual({
      allowed: false,
      whoMay: 'the PO (Pat), an admin or a member of Search',
    });
  });

  it('with admins but no PO', () => {
    expect(authorize(product({ owner: undefined, admins: [ada] }), as('p-alice'), PRODUCT)).toEqual({ allowed: false, whoMay: 'an admin (Ada)' });
  });
});

describe('seedRoster', () => {
  const ids: Record<string, string> = {
    'U-pat': 'p-pat',
    'U-sam': 'p-sam',
    'U-alice': 'p-alice',
    'U-carl': 'p-carl',
    'U-ada': 'p-ada',
    'U-bot': 'p-bot',
    'U-gone': 'p-gone',
  };
  const personIdOf = (platformUserId: string) => ids[platformUserId];
  const member = (platformUserId: string, extra: { isBot?: boolean; deleted?: boolean } = {}) => ({
    platformUserId,
    isBot: extra.isBot ?? false,
    deleted: extra.deleted ?? false,
  });

  it('keeps everyone but the PO, stakeholders, bots, the departed and the unknown, once each, in order', () => {
    const members = [
      member('U-carl'),
      member('U-pat'),
      member('U-sam'),
      member('U-bot', { isBot: true }),
      member('U-gone', { deleted: true }),
      member('U-unknown'),
      member('U-alice'),
      member('U-carl'),
      member('U-ada'),
    ];
    expect(seedRoster(product(), members, personIdOf)).toEqual(['p-carl', 'p-alice', 'p-ada']);
  });

  it('keeps admins (they may work in a team) and works without a PO', () => {
    expect(seedRoster(product({ owner: undefined }), [member('U-pat'), member('U-ada')], personIdOf)).toEqual(['p-pat', 'p-ada']);
  });

  it('deduplicates two platform users that map to the same person', () => {
    expect(seedRoster(product(), [member('U-a1'), member('U-a2')], () => 'p-alice')).toEqual(['p-alice']);
  });

  it('returns an empty roster for an empty channel', () => {
    expect(seedRoster(product(), [], personIdOf)).toEqual([]);
  });
});

describe('validateTeamName', () => {
  it('accepts ordinary names, up to the maximum length', () => {
    expect(validateTeamName('Checkout')).toBeUndefined();
    expect(validateTeamName('Team Ä – Zahlungen 🚀')).toBeUndefined();
    expect(validateTeamName('x'.repeat(TEAM_NAME_MAX))).toBeUndefined();
  });

  it('refuses an empty name', () => {
    expect(validateTeamName('')).toBe('a team needs a name');
  });

  it('refuses a name that is too long, saying how long it is', () => {
    expect(validateTeamName('x'.repeat(TEAM_NAME_MAX + 1))).toBe(`a team name is at most ${TEAM_NAME_MAX} characters (this one has ${TEAM_NAME_MAX + 1})`);
  });

  it('refuses names spanning several lines', () => {
    expect(validateTeamName('Check\nout')).toBe('a team name is one line');
    expect(validateTeamName('Check\r\nout')).toBe('a team name is one line');
  });
});
