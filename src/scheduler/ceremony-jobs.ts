import type { Store } from '../app/ports.js';
import { postDailyReminders } from '../app/ceremonies/daily-scrum.js';
import { sendReviewPrompts } from '../app/ceremonies/sprint-reviews.js';
import type { Job } from './scheduler.js';
import { sendWeeklyDigests } from '../app/digest/weekly-digest.js';

/** Daily Scrum reminders, checked every minute (each team and day is claimed once). */
export function dailyReminderJob(store: Store): Job {
  return {
    name: 'daily-reminders',
    cron: '* * * * *',
    latestOnly: true,
    async run(slot, log) {
      await postDailyReminders(store, slot, log);
    },
  };
}

/** Sprint review invitations, summaries, reminders and feedback prompts, checked every minute. */
export function reviewPromptJob(store: Store): Job {
  return {
    name: 'review-prompts',
    cron: '* * * * *',
    latestOnly: true,
    async run(slot, log) {
      await sendReviewPrompts(store, slot, log);
    },
  };
}

/** The PO's weekly digest, checked every minute against each PO's chosen weekday and time. */
export function weeklyDigestJob(store: Store): Job {
  return {
    name: 'weekly-digest',
    cron: '* * * * *',
    latestOnly: true,
    async run(slot, log) {
      await sendWeeklyDigests(store, slot, log);
    },
  };
}
