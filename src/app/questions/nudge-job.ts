import type { Logger } from 'pino';
import { workingDayMs } from '../../domain/working-hours.js';
import { businessMsBetween } from '../../domain/business-time.js';
import { nudgeDue, type Question } from '../../domain/question.js';
import type { Store } from '../ports.js';
import { poCalendar, teamWorkspace, viewOf } from './load.js';
import { anchorKeyOf, nudgeMessage, remindedPost } from './question-messages.js';

/**
 * Every few minutes: questions without a first response are checked against the product's response
 * target (in business time). The scheduler claims each run, so replicas never nudge twice; each
 * question due is changed in its own transaction, guarded by its lastNudgedDay/escalatedAt.
 */
export async function nudgeWaitingQuestions(store: Store, now: Date, log: Logger): Promise<{ nudged: number; escalated: number }> {
  const waiting = await store.transaction((tx) => tx.questions.awaitingFirstResponse());
  let nudged = 0;
  let escalated = 0;
  for (const candidate of await dueForNudge(store, waiting, now, log)) {
    // One question that cannot be handled (a product half set up) must not stop the nudges after it.
    await store.transaction(async (tx) => {
      const q = await tx.questions.get(candidate.productId, candidate.id);
      if (!q) return;
      const state = await tx.productState(q.productId);
      if (!state.owner) return;
      const { cal } = await poCalendar(tx, state, q.askedAt);
      const targetMs = (await tx.calendar.responseTargetMin(state.id)) * 60_000;
      const due = nudgeDue(q, cal, targetMs, now);
      if (!due) return;
      const v = await viewOf(tx, state, q);
      const ws = await teamWorkspace(tx, state, q.teamId);
      const waited = businessMsBetween(cal, q.askedAt, now);
      const dayMs = workingDayMs(cal.hours);
      if (due.nudgePo) {
        await tx.enqueue(ws, { kind: 'dm', userId: state.owner.platformUserId, message: nudgeMessage(v, waited, dayMs, waited >= targetMs) });
        await tx.questions.update(q.id, { lastNudgedDay: due.day });
        nudged++;
      }
      if (due.tellTeam) {
        await tx.enqueue(ws, { kind: 'post', channelId: v.team.channelId, threadKey: anchorKeyOf(q.id), message: remindedPost(v, waited, dayMs) });
        await tx.questions.update(q.id, { escalatedAt: now });
        escalated++;
      }
    }).catch((error: unknown) => log.error({ err: error, question: candidate.id }, 'questions: could not check a waiting question; the next run tries again'));
  }
  if (nudged + escalated > 0) log.info({ nudged, escalated }, 'questions: nudged the PO');
  return { nudged, escalated };
}

/**
 * The waiting questions a nudge is due for, by each product's calendar and target read once. Most are
 * not due on a given run, and a transaction each (reading the product, the calendar and the target
 * every time) made a backlog of 5,000 waiting questions cost 5,000 transactions a run. The transaction
 * of a question found due checks again.
 */
async function dueForNudge(store: Store, waiting: Question[], now: Date, log: Logger): Promise<Question[]> {
  const byProduct = new Map<string, Question[]>();
  for (const q of waiting) {
    const questions = byProduct.get(q.productId);
    if (questions) questions.push(q);
    else byProduct.set(q.productId, [q]);
  }
  const due: Question[] = [];
  for (const [productId, questions] of byProduct) {
    try {
      const rules = await store.reads(async (r) => {
        const state = await r.productState(productId);
        if (!state.owner) return undefined;
        // Oldest first: the calendar from the oldest question's day covers every one of them.
        const [{ cal }, targetMin] = await Promise.all([poCalendar(r, state, questions[0]!.askedAt), r.calendar.responseTargetMin(productId)]);
        return { cal, targetMs: targetMin * 60_000 };
      });
      if (rules) due.push(...questions.filter((q) => nudgeDue(q, rules.cal, rules.targetMs, now)));
    } catch (error) {
      log.error({ err: error, product: productId }, 'questions: could not check the waiting questions of a product; the next run tries again');
    }
  }
  return due;
}
