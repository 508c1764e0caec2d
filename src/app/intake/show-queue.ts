import { formatDuration } from '../../domain/business-time.js';
import { ageOf, itemLabel, statusWords, urgencyWords, type IntakeItem } from '../../domain/intake.js';
import { isOwner, type ProductState } from '../../domain/product.js';
import { actions, bold, code, context, message, rich, section } from '../../messages/build.js';
import type { Block, Message, Span } from '../../messages/model.js';
import { truncate } from '../../messages/render-common.js';
import { withProduct, type CommandContext, type Deps } from '../context.js';
import { NOT_SET_UP } from '../replies.js';
import { triageButtons } from './intake-messages.js';
import type { Tx } from '../ports.js';
import { poCalendar } from '../questions/load.js';

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
    // Counts in SQL, and only the items shown are read: a queue can hold thousands.
    const untriagedCount = await tx.intake.countByStatus(state.id, ['new']);
    const untriaged = await tx.intake.list(state.id, { statuses: ['new'], limit: WITH_BUTTONS + LISTED });
    const waitingCount = await tx.intake.countByStatus(state.id, ['needs-info']);
    const waiting = await tx.intake.list(state.id, { statuses: ['needs-info'], limit: LISTED });
    const backlogCount = await tx.intake.countByStatus(state.id, ['accepted']);
    const backlog = await tx.intake.backlog(state.id, LISTED);
    const lines = await queueLines(tx, state, untriaged, now);
    const blocks: Block[] = [];
    if (untriagedCount === 0) blocks.push(section('✨ Nothing waits for your decision.'));
    else blocks.push(section(bold(`Waiting for your decision: ${untriagedCount}`), ' (oldest first)'));
    untriaged.slice(0, WITH_BUTTONS).forEach((item, n) => {
      blocks.push(section(...lines[n]!), actions(...triageButtons({ item })));
    });
    if (untriaged.length > WITH_BUTTONS) blocks.push({ type: 'list', items: lines.slice(WITH_BUTTONS).map((l) => rich(...l)) });
    if (untriagedCount > untriaged.length) blocks.push(context(`and ${untriagedCount - untriaged.length} more.`));
    if (waitingCount > 0) {
      blocks.push(section(bold(`Waiting for an answer from the requester: ${waitingCount}`)));
      blocks.push({ type: 'list', items: waiting.map((i) => rich(bold(itemLabel(i)), ' ', quoted(truncate(i.title, 120)))) });
      if (waitingCount > waiting.length) blocks.push(context(`and ${waitingCount - waiting.length} more.`));
    }
    if (backlogCount > 0) {
      blocks.push(section(bold(`Backlog from the intake: ${backlogCount}`), ' (in order)'));
      blocks.push({ type: 'list', items: backlog.map((i, n) => rich(`${n + 1}. `, bold(itemLabel(i)), ' ', quoted(truncate(i.title, 120)))) });
      if (backlogCount > backlog.length) blocks.push(context(`and ${backlogCount - backlog.length} more.`));
    }
    return message(...blocks);
  });
  return out ?? NOT_SET_UP;
}

/**
 * "#4 Export orders · waiting 2 d 3 h of working time · 3 people ask · high urgency · from Sam", for each
 * item, with one read of the requesters and the PO's calendar for all of them.
 */
export async function queueLines(tx: Tx, state: ProductState, items: IntakeItem[], now: Date): Promise<(string | Span)[][]> {
  if (items.length === 0) return [];
  const { cal } = await poCalendar(tx, state, items[0]!.createdAt);
  const rows = await tx.intake.requesters(items.map((i) => i.id));
  const people = new Map((await tx.personsByIds(state.id, items.map((i) => i.requesterId))).map((p) => [p.id, p]));
  return items.map((i) => {
    const demand = rows.filter((r) => r.itemId === i.id).length;
    const age = ageOf(i.createdAt, cal, now);
    const requester = people.get(i.requesterId);
    return [
      bold(itemLabel(i)), ' ', quoted(truncate(i.title, 120)),
      ` · waiting ${formatDuration(age.businessMs, { dayMs: age.dayMs })} of working time${age.aging ? ' ⏰' : ''}`,
      ` · ${demand} ${demand === 1 ? 'person asks' : 'people ask'}`,
      ` · ${urgencyWords(i)}`,
      ' · from ', requester ? { type: 'user', userId: requester.platformUserId, name: requester.displayName } : 'someone',
    ];
  });
}
