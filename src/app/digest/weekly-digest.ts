import type { Logger } from 'pino';
import { buildDigest } from '../../domain/digest.js';
import { isOwner } from '../../domain/product.js';
import { formatClock, parseClock, weekdayName } from '../../domain/working-hours.js';
import { isoWeekday, localDate, zonedInstant } from '../../domain/zoned-time.js';
import { bold, code, context, message, section } from '../../messages/build.js';
import type { Message } from '../../messages/model.js';
import { UserError } from '../../user-error.js';
import { withProduct, type CommandContext, type Deps } from '../context.js';
import type { Store } from '../ports.js';
import { NOT_SET_UP, refusalMessage } from '../replies.js';
import { personWorkspace } from '../questions/load.js';
import { digestMessage } from './digest-messages.js';
import { loadDigestData } from './load-digest.js';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** `/po digest` (the digest now, privately) or `/po digest at <weekday> <HH:MM>` (the PO's schedule). */
export async function digestCommand(ctx: CommandContext, deps: Deps, at: string | undefined): Promise<Message> {
  const now = deps.clock.now();
  const out = await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller }) => {
    if (!isOwner(state, caller.id)) return refusalMessage('see or schedule the weekly digest', `the Product Owner${state.owner ? ` (${state.owner.displayName})` : ''}`, 'The digest is the PO’s own view of the week; everyone can see response times with `/po stats`.');
    const schedule = await tx.ceremonies.digestSchedule(state.id);
    const zone = (await tx.workingHours(caller.id)).timeZone;
    if (at === undefined) return { show: state, schedule, zone };
    const m = /^(\w{3})\w*\s+(\d{1,2}:\d{2})$/.exec(at.trim().toLowerCase());
    const weekday = m ? WEEKDAYS.indexOf(m[1]!) + 1 : 0;
    const minutes = m ? parseClock(m[2]!) : undefined;
    if (weekday < 1 || minutes === undefined || minutes >= 24 * 60) throw new UserError('digest_at', 'Sorry, give a weekday and a time, e.g. `/po digest at mon 08:30` (in your time zone).');
    await tx.ceremonies.setDigestSchedule(state.id, weekday, minutes);
    await tx.audit(state.id, caller.id, 'digest.scheduled', { weekday, minutes });
    return message(section('Done: your weekly digest comes every ', bold(`${weekdayName(weekday)} at ${formatClock(minutes)}`), ` (${zone}).`), context('Undo: ', code(`/po digest at ${WEEKDAYS[schedule.weekday - 1]} ${formatClock(schedule.timeMin)}`), '.'));
  });
  if (out && 'show' in out) {
    // Read after the transaction, its queries side by side (store.reads).
    const { show, schedule, zone } = out;
    const m = digestMessage(buildDigest(await deps.store.reads((r) => loadDigestData(r, show, now))));
    return message(...m.blocks, context(`Sent to you every ${weekdayName(schedule.weekday)} at ${formatClock(schedule.timeMin)} (${zone}); change it with `, code('/po digest at mon 08:30'), '.'));
  }
  return out ?? NOT_SET_UP;
}

/**
 * Every minute: a product's PO gets the digest on the scheduled weekday, from the scheduled time on
 * that PO-local day, once (claimed by moving the product's lastDigestDay in the transaction that queues
 * it). Its figures are read before, outside a transaction (store.reads); a replica that loses the claim
 * has read them for nothing, once a week. A PO named less than a day before gets the first one the week after.
 */
export async function sendWeeklyDigests(store: Store, now: Date, log: Logger): Promise<number> {
  const products = await store.transaction((tx) => tx.ceremonies.productsWithOwner());
  let sent = 0;
  for (const productId of products) {
    try {
      const due = await store.transaction(async (tx) => {
        const state = await tx.productState(productId);
        if (!state.owner) return undefined;
        const schedule = await tx.ceremonies.digestSchedule(productId);
        // A PO named less than a day ago has no week to look back on yet.
        if (!schedule.ownerSince || now.getTime() - schedule.ownerSince.getTime() < 24 * 3_600_000) return undefined;
        const zone = (await tx.workingHours(state.owner.id)).timeZone;
        const day = localDate(now, zone);
        if (isoWeekday(day) !== schedule.weekday || now < zonedInstant(day, schedule.timeMin, zone) || schedule.lastDay === day) return undefined;
        return { state, day };
      });
      if (!due) continue;
      const m = digestMessage(buildDigest(await store.reads((r) => loadDigestData(r, due.state, now))));
      const queued = await store.transaction(async (tx) => {
        if (!(await tx.ceremonies.claimDigest(productId, due.day))) return false;
        const state = await tx.productState(productId);
        if (!state.owner) return false;
        await tx.enqueue(await personWorkspace(tx, state, state.owner.id), { kind: 'dm', userId: state.owner.platformUserId, message: m });
        return true;
      });
      if (queued) sent++;
    } catch (error) {
      log.error({ err: error, product: productId }, 'digest: could not send the weekly digest; the next run tries again');
    }
  }
  if (sent > 0) log.info({ sent }, 'digest: sent weekly digests');
  return sent;
}
