import { formatDuration } from '../../domain/business-time.js';
import { workingDayMs } from '../../domain/working-hours.js';
import { NOT_SET_UP } from '../replies.js';
import { isOwner, teamOfChannel } from '../../domain/product.js';
import { statusOf, waitOf, type QuestionStatus } from '../../domain/question.js';
import { code, context, message, section } from '../../messages/build.js';
import type { Block, Message } from '../../messages/model.js';
import { withProduct, type CommandContext, type Deps } from '../context.js';
import { poCalendar, viewOf } from './load.js';
import { questionLine, type QuestionView } from './question-messages.js';

/** What still has to happen, in a word or two, for a question that has had a first response. */
const STATE_WORDS: Record<QuestionStatus, (v: QuestionView) => string> = {
  waiting: () => 'waiting',
  'on-it': () => 'the PO is on it',
  'handed-off': (v) => `with ${v.handedTo?.displayName ?? 'a customer'}`,
  answered: () => 'answered, not yet resolved',
  resolved: () => 'resolved',
};

/** More than this and the list becomes a wall; the rest are counted. */
const SHOWN = 25;

/**
 * `/po questions`: open questions, oldest first, with how long each has waited. The PO sees every
 * team's; a team member sees their team's (the channel's team, or the teams they are on); anyone else
 * the questions they asked.
 */
export async function listQuestions(ctx: CommandContext, deps: Deps): Promise<Message> {
  const now = deps.clock.now();
  const reply = await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller }) => {
    const po = isOwner(state, caller.id);
    const here = ctx.inDirectMessage ? undefined : teamOfChannel(state, ctx.channelId);
    const mine = state.teams.filter((t) => t.memberIds.includes(caller.id));
    const teams = po ? undefined : here ? [here] : mine;
    let open = [];
    if (teams && teams.length > 0) for (const t of teams) open.push(...(await tx.questions.open(state.id, { teamId: t.id })));
    else open = await tx.questions.open(state.id, po ? {} : { askerId: caller.id });
    open = open.sort((a, b) => a.askedAt.getTime() - b.askedAt.getTime());
    const scope = po ? 'all teams' : teams && teams.length > 0 ? `team ${teams.map((t) => t.name).join(', ')}` : 'you asked';
    if (open.length === 0) {
      return message(section(`No open questions (${scope}). `), context('Ask the PO from a team channel with ', code('/po ask <question>'), '.'));
    }
    const { cal } = await poCalendar(tx, state, open[0]!.askedAt);
    const dayMs = workingDayMs(cal.hours);
    const blocks: Block[] = [section(`Open questions (${scope}), oldest first: ${open.length}`)];
    const items = [];
    for (const q of open.slice(0, SHOWN)) {
      const v = await viewOf(tx, state, q);
      const w = waitOf(q, cal, now);
      const stage = statusOf(q);
      const status = q.firstResponseAt
        ? `${STATE_WORDS[stage](v)} · first response after ${formatDuration(w.businessMs, { dayMs })} of working time`
        : `waiting ${formatDuration(w.businessMs, { dayMs })} of working time (${formatDuration(w.wallMs)} in all)`;
      items.push(questionLine(v, status));
    }
    blocks.push({ type: 'list', items });
    if (open.length > SHOWN) blocks.push(context(`and ${open.length - SHOWN} more.`));
    return message(...blocks);
  });
  return reply ?? NOT_SET_UP;
}
