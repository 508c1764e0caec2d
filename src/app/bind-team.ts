import { authorize, seedRoster, teamOfChannel, validateTeamName } from '../domain/product.js';
import { bold, code, context, message, section } from '../messages/build.js';
import type { Message } from '../messages/model.js';
import { UserError } from '../user-error.js';
import { toNewPerson, withProduct, type CommandContext, type Deps } from './context.js';
import type { UserProfile } from './ports.js';
import { mentionList, refusalMessage } from './replies.js';

// Lookups run a few at a time: a large channel must not fire hundreds of users.info calls at once.
const LOOKUP_BATCH = 10;

async function mapInBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

/** `/po team [name]` in a channel: shows the channel's team, or binds the channel as a team. */
export async function bindTeam(ctx: CommandContext, deps: Deps, teamName: string | undefined): Promise<Message> {
  if (ctx.inDirectMessage) {
    throw new UserError('team_needs_channel', 'Run `/po team <name>` in the team’s own channel: that channel becomes the team.');
  }
  if (teamName === undefined) return showTeam(ctx, deps);
  const invalid = validateTeamName(teamName);
  if (invalid) throw new UserError('team_name_invalid', `Sorry, ${invalid}.`);

  // Read the channel before the transaction: network calls never hold a database transaction open.
  const memberIds = await deps.directory.channelMembers(ctx.channelId);
  const profiles = (await mapInBatches(memberIds, LOOKUP_BATCH, (id) => deps.directory.lookupUser(id))).filter(
    (p): p is UserProfile => p !== undefined,
  );

  const reply = await withProduct(ctx, deps, { create: true }, async ({ tx, workspace, state, caller, actor }) => {
    const existing = teamOfChannel(state, ctx.channelId);
    const decision = authorize(state, actor, { kind: 'team', team: existing });
    if (!decision.allowed) return refusalMessage(`change team ${existing?.name ?? ''}`.trim(), decision.whoMay);
    const clash = state.teams.find((t) => t.name.toLowerCase() === teamName.toLowerCase() && t.id !== existing?.id);
    if (clash) {
      return message(section('There is already a team called ', bold(clash.name), ' in ', { type: 'channel', channelId: clash.channelId }, '. Pick another name.'));
    }
    if (existing) {
      if (existing.name === teamName) {
        return message(section('This channel is already team ', bold(existing.name), '.'), context('See its roster with ', code('/po members'), '.'));
      }
      await tx.renameTeam(existing.id, teamName);
      await tx.audit(state.id, caller.id, 'team.renamed', { team: existing.id, from: existing.name, to: teamName });
      return message(section('Renamed team ', bold(existing.name), ' to ', bold(teamName), '. Its roster is unchanged.'));
    }

    const humans = profiles.filter((p) => !p.isBot && !p.deleted);
    const persons = await tx.ensurePersons(state.id, workspace.id, humans.map(toNewPerson));
    const byUser = new Map(persons.map((p) => [p.platformUserId, p]));
    const roster = seedRoster(
      state,
      profiles.map((p) => ({ platformUserId: p.platformUserId, isBot: p.isBot, deleted: p.deleted })),
      (uid) => byUser.get(uid)?.id,
    );
    const teamId = await tx.createTeam(state.id, workspace.id, ctx.channelId, teamName);
    await tx.addMembers(teamId, roster);
    await tx.audit(state.id, caller.id, 'team.bound', { team: teamId, channel: ctx.channelId, roster });

    const onRoster = persons.filter((p) => roster.includes(p.id));
    const leftOut = persons.filter((p) => !roster.includes(p.id));
    return message(
      section('This channel is now team ', bold(teamName), ' of ', bold(state.name), '.'),
      onRoster.length > 0
        ? section(`Roster (${onRoster.length}): `, ...mentionList(onRoster), '.')
        : section('The roster is empty: add people with ', code('/po members add @someone'), '.'),
      ...(leftOut.length > 0 ? [section('Not on the roster (the PO and stakeholders): ', ...mentionList(leftOut), '.')] : []),
      context('The roster is who counts as the team: keep it current with ', code('/po members add @a'), ' and ', code('/po members remove @a'), '.'),
    );
  });
  return reply!;
}

async function showTeam(ctx: CommandContext, deps: Deps): Promise<Message> {
  const reply = await withProduct(ctx, deps, { create: false }, async ({ state }) => {
    const team = teamOfChannel(state, ctx.channelId);
    if (!team) return undefined;
    return message(section('This channel is team ', bold(team.name), ` (${team.memberIds.length} on the roster).`), context(code('/po members'), ' lists them.'));
  });
  return reply ?? message(section('This channel is not a team yet. Make it one with ', code('/po team <name>'), '.'));
}
