import { authorize, teamOfChannel, type PersonRef } from '../domain/product.js';
import { bold, code, context, message, section } from '../messages/build.js';
import type { Message } from '../messages/model.js';
import { UserError } from '../user-error.js';
import { lookupUser, toNewPerson, withProduct, type CommandContext, type Deps } from './context.js';
import type { UserProfile } from './ports.js';
import { mentionList, refusalMessage } from './replies.js';

const NOT_A_TEAM = 'This channel is not a team yet: make it one with `/po team <name>` first.';

/** `/po members [add|remove @user…]` in a team channel. */
export async function manageMembers(
  ctx: CommandContext,
  deps: Deps,
  op: 'list' | 'add' | 'remove',
  userIds: string[],
): Promise<Message> {
  if (op === 'list') return listMembers(ctx, deps);
  const profiles: UserProfile[] = op === 'add' ? await Promise.all(userIds.map((id) => lookupUser(deps.directory, id))) : [];
  const bots = profiles.filter((p) => p.isBot);
  if (bots.length > 0) throw new UserError('member_is_bot', `${bots.map((b) => b.displayName).join(', ')} is a bot, not a team member.`);

  const reply = await withProduct(ctx, deps, { create: false }, async ({ tx, workspace, state, caller, actor }) => {
    const team = teamOfChannel(state, ctx.channelId);
    if (!team) return message(section(NOT_A_TEAM));
    const decision = authorize(state, actor, { kind: 'team', team });
    if (!decision.allowed) return refusalMessage(`change the roster of ${team.name}`, decision.whoMay);

    if (op === 'add') {
      const people = await tx.ensurePersons(state.id, workspace.id, profiles.map(toNewPerson));
      const isPo = people.filter((p) => p.id === state.owner?.id);
      const already = people.filter((p) => team.memberIds.includes(p.id));
      const added = people.filter((p) => !isPo.includes(p) && !already.includes(p));
      await tx.addMembers(team.id, added.map((p) => p.id));
      if (added.length > 0) await tx.audit(state.id, caller.id, 'team.members.added', { team: team.id, persons: added.map((p) => p.id) });
      return message(
        ...(added.length > 0 ? [section('Added ', ...mentionList(added), ' to ', bold(team.name), '.')] : []),
        ...(already.length > 0 ? [section('Already on the roster: ', ...mentionList(already), '.')] : []),
        ...(isPo.length > 0 ? [section(...mentionList(isPo), ' is the Product Owner, who works with every team rather than on one.')] : []),
      );
    }

    const people = (await Promise.all(userIds.map((id) => tx.findPerson(workspace.id, id)))).filter(
      (p): p is PersonRef => p !== undefined,
    );
    const removed = people.filter((p) => team.memberIds.includes(p.id));
    const notOn = userIds.filter((id) => !removed.some((p) => p.platformUserId === id));
    await tx.removeMembers(team.id, removed.map((p) => p.id));
    if (removed.length > 0) await tx.audit(state.id, caller.id, 'team.members.removed', { team: team.id, persons: removed.map((p) => p.id) });
    return message(
      ...(removed.length > 0 ? [section('Removed ', ...mentionList(removed), ' from ', bold(team.name), '.')] : []),
      ...(notOn.length > 0
        ? [section('Not on the roster: ', ...mentionList(notOn.map((id) => ({ id, platformUserId: id, displayName: id }))), '.')]
        : []),
      context('Undo with `/po members add` and the same names.'),
    );
  });
  return reply ?? message(section(NOT_A_TEAM));
}

async function listMembers(ctx: CommandContext, deps: Deps): Promise<Message> {
  const reply = await withProduct(ctx, deps, { create: false }, async ({ tx, workspace, state }) => {
    const team = teamOfChannel(state, ctx.channelId);
    if (!team) return undefined;
    const everyone = await tx.personsByIds(state.id, team.memberIds);
    void workspace;
    return message(
      everyone.length > 0
        ? section(bold(team.name), ` has ${everyone.length} on the roster: `, ...mentionList(everyone), '.')
        : section(bold(team.name), ' has nobody on the roster yet: add people with ', code('/po members add @someone'), '.'),
    );
  });
  return reply ?? message(section(NOT_A_TEAM));
}
