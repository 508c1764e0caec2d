import type { Store } from '../app/ports.js';
import { flagAgingItems, sendNewItemsToPo } from '../app/intake/intake-jobs.js';
import type { Job } from './scheduler.js';

/** New intake items to the PO, batched by the minute. */
export function intakeNotifyJob(store: Store): Job {
  return {
    name: 'intake-notify',
    cron: '* * * * *',
    latestOnly: true,
    async run(slot, log) {
      await sendNewItemsToPo(store, slot, log);
    },
  };
}

/** Aging requests, checked every 15 minutes; each PO hears once per working day. */
export function intakeAgingJob(store: Store): Job {
  return {
    name: 'intake-aging',
    cron: '*/15 * * * *',
    latestOnly: true,
    async run(slot, log) {
      await flagAgingItems(store, slot, log);
    },
  };
}
