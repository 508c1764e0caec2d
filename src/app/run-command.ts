import { parseCommand, type CommandInput } from '../domain/command.js';
import type { Message } from '../messages/model.js';
import { bindTeam } from './bind-team.js';
import type { CommandContext, Deps } from './context.js';
import { manageMembers } from './manage-members.js';
import { manageStakeholders } from './manage-stakeholders.js';
import { problemMessage } from './replies.js';
import { setOwner } from './set-owner.js';
import { setWorkingHours } from './set-working-hours.js';
import { showHelp } from './show-help.js';

/** Runs one `/po …` command and returns the private reply to the caller. */
export async function runCommand(ctx: CommandContext, deps: Deps, input: CommandInput): Promise<Message> {
  const parsed = parseCommand(input);
  if (!parsed.ok) return problemMessage(parsed.problem, parsed.help);
  const c = parsed.command;
  switch (c.name) {
    case 'help':
      return showHelp();
    case 'owner':
      return setOwner(ctx, deps, c.userId);
    case 'team':
      return bindTeam(ctx, deps, c.teamName);
    case 'members':
      return manageMembers(ctx, deps, c.op, c.op === 'list' ? [] : c.userIds);
    case 'stakeholder':
      return manageStakeholders(ctx, deps, c.op, c.op === 'list' ? [] : c.userIds);
    case 'hours':
      return setWorkingHours(ctx, deps, c.text);
  }
}
