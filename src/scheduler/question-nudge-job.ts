import type { Store } from '../app/ports.js';
import { nudgeWaitingQuestions } from '../app/questions/nudge-job.js';
import type { Job } from './scheduler.js';

/** Checks waiting questions against the response target every five minutes (the slot is "now"). */
export function questionNudgeJob(store: Store): Job {
  return {
    name: 'question-nudges',
    cron: '*/5 * * * *',
    // Each run decides from the waits as of its slot; a jump over many slots needs only the last.
    latestOnly: true,
    async run(slot, log) {
      await nudgeWaitingQuestions(store, slot, log);
    },
  };
}
