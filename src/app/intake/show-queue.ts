import { formatDuration } from '../../domain/business-time.js';
import { itemLabel, statusWords, urgencyWords, type IntakeItem } from '../../domain/intake.js';
import { isOwner } from '../../domain/product.js';
import { actions, bold, code, context, message, rich, section } from '../../messages/build.js';
import type { Block, Message, Span } from '../../messages/model.js';
import { truncate } from '../../messages/render-common.js';
import { withProduct, type CommandContext, type Deps } from '../context.js';
import { NOT_SET_UP } from '../replies.js';
import { triageButtons } from './intake-messages.js';
import { itemView, type ItemView } from './load.js';

/** Untriaged items shown with their buttons; the rest of the queue is counted (Slack: 50 blocks). */
const WITH_BUTTONS = 8;
const LISTED = 15;

const quoted = (text: string): Span => ({ type: 'text', text });

/**
 * `/po queue`. The PO sees the intake: untriaged requests oldest first (age in working days, demand,
 * urgency) with the decisions, those waiting for an answer, and the top of the backlog. Anyone else sees
 * the requests they made or joined, with where each stands.
 */
export async function showQueue(ctx: CommandContext, deps: Deps): Promise<Message> {
  const now = deps.clock.now();
  const out = await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller }) => {
    if (!isOwner(state, caller.id)) {
      const mine = await tx.intake.list(state.id, { requesterId: caller.id });
      if (mine.length === 0) return message(section('You have no requests in the PO’s intake.'), context('Send one with ', code('/po request <title>'), ', or use “Send to PO intake” on a message.'));
      const recent = mine.slice(-LISTED).reverse();
      return message(
        section(bold(`Your requests (${mine.length})`), ', newest first:'),
        { type: 'list', items: recent.map((i) => rich(bold(itemLabel(i)), ' ', quoted(truncate(i.title, 120)), ` — ${statusWords(i.status)}`)) },
        ...(mine.length > LISTED ? [context(`and ${mine.length - LISTED} older.`)] : []),
      );
    }
    const untriaged = await tx.intake.list(state.id, { statuses: ['new'] });
    const waiting = await tx.intake.list(state.id, { statuses: ['needs-info'] });
    const backlog = await tx.intake.backlog(state.id);
    const blocks: Block[] = [];
    if (untriaged.length === 0) blocks.push(section('✨ Nothing waits for your decision.'));
    else blocks.push(section(bold(`Waiting for your decision: ${untriaged.length}`), ' (oldest first)'));
    for (const item of untriaged.slice(0, WITH_BUTTONS)) {
      const v = await itemView(tx, state, item, now);
      blocks.push(section(...queueLine(v)), actions(...triageButtons(v)));
    }
    if (untriaged.length > WITH_BUTTONS) {
      const rest = [];
      for (const i of untriaged.slice(WITH_BUTTONS, WITH_BUTTONS + LISTED)) rest.push(await itemView(tx, state, i, now));
      blocks.push({ type: 'list', items: rest.map((v) => rich(...queueLine(v))) });
      if (untriaged.length > WITH_BUTTONS + LISTED) blocks.push(context(`and ${untriaged.length - WITH_BUTTONS - LISTED} more.`));
    }
    if (waiting.length > 0) {
      blocks.push(section(bold(`Waiting for an answer from the requester: ${waiting.length}`)));
      blocks.push({ type: 'list', items: waiting.slice(0, LISTED).map((i) => rich(bold(itemLabel(i)), ' ', quoted(truncate(i.title, 120)))) });
    }
    if (backlog.length > 0) {
      blocks.push(section(bold(`Backlog from the intake: ${backlog.length}`), ' (in order)'));
      blocks.push({ type: 'list', items: backlog.slice(0, LISTED).map((i, n) => rich(`${n + 1}. `, bold(itemLabel(i)), ' ', quoted(truncate(i.title, 120)))) });
      if (backlog.length > LISTED) blocks.push(context(`and ${backlog.length - LISTED} more.`));
    }
    return message(...blocks);
  });
  return out ?? NOT_SET_UP;
}

/** "#4 Export orders · waiting 2 d 3 h of working time · 3 people ask · high urgency · from Sam" */
function queueLine(v: ItemView): (string | Span)[] {
  const i: IntakeItem = v.item;
  return [
    bold(itemLabel(i)), ' ', quoted(truncate(i.title, 120)),
    ` · waiting ${formatDuration(v.age.businessMs, { dayMs: v.age.dayMs })} of working time${v.age.aging ? ' ⏰' : ''}`,
    ` · ${v.requesters.length} ${v.requesters.length === 1 ? 'person asks' : 'people ask'}`,
    ` · ${urgencyWords(i)}`,
    ' · from ', { type: 'user', userId: v.requester.platformUserId, name: v.requester.displayName },
  ];
}
