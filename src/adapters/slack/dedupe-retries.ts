import type { Middleware, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Db } from '../../store/database.js';

/**
 * Slack redelivers an event (with X-Slack-Retry-Num) when it did not see our 200 in time. The event id
 * is recorded in the database before the event is processed, so a redelivery, to this replica or
 * another, is acknowledged and dropped. Runs before every event po-desk handles (see SlackRoutes).
 */
export function dropRedeliveries(db: Db, log: Logger): Middleware<SlackEventMiddlewareArgs> {
  return async ({ body, context, next }) => {
    const eventId = (body as { event_id?: string }).event_id;
    if (!eventId) return next();
    const first = await db.inboundReceipt.createMany({ data: [{ key: `slack:event:${eventId}` }], skipDuplicates: true });
    if (first.count === 0) {
      log.info({ eventId, retryNum: context.retryNum, retryReason: context.retryReason }, 'slack: duplicate delivery dropped');
      return;
    }
    await next();
  };
}
