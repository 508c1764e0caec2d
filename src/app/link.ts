import { createHash, randomInt } from 'node:crypto';
import { authorize, isOwner, type PersonRef } from '../domain/product.js';
import { LINK_CODE_ALPHABET } from '../domain/command.js';
import { bold, code, context, message, section } from '../messages/build.js';
import type { Message } from '../messages/model.js';
import { UserError } from '../user-error.js';
import { lookupUser, toNewPerson, withProduct, type CommandContext, type Deps } from './context.js';
import type { LinkCodeEntry, Tx, UserProfile, WorkspaceRef } from './ports.js';
import { leaveRolesOfPo } from './people-change.js';
import { mention, refusalMessage } from './replies.js';

const CODE_MINUTES = 30;

const hash = (code: string) => createHash('sha256').update(code).digest('hex');

function newCode(): string {
  const pick = () => LINK_CODE_ALPHABET[randomInt(LINK_CODE_ALPHABET.length)];
  const part = () => Array.from({ length: 4 }, pick).join('');
  return `PO-${part()}-${part()}`;
}

const NOT_SET_UP = message(section('po-desk is not set up in this workspace yet: start with ', code('/po owner @someone'), ', or join an existing product with a link code.'));

/**
 * `/po link`: a product may span workspaces (say, the company's Slack and its Teams tenant), with one
 * PO for all of them. An admin hands out a one-time code; whoever redeems it in the other workspace
 * joins that workspace to the product. `/po link @someone` and `link <code> @account` make two
 * accounts of one human the same person; without that, they are two people to po-desk.
 */
export async function inviteWorkspace(ctx: CommandContext, deps: Deps): Promise<Message> {
  const reply = await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller, actor }) => {
    const decision = authorize(state, actor, { kind: 'product' });
    if (!decision.allowed) return refusalMessage('connect another workspace to the product', decision.whoMay);
    const linkCode = newCode();
    await tx.createLinkCode({ codeHash: hash(linkCode), productId: state.id, kind: 'workspace', personId: undefined, createdById: caller.id, expiresAt: expiry(deps) });
    await tx.audit(state.id, caller.id, 'link.workspace.invited');
    return message(
      section('To run ', bold(state.name), ' from another Slack workspace or from Microsoft Teams, type this there:'),
      section(code(`/po link ${linkCode}`), ' (on Teams: ', code(`@po-desk link ${linkCode}`), ')'),
      context(`The code works once, for ${CODE_MINUTES} minutes. Whoever uses it becomes an admin of the product there. Keep it to yourself.`),
    );
  });
  return reply ?? NOT_SET_UP;
}

export async function invitePerson(ctx: CommandContext, deps: Deps, userId: string): Promise<Message> {
  const profile = await lookupUser(deps.directory, userId);
  if (profile.isBot) throw new UserError('not_a_person', `${profile.displayName} is a bot: only people have accounts to link.`);
  const reply = await withProduct(ctx, deps, { create: false }, async ({ tx, workspace, state, caller, actor }) => {
    const decision = authorize(state, actor, { kind: 'product' });
    if (!decision.allowed) return refusalMessage('link accounts', decision.whoMay);
    const [person] = await tx.ensurePersons(state.id, workspace.id, [toNewPerson(profile)]);
    const linkCode = newCode();
    await tx.createLinkCode({ codeHash: hash(linkCode), productId: state.id, kind: 'person', personId: person!.id, createdById: caller.id, expiresAt: expiry(deps) });
    await tx.audit(state.id, caller.id, 'link.person.invited', { person: person!.id });
    return message(
      section('To make ', mention(person!), '’s account in another workspace of ', bold(state.name), ' the same person, the PO or an admin types there:'),
      section(code(`/po link ${linkCode} @their-account`), ' (on Teams: ', code(`@po-desk link ${linkCode} @Name`), ')'),
      context(`The code works once, for ${CODE_MINUTES} minutes. Until then po-desk treats the two accounts as two people.`),
    );
  });
  return reply ?? NOT_SET_UP;
}

export async function redeemLinkCode(ctx: CommandContext, deps: Deps, linkCode: string, userId: string | undefined): Promise<Message> {
  const callerProfile = await lookupUser(deps.directory, ctx.userId);
  const targetProfile = userId === undefined ? undefined : await lookupUser(deps.directory, userId);
  if (targetProfile?.isBot) throw new UserError('not_a_person', `${targetProfile.displayName} is a bot: only people have accounts to link.`);

  // Every refusal is thrown, so the transaction rolls back and the code stays usable.
  return deps.store.transaction(async (tx) => {
    const workspace = await tx.workspace(ctx.platform, ctx.workspaceExternalId, ctx.workspaceName);
    const entry = await tx.takeLinkCode(hash(linkCode), deps.clock.now());
    if (!entry) throw invalidCode();
    if (entry.kind === 'workspace') {
      if (targetProfile) throw new UserError('link_code_kind', 'That code connects a workspace, not a person: use it without a mention.');
      return joinWorkspace(tx, ctx, workspace, entry, callerProfile);
    }
    if (!targetProfile) throw new UserError('link_code_kind', 'That code links a person: add the @mention of their account here, e.g. `/po link CODE @pat`.');
    return linkAccount(tx, workspace, entry, callerProfile, targetProfile);
  });
}

const invalidCode = () => new UserError('link_code_invalid', 'That code is unknown, already used or expired. Ask the PO or an admin for a new one (`/po link`).');

/** A workspace code: this workspace joins the product, and whoever redeemed the code is an admin here. */
async function joinWorkspace(tx: Tx, ctx: CommandContext, workspace: WorkspaceRef, entry: LinkCodeEntry, callerProfile: UserProfile): Promise<Message> {
  if (workspace.productId === entry.productId) throw new UserError('link_already', 'This workspace already belongs to that product.');
  if (workspace.productId !== undefined) {
    throw new UserError('link_other_product', 'This workspace already has its own product. po-desk does not merge two products: each has exactly one PO.');
  }
  await tx.attachWorkspace(workspace.id, entry.productId);
  const [caller] = await tx.ensurePersons(entry.productId, workspace.id, [toNewPerson(callerProfile)]);
  await tx.addAdmin(entry.productId, caller!.id);
  await tx.audit(entry.productId, caller!.id, 'link.workspace.joined', { workspace: ctx.workspaceExternalId, platform: ctx.platform });
  const state = await tx.productState(entry.productId);
  return message(
    section('This workspace now belongs to ', bold(state.name), '. ', ...(state.owner ? [mention(state.owner), ' is its Product Owner. '] : []), 'You are an admin of it here.'),
    context('Next: bind each team’s channel here with ', code('/po team <name>'), '. People here are new to po-desk; link the accounts of someone who is in both workspaces with ', code('/po link @someone'), ' in the first workspace.'),
  );
}

/** A person code: the mentioned account here comes to stand for the person the code was made for. */
async function linkAccount(tx: Tx, workspace: WorkspaceRef, entry: LinkCodeEntry, callerProfile: UserProfile, targetProfile: UserProfile): Promise<Message> {
  if (workspace.productId !== entry.productId) throw invalidCode();
  const state = await tx.productState(entry.productId);
  const [caller] = await tx.ensurePersons(state.id, workspace.id, [toNewPerson(callerProfile)]);
  const decision = authorize(state, { personId: caller!.id, isWorkspaceAdmin: callerProfile.isAdmin }, { kind: 'product' });
  if (!decision.allowed) throw new UserError('not_allowed', `Only ${decision.whoMay} can link accounts.`);

  const [account] = await tx.ensurePersons(state.id, workspace.id, [toNewPerson(targetProfile)]);
  if ((await tx.workspaceOfPerson(account!.id)).id !== workspace.id) {
    // ensurePersons answered with the person this account already stands for: never re-link it to another.
    throw new UserError('link_already_linked', `${targetProfile.displayName}'s account here is already linked to ${account!.displayName}. po-desk does not move a linked account.`);
  }
  const coded = (await tx.personsByIds(state.id, [entry.personId!]))[0];
  if (!coded) throw invalidCode();
  // The code's person may have been linked to someone since: link to whom they stand for now.
  const person = (await tx.findPerson((await tx.workspaceOfPerson(coded.id)).id, coded.platformUserId)) ?? coded;
  if (account!.id === person.id) throw new UserError('link_same', 'Those are already the same person.');
  const home = await tx.workspaceOfPerson(person.id);
  if (home.id === workspace.id) throw new UserError('link_same_workspace', 'Both accounts are in this workspace. Link accounts across workspaces only (e.g. Slack and Teams).');

  await tx.linkPerson(state.id, account!.id, person.id);
  // The two accounts' roles are now one person's: the PO (either account's role) keeps no other.
  const linked = await tx.productState(state.id);
  const notes = isOwner(linked, person.id) ? await leaveRolesOfPo(tx, linked, person.id) : [];
  await tx.audit(state.id, caller!.id, 'link.person.linked', { account: account!.id, person: person.id });
  return linkedMessage(account!, person, home.platform, notes);
}

function linkedMessage(account: PersonRef, person: PersonRef, platform: string, notes: string[]): Message {
  const where = platform === 'teams' ? 'Microsoft Teams' : platform === 'slack' ? 'Slack' : 'the other workspace';
  return message(
    section(`${account.displayName} here and ${person.displayName} on ${where} are now one person to po-desk.`),
    context([`Their roles, working hours and private messages are those of the ${where} account; what they do here counts as them.`, ...notes].join(' ')),
  );
}

function expiry(deps: Deps): Date {
  return new Date(deps.clock.now().getTime() + CODE_MINUTES * 60_000);
}
