import { authorize, type PersonRef } from '../domain/product.js';
import { bold, code, context, message, section } from '../messages/build.js';
import type { Message } from '../messages/model.js';
import { UserError } from '../user-error.js';
import { lookupUser, toNewPerson, withProduct, type CommandContext, type Deps } from './context.js';
import type { UserProfile } from './ports.js';
import { mentionList, refusalMessage } from './replies.js';

/** `/po stakeholder add|remove|list [@user…]`: product-wide, so the PO or an admin changes it. */
export async function manageStakeholders(
  ctx: CommandContext,
  deps: Deps,
  op: 'list' | 'add' | 'remove',
  userIds: string[],
): Promise<Message> {
  if (op === 'list') return listStakeholders(ctx, deps);
  const profiles: UserProfile[] = op === 'add' ? await Promise.all(userIds.map((id) => lookupUser(deps.directory, id))) : [];
  const bots = profiles.filter((p) => p.isBot);
  if (bots.length > 0) throw new UserError('stakeholder_is_bot', `${bots.map((b) => b.displayName).join(', ')} is a bot, not a stakeholder.`);

  const reply = await withProduct(ctx, deps, { create: true }, async ({ tx, workspace, state, caller, actor }) => {
    const decision = authorize(state, actor, { kind: 'product' });
    if (!decision.allowed) return refusalMessage('change the stakeholders', decision.whoMay);
    const current = new Set(state.stakeholders.map((s) => s.id));

    if (op === 'add') {
      const people = await tx.ensurePersons(state.id, workspace.id, profiles.map(toNewPerson));
      const isPo = people.filter((p) => p.id === state.owner?.id);
      const already = people.filter((p) => current.has(p.id));
      const added = people.filter((p) => !isPo.includes(p) && !already.includes(p));
      await tx.addStakeholders(state.id, added.map((p) => p.id));
      if (added.length > 0) await tx.audit(state.id, caller.id, 'stakeholders.added', { persons: added.map((p) => p.id) });
      return message(
        ...(added.length > 0 ? [section('Added ', ...mentionList(added), ' as stakeholders of ', bold(state.name), '.')] : []),
        ...(already.length > 0 ? [section('Already stakeholders: ', ...mentionList(already), '.')] : []),
        ...(isPo.length > 0 ? [section(...mentionList(isPo), ' is the Product Owner, not a stakeholder.')] : []),
        context('Stakeholders request work through the PO and are invited to sprint reviews.'),
      );
    }

    const people = (await Promise.all(userIds.map((id) => tx.findPerson(workspace.id, id)))).filter(
      (p): p is PersonRef => p !== undefined,
    );
    const removed = people.filter((p) => current.has(p.id));
    const notOn = userIds.filter((id) => !removed.some((p) => p.platformUserId === id));
    await tx.removeStakeholders(state.id, removed.map((p) => p.id));
    if (removed.length > 0) await tx.audit(state.id, caller.id, 'stakeholders.removed', { persons: removed.map((p) => p.id) });
    return message(
      ...(removed.length > 0 ? [section('Removed ', ...mentionList(removed), ' from the stakeholders.')] : []),
      ...(notOn.length > 0
        ? [section('Not stakeholders: ', ...mentionList(notOn.map((id) => ({ id, platformUserId: id, displayName: id }))), '.')]
        : []),
      context('Undo with `/po stakeholder add` and the same names.'),
    );
  });
  return reply!;
}

async function listStakeholders(ctx: CommandContext, deps: Deps): Promise<Message> {
  const reply = await withProduct(ctx, deps, { create: false }, async ({ state }) =>
    state.stakeholders.length > 0
      ? message(section(bold(state.name), ` has ${state.stakeholders.length} stakeholders: `, ...mentionList(state.stakeholders), '.'))
      : undefined,
  );
  return reply ?? message(section('No stakeholders yet. Add them with ', code('/po stakeholder add @someone'), '.'));
}
