import { authorize } from '../domain/product.js';
import { bold, code, context, message, section } from '../messages/build.js';
import type { Message } from '../messages/model.js';
import { UserError } from '../user-error.js';
import { withProduct, type CommandContext, type Deps } from './context.js';
import { planAdd, planRemove, profilesToAdd } from './people-change.js';
import type { UserProfile } from './ports.js';
import { mentionList, refusalMessage, undoButton } from './replies.js';

/** `/po stakeholder add|remove|list [@user…]`: product-wide, so the PO or an admin changes it. */
export async function manageStakeholders(
  ctx: CommandContext,
  deps: Deps,
  op: 'list' | 'add' | 'remove',
  userIds: string[],
): Promise<Message> {
  if (op === 'list') return listStakeholders(ctx, deps);
  const profiles: UserProfile[] = op === 'add' ? await profilesToAdd(deps, userIds, 'a stakeholder') : [];

  const reply = await withProduct(ctx, deps, { create: true }, async ({ tx, workspace, state, caller, actor }) => {
    const decision = authorize(state, actor, { kind: 'product' });
    if (!decision.allowed) return refusalMessage('change the stakeholders', decision.whoMay);
    const members = new Set(state.stakeholders.map((s) => s.id));

    if (op === 'add') {
      const { added, already, owner } = await planAdd(tx, workspace, state.id, profiles, members, state.owner?.id);
      await tx.addStakeholders(state.id, added.map((p) => p.id));
      if (added.length > 0) await tx.audit(state.id, caller.id, 'stakeholders.added', { persons: added.map((p) => p.id) });
      return message(
        ...(added.length > 0 ? [section('Added ', ...mentionList(added), ` as ${added.length === 1 ? 'a stakeholder' : 'stakeholders'} of `, bold(state.name), '.')] : []),
        ...(already.length > 0 ? [section('Already stakeholders: ', ...mentionList(already), '.')] : []),
        ...(owner.length > 0 ? [section(...mentionList(owner), ' is the Product Owner, not a stakeholder.')] : []),
        context('Stakeholders request work through the PO and are invited to sprint reviews.'),
      );
    }

    const { removed, notMembers } = await planRemove(tx, workspace, userIds, members);
    await tx.removeStakeholders(state.id, removed.map((p) => p.id));
    if (removed.length > 0) await tx.audit(state.id, caller.id, 'stakeholders.removed', { persons: removed.map((p) => p.id) });
    return message(
      ...(removed.length > 0 ? [section('Removed ', ...mentionList(removed), ' from the stakeholders.')] : []),
      ...(notMembers.length > 0 ? [section(...mentionList(notMembers), notMembers.length === 1 ? ' is not a stakeholder' : ' are not stakeholders', ': nothing changed for them.')] : []),
      ...(removed.length > 0 ? [undoButton('stakeholder.undo-remove', removed.map((p) => p.id).join(','))] : []),
    );
  });
  return reply!;
}

async function listStakeholders(ctx: CommandContext, deps: Deps): Promise<Message> {
  const reply = await withProduct(ctx, deps, { create: false }, async ({ state }) => {
    const n = state.stakeholders.length;
    if (n === 0) return undefined;
    return message(section(bold(state.name), ` has ${n} ${n === 1 ? 'stakeholder' : 'stakeholders'}: `, ...mentionList(state.stakeholders), '.'));
  });
  return reply ?? message(section('No stakeholders yet. Add them with ', code('/po stakeholder add @someone'), '.'));
}

/** The Undo button of a removal: puts back the people it removed who are still not stakeholders. */
export async function undoStakeholdersRemoval(ctx: CommandContext, deps: Deps, value: string): Promise<Message> {
  const ids = value.split(',').filter(Boolean);
  const reply = await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller, actor }) => {
    const decision = authorize(state, actor, { kind: 'product' });
    // Thrown, not returned: a refusal is a private reply and must not replace the message holding the button.
    if (!decision.allowed) throw new UserError('not_allowed', `Only ${decision.whoMay} can change the stakeholders.`);
    const current = new Set(state.stakeholders.map((s) => s.id));
    const people = await tx.personsByIds(state.id, ids);
    const back = people.filter((p) => !current.has(p.id) && p.id !== state.owner?.id);
    if (back.length === 0) return message(section('Nothing to undo: they are stakeholders again already, or one of them is now the PO.'));
    await tx.addStakeholders(state.id, back.map((p) => p.id));
    await tx.audit(state.id, caller.id, 'stakeholders.added', { persons: back.map((p) => p.id), undo: true });
    return message(section('Undone: ', ...mentionList(back), back.length === 1 ? ' is a stakeholder of ' : ' are stakeholders of ', bold(state.name), ' again.'));
  });
  return reply ?? message(section('po-desk is not set up in this workspace any more.'));
}
