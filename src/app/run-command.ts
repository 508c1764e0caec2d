import { parseCommand, splitCommand, type CommandInput } from '../domain/command.js';
import { validateQuestionText } from '../domain/question.js';
import { bindTeam } from './bind-team.js';
import type { CommandContext, Deps } from './context.js';
import { reply, type Shown } from './interactions.js';
import { inviteWorkspace, invitePerson, redeemLinkCode } from './link.js';
import { manageMembers } from './manage-members.js';
import { manageStakeholders } from './manage-stakeholders.js';
import { problemMessage, replyForError } from './replies.js';
import { setOwner } from './set-owner.js';
import { hoursForm, setWorkingHours } from './set-working-hours.js';
import { showHelp } from './show-help.js';
import { UserError } from '../user-error.js';
import { askQuestion } from './questions/ask-question.js';
import { comeBack, goAway, manageHolidays, responseTarget } from './questions/availability.js';
import { listQuestions } from './questions/list-questions.js';
import { showStats } from './questions/show-stats.js';
import { openRequestForm } from './intake/request-work.js';
import { showQueue } from './intake/show-queue.js';
import { interceptMode } from './intake/intercept.js';
import { setDaily, setRefineNote } from './ceremonies/daily-scrum.js';
import { changeReview, showSprint } from './ceremonies/sprint-reviews.js';
import { digestCommand } from './digest/weekly-digest.js';
import { dashboard } from './dashboard/dashboard.js';

/** Longer than anyone types by hand, in a command or a chat message. */
export const MAX_COMMAND_TEXT = 4000;

/** Refuses command text no person types by hand, before anything parses it. */
export function refuseOverlongCommand(text: string): void {
  if (text.length > MAX_COMMAND_TEXT) {
    // A question is what people paste long text into: say the limit that applies to it.
    const { sub, args } = splitCommand(text);
    const asked = sub === 'ask' ? validateQuestionText(args) : undefined;
    if (asked && !asked.ok) throw new UserError('question_invalid', `Sorry, ${asked.problem}.`);
    throw new UserError('text_too_long', `That is too long for a command (${text.length} characters; at most ${MAX_COMMAND_TEXT}).`);
  }
}

export type CommandOutcome = 'ok' | 'refused' | 'error';

/**
 * A command as it arrives on any surface, end to end, never throwing: refuses text no person types
 * before anything parses it, reads the command with the surface's own `read` (mentions are platform
 * syntax), runs it, and turns a failure into the reply a person reads. Returns what to show, the
 * subcommand and how it went (for metrics).
 */
export async function answerCommand(
  ctx: CommandContext,
  deps: Deps,
  rawText: string,
  read: () => Promise<CommandInput>,
  log: { error(details: object, text: string): void },
): Promise<{ shown: Shown; sub: string; outcome: CommandOutcome }> {
  let sub = '';
  try {
    refuseOverlongCommand(rawText);
    const input = await read();
    sub = input.sub;
    return { shown: await runCommand(ctx, deps, input), sub, outcome: 'ok' };
  } catch (error) {
    return { shown: reply(replyForError(error, log)), sub, outcome: error instanceof UserError ? 'refused' : 'error' };
  }
}

/** Runs one `/po …` command: a private reply to the caller, or a form to open. */
export async function runCommand(ctx: CommandContext, deps: Deps, input: CommandInput): Promise<Shown> {
  const parsed = parseCommand(input);
  if (!parsed.ok) return reply(problemMessage(parsed.problem, parsed.help));
  const c = parsed.command;
  switch (c.name) {
    case 'help':
      return reply(showHelp());
    case 'owner':
      return reply(await setOwner(ctx, deps, c.userId));
    case 'team':
      return reply(await bindTeam(ctx, deps, c.teamName));
    case 'members':
      return reply(await manageMembers(ctx, deps, c.op, c.op === 'list' ? [] : c.userIds));
    case 'stakeholder':
      return reply(await manageStakeholders(ctx, deps, c.op, c.op === 'list' ? [] : c.userIds));
    case 'hours':
      return reply(await setWorkingHours(ctx, deps, c.text));
    case 'link':
      if (c.op === 'invite-workspace') return reply(await inviteWorkspace(ctx, deps));
      if (c.op === 'invite-person') return reply(await invitePerson(ctx, deps, c.userId));
      return reply(await redeemLinkCode(ctx, deps, c.code, c.userId));
    case 'hours-form':
      return { kind: 'form', form: await hoursForm(ctx, deps) };
    case 'ask':
      return reply(await askQuestion(ctx, deps, c.text, 'command', ctx.requestKey));
    case 'questions':
      return reply(await listQuestions(ctx, deps));
    case 'stats':
      return reply(await showStats(ctx, deps, c.weeks));
    case 'away':
      return reply(await goAway(ctx, deps, c.until, c.note));
    case 'back':
      return reply(await comeBack(ctx, deps));
    case 'holiday':
      return reply(await manageHolidays(ctx, deps, c));
    case 'target':
      return reply(await responseTarget(ctx, deps, c.text));
    case 'request':
      return { kind: 'form', form: openRequestForm(c.title) };
    case 'queue':
      return reply(await showQueue(ctx, deps));
    case 'intercept':
      return reply(await interceptMode(ctx, deps, c.mode));
    case 'daily':
      return reply(await setDaily(ctx, deps, c.text));
    case 'refine':
      return reply(await setRefineNote(ctx, deps, c.text));
    case 'sprint':
      return showSprint(ctx, deps);
    case 'review':
      return reply(await changeReview(ctx, deps, c.op, c.text));
    case 'digest':
      return reply(await digestCommand(ctx, deps, c.at));
    case 'dashboard':
      return reply(await dashboard(ctx, deps));
  }
}
