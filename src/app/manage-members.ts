import { authorize, teamOfChannel } from '../domain/product.js';
import { bold, code, message, section } from '../messages/build.js';
import type { Message } from '../messages/model.js';
import { UserError } from '../user-error.js';
import { withProduct, type CommandContext, type Deps } from './context.js';
import { planAdd, planRemove, profilesToAdd } from './people-change.js';
import type { UserProfile } from './ports.js';
import { mentionList, refusalMessage, undoButton } from './replies.js';

const NOT_A_TEAM = message(section('This channel is not a team yet: make it one with ', code('/po team <name>'), ' first.'));

/** `/po members [add|remove @user…]` in a team channel. */
export async function manageMembers(
  ctx: CommandContext,
  deps: Deps,
  op: 'list' | 'add' | 'remove',
  userIds: string[],
): Promise<Message> {
  if (op === 'list') return listMembers(ctx, deps);
  const profiles: UserProfile[] = op === 'add' ? await profilesToAdd(deps, userIds, 'a team member') : [];

  const reply = await withProduct(ctx, deps, { create: false }, async ({ tx, workspace, state, caller, actor }) => {
    const team = teamOfChannel(state, ctx.channelId);
    if (!team) return NOT_A_TEAM;
    const decision = authorize(state, actor, { kind: 'team', team });
    if (!decision.allowed) return refusalMessage(`change the roster of ${team.name}`, decision.whoMay);
    const members = new Set(team.memberIds);

    if (op === 'add') {
      const { added, already, owner } = await planAdd(tx, workspace, state.id, profiles, members, state.owner?.id);
      await tx.addMembers(team.id, added.map((p) => p.id));
      if (added.length > 0) await tx.audit(state.id, caller.id, 'team.members.added', { team: team.id, persons: added.map((p) => p.id) });
      return message(
        ...(added.length > 0 ? [section('Added ', ...mentionList(added), ' to ', bold(team.name), '.')] : []),
        ...(already.length > 0 ? [section('Already on the roster: ', ...mentionList(already), '.')] : []),
        ...(owner.length > 0 ? [section(...mentionList(owner), ' is the Product Owner, who works with every team rather than on one.')] : []),
      );
    }

    const { removed, notMembers } = await planRemove(tx, workspace, userIds, members);
    await tx.removeMembers(team.id, removed.map((p) => p.id));
    if (removed.length > 0) await tx.audit(state.id, caller.id, 'team.members.removed', { team: team.id, persons: removed.map((p) => p.id) });
    return message(
      ...(removed.length > 0 ? [section('Removed ', ...mentionList(removed), ' from ', bold(team.name), '.')] : []),
      ...(notMembers.length > 0 ? [section(...mentionList(notMembers), notMembers.length === 1 ? ' is not' : ' are not', ' on the roster of ', bold(team.name), ': nothing changed for them.')] : []),
      ...(removed.length > 0 ? [undoButton('members.undo-remove', `${team.id}:${removed.map((p) => p.id).join(',')}`)] : []),
    );
  });
  return reply ?? NOT_A_TEAM;
}

async function listMembers(ctx: CommandContext, deps: Deps): Promise<Message> {
  const reply = await withProduct(ctx, deps, { create: false }, async ({ tx, state }) => {
    const team = teamOfChannel(state, ctx.channelId);
    if (!team) return undefined;
    const everyone = await tx.personsByIds(state.id, team.memberIds);
    return message(
      everyone.length > 0
        ? section(bold(team.name), ` has ${everyone.length} on the roster: `, ...mentionList(everyone), '.')
        : section(bold(team.name), ' has nobody on the roster yet: add people with ', code('/po members add @someone'), '.'),
    );
  });
  return reply ?? NOT_A_TEAM;
}

/** The Undo button of a roster removal (value "teamId:personId,…"): puts the people back on that team. */
export async function undoMembersRemoval(ctx: CommandContext, deps: Deps, value: string): Promise<Message> {
  const [teamId = '', list = ''] = value.split(':');
  const ids = list.split(',').filter(Boolean);
  const reply = await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller, actor }) => {
    const team = state.teams.find((t) => t.id === teamId);
    if (!team) return message(section('Nothing to undo: that team no longer exists.'));
    const decision = authorize(state, actor, { kind: 'team', team });
    // Thrown, not returned: a refusal is a private reply and must not replace the message holding the button.
    if (!decision.allowed) throw new UserError('not_allowed', `Only ${decision.whoMay} can change the roster of ${team.name}.`);
    const people = await tx.personsByIds(state.id, ids);
    const back = people.filter((p) => !team.memberIds.includes(p.id) && p.id !== state.owner?.id);
    if (back.length === 0) return message(section('Nothing to undo: they are back on ', bold(team.name), ' already, or one of them is now the PO.'));
    await tx.addMembers(team.id, back.map((p) => p.id));
    await tx.audit(state.id, caller.id, 'team.members.added', { team: team.id, persons: back.map((p) => p.id), undo: true });
    return message(section('Undone: ', ...mentionList(back), ' ', back.length === 1 ? 'is' : 'are', ' back on ', bold(team.name), '.'));
  });
  return reply ?? message(section('po-desk is not set up in this workspace any more.'));
}
