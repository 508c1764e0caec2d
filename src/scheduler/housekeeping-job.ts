import type { Db } from '../store/database.js';
import type { Job } from './scheduler.js';

const DAY = 24 * 60 * 60_000;

/** Daily clean-up of rows whose purpose has passed: delivered messages, old receipts, run commands and job claims. */
export function housekeepingJob(db: Db): Job {
  return {
    name: 'housekeeping',
    cron: '17 3 * * *',
    async run(slot, log) {
      const at = slot.getTime();
      // Keyed messages are kept longer: a question's anchor is edited, threaded and found by its key for months.
      const sent = await db.outboxMessage.deleteMany({
        where: {
          status: 'sent',
          OR: [
            { messageKey: null, sentAt: { lt: new Date(at - 30 * DAY) } },
            { sentAt: { lt: new Date(at - 400 * DAY) } },
          ],
        },
      });
      const receipts = await db.inboundReceipt.deleteMany({ where: { receivedAt: { lt: new Date(at - 2 * DAY) } } });
      // A run command's row only has to outlive Slack's redeliveries (minutes); failed ones stay for whoever investigates.
      const commands = await db.inboundCommand.deleteMany({
        where: { OR: [{ status: 'done', doneAt: { lt: new Date(at - 2 * DAY) } }, { status: 'failed', doneAt: { lt: new Date(at - 90 * DAY) } }] },
      });
      // A claim only has to outlive the scheduler's catch-up look-back (7 days); minute jobs (the intake's)
      // would otherwise pile up 1,440 rows a day. Failures stay 90 days for whoever investigates them.
      const runs = await db.jobRun.deleteMany({
        where: { OR: [{ slot: { lt: new Date(at - 8 * DAY) }, status: { in: ['done', 'skipped'] } }, { slot: { lt: new Date(at - 90 * DAY) } }] },
      });
      log.info({ outbox: sent.count, receipts: receipts.count, inboundCommands: commands.count, jobRuns: runs.count }, 'housekeeping: removed old rows');
    },
  };
}
