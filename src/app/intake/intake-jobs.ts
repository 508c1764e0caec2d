import type { Logger } from 'pino';
import { availabilityAt, businessDayOf } from '../../domain/business-time.js';
import { ageOf, type IntakeItem } from '../../domain/intake.js';
import type { Store } from '../ports.js';
import { personWorkspace, poCalendar } from '../questions/load.js';
import { agingMessage, BATCH_SIZE, poBatchKeyOf, poBatchMessage } from './intake-messages.js';
import { itemView } from './load.js';

/** New items wait this long for others, so several that arrive together reach the PO as one DM. */
export const BATCH_WINDOW_MS = 60_000;

const byProduct = (items: IntakeItem[]) => {
  const out = new Map<string, IntakeItem[]>();
  for (const i of items) out.set(i.productId, [...(out.get(i.productId) ?? []), i]);
  return out;
};

/**
 * Every minute: a product's new items go to its PO once the oldest has waited a minute, all in one DM
 * (a few per message). Items made while there is no PO wait for one. Each product is one transaction;
 * the items are re-read locked, so a replica or a click racing this sends nothing twice.
 */
export async function sendNewItemsToPo(store: Store, now: Date, log: Logger): Promise<number> {
  const waiting = byProduct(await store.transaction((tx) => tx.intake.unnotified()));
  let sent = 0;
  for (const [productId, candidates] of waiting) {
    if (now.getTime() - candidates[0]!.createdAt.getTime() < BATCH_WINDOW_MS) continue;
    await store.transaction(async (tx) => {
      const state = await tx.productState(productId);
      if (!state.owner) return;
      const items: IntakeItem[] = [];
      for (const c of candidates) {
        const item = await tx.intake.get(productId, c.id);
        if (item && !item.poNotifiedAt && (item.status === 'new' || item.status === 'needs-info')) items.push(item);
      }
      const ws = await personWorkspace(tx, state, state.owner.id);
      for (let at = 0; at < items.length; at += BATCH_SIZE) {
        const batch = items.slice(at, at + BATCH_SIZE);
        const key = poBatchKeyOf(batch[0]!.id, state.owner.id);
        for (const item of batch) await tx.intake.update(item.id, { poNotifiedAt: now, poMessageKey: key });
        const views = [];
        for (const item of batch) views.push(await itemView(tx, state, { ...item, poNotifiedAt: now, poMessageKey: key }, now, { suggestions: true }));
        await tx.enqueue(ws, { kind: 'dm', userId: state.owner.platformUserId, messageKey: key, message: poBatchMessage(views) });
        sent += batch.length;
      }
    }).catch((error: unknown) => log.error({ err: error, product: productId }, 'intake: could not send new requests to the PO; the next run tries again'));
  }
  if (sent > 0) log.info({ sent }, 'intake: sent new requests to the PO');
  return sent;
}

/**
 * Once a day per PO, during the PO's working hours: requests untriaged for more than 3 working days are
 * flagged in one DM. Each item remembers the PO-local day it was last flagged.
 */
export async function flagAgingItems(store: Store, now: Date, log: Logger): Promise<number> {
  const untriaged = byProduct(await store.transaction((tx) => tx.intake.untriaged()));
  let flagged = 0;
  for (const [productId, candidates] of untriaged) {
    await store.transaction(async (tx) => {
      const state = await tx.productState(productId);
      if (!state.owner) return;
      const { cal } = await poCalendar(tx, state, candidates[0]!.createdAt);
      if (!availabilityAt(cal, now).working) return;
      const today = businessDayOf(cal, now);
      const due: IntakeItem[] = [];
      for (const c of candidates) {
        // Oldest first: once one is not aging, none after it is (and business time over weeks is not free).
        if (!ageOf(c.createdAt, cal, now).aging) break;
        if (c.lastFlaggedDay === today) continue;
        const item = await tx.intake.get(productId, c.id);
        if (item && item.status === 'new' && item.lastFlaggedDay !== today) due.push(item);
      }
      if (due.length === 0) return;
      for (const item of due) await tx.intake.update(item.id, { lastFlaggedDay: today });
      const views = [];
      for (const item of due) views.push(await itemView(tx, state, item, now));
      await tx.enqueue(await personWorkspace(tx, state, state.owner.id), { kind: 'dm', userId: state.owner.platformUserId, message: agingMessage(views) });
      flagged += due.length;
    }).catch((error: unknown) => log.error({ err: error, product: productId }, 'intake: could not flag aging requests; the next run tries again'));
  }
  if (flagged > 0) log.info({ flagged }, 'intake: flagged aging requests to the PO');
  return flagged;
}
