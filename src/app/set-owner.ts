import { authorize, type PersonRef } from '../domain/product.js';
import { bold, code, context, header, message, section } from '../messages/build.js';
import type { Message } from '../messages/model.js';
import { UserError } from '../user-error.js';
import { lookupUser, toNewPerson, withProduct, type CommandContext, type Deps } from './context.js';
import { leaveRolesOfPo } from './people-change.js';
import { mention, ONE_PO, refusalMessage } from './replies.js';
import { notifyPo, viewOf } from './questions/load.js';
import { handedOverCopy, poKeyOf } from './questions/question-messages.js';

/** `/po owner [@user]`: shows the PO, or hands the role over (the PO or an admin only). */
export async function setOwner(ctx: CommandContext, deps: Deps, targetUserId: string | undefined): Promise<Message> {
  if (targetUserId === undefined) return showOwner(ctx, deps);
  const target = await lookupUser(deps.directory, targetUserId);
  if (target.isBot) throw new UserError('owner_is_bot', 'A bot cannot be the Product Owner: mention a person.');
  if (target.deleted) throw new UserError('owner_deactivated', `${target.displayName} is deactivated and cannot be the Product Owner.`);

  const reply = await withProduct(ctx, deps, { create: true }, async ({ tx, workspace, state, caller, actor }) => {
    const decision = authorize(state, actor, { kind: 'product' });
    if (!decision.allowed) return refusalMessage('hand over the Product Owner role', decision.whoMay, ONE_PO);
    const productId = state.id;
    const [next] = await tx.ensurePersons(productId, workspace.id, [toNewPerson(target)]);
    const previous = state.owner;
    if (previous?.id === next!.id) {
      return message(section(mention(next!), ` is already the Product Owner of ${state.name}.`));
    }
    await tx.setOwner(productId, next!.id, caller.id, deps.clock.now());
    const notes = await leaveRolesOfPo(tx, state, next!.id);
    await tx.audit(productId, caller.id, 'owner.set', { from: previous?.id ?? null, to: next!.id });

    const reportTo = (p: PersonRef) => ({
      userId: ctx.userId,
      channelId: ctx.channelId,
      recipientName: p.displayName,
      platform: ctx.platform,
      workspaceExternalId: ctx.workspaceExternalId,
    });
    await tx.enqueue(workspace, {
      kind: 'dm',
      userId: next!.platformUserId,
      message: welcomeMessage(state.name, caller.id === next!.id ? undefined : caller),
      reportTo: reportTo(next!),
    });
    // Open questions follow the role: the new PO gets each one (those asked while there was no PO were
    // kept for this moment), and the previous PO's copies lose their buttons.
    const withOwner = { ...state, owner: next! };
    const open = await tx.questions.open(productId, {});
    for (const q of open) {
      const v = await viewOf(tx, withOwner, q);
      if (previous && q.poNotifiedAt) {
        const ws = await tx.workspaceOfPerson(previous.id);
        await tx.enqueue({ ...ws, productId }, { kind: 'update', messageKey: poKeyOf(q.id, previous.id), message: handedOverCopy(v, next!) });
      }
      await notifyPo(tx, withOwner, v, deps.clock.now());
    }
    if (open.length > 0) notes.push(`${open.length} open question${open.length === 1 ? '' : 's'} went to the new PO.`);
    // Requests waiting for a decision follow the role too: the intake job sends them to the new PO.
    const waiting = await tx.intake.list(productId, { statuses: ['new', 'needs-info'] });
    for (const item of waiting) await tx.intake.update(item.id, { poNotifiedAt: null, poMessageKey: null });
    if (waiting.length > 0) notes.push(`${waiting.length} request${waiting.length === 1 ? '' : 's'} waiting for a decision go${waiting.length === 1 ? 'es' : ''} to the new PO within a minute.`);
    if (previous) {
      await tx.enqueue(workspace, {
        kind: 'dm',
        userId: previous.platformUserId,
        reportTo: reportTo(previous),
        message: message(
          section(mention(next!), ' is now the Product Owner of ', bold(state.name), ', handed over by ', mention(caller), '.'),
          context('po-desk will send questions, requests and the weekly digest to the new PO from now on.'),
        ),
      });
    }
    return message(
      section(mention(next!), ' is now the Product Owner of ', bold(state.name), '.', ...(previous ? [' ', mention(previous), ' has been told.'] : [])),
      context([ONE_PO, ...notes, 'The new PO got a welcome message.'].join(' ')),
    );
  });
  return reply!;
}

async function showOwner(ctx: CommandContext, deps: Deps): Promise<Message> {
  const reply = await withProduct(ctx, deps, { create: false }, async ({ state }) =>
    state.owner
      ? message(section(mention(state.owner), ' is the Product Owner of ', bold(state.name), '.'), context(ONE_PO))
      : undefined,
  );
  return reply ?? message(section('This product has no Product Owner yet. Set one with ', code('/po owner @user'), '.'));
}

function welcomeMessage(productName: string, handedOverBy: Parameters<typeof mention>[0] | undefined): Message {
  return message(
    header(`You are the Product Owner of ${productName}`),
    section(
      ...(handedOverBy ? [mention(handedOverBy), ' made you the PO. '] : []),
      'po-desk is your front desk: it brings you the teams’ questions and tracks how quickly they are answered, ',
      'catches work requests that bypass you and puts them in your intake queue, reminds teams before the Daily Scrum, ',
      'invites stakeholders to sprint reviews, and sends you a weekly digest.',
    ),
    section(
      'po-desk counts response times in your working hours and never nudges you outside them. ',
      'It starts from your chat time zone and 09:00–17:00, Monday to Friday; set yours with ',
      code('/po hours 08:30-16:30 mon-fri Europe/Berlin'),
      ' (see them with ', code('/po hours'), ').',
    ),
    context('Next: bind each team’s channel with ', code('/po team <name>'), ', add stakeholders with ', code('/po stakeholder add @someone'), '. ', code('/po help'), ' lists everything.'),
  );
}
