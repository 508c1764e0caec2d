import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Metrics } from '../metrics.js';
import type { Db } from '../store/database.js';

export interface Job {
  name: string;
  /** A cron expression (minute resolution) in `timeZone` (default UTC). */
  cron: string;
  timeZone?: string;
  /**
   * The job looks at the state of things as of its slot, so when several of its slots are due at once
   * (the playground clock jumped, or the process was down) only the latest runs.
   */
  latestOnly?: boolean;
  run(slot: Date, log: Logger): Promise<void>;
}

export interface SchedulerOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  jobs: Job[];
  graceMinutes: number;
  metrics?: Metrics;
  /**
   * Tick every this many real milliseconds instead of at each wall-clock minute: for a clock that runs
   * faster than the wall clock (a test clock), whose minutes pass sooner.
   */
  tickEveryMs?: number;
}

const MINUTE = 60_000;
/** How far back a catch-up looks for missed occurrences to report; older gaps are just ignored. */
const LOOKBACK_MINUTES = 7 * 24 * 60;

const floorMinute = (d: Date) => new Date(Math.floor(d.getTime() / MINUTE) * MINUTE);

/**
 * Runs jobs on their cron schedules. Every occurrence (job, slot) is claimed by inserting its JobRun
 * row before it runs; the primary key makes the claim exclusive, so replicas sharing one PostgreSQL
 * never run an occurrence twice. On start, occurrences missed while down run if they are within the
 * grace window; older ones are recorded as skipped and logged.
 */
export class Scheduler {
  readonly id = randomUUID();
  private ticker: ScheduledTask | undefined;
  private interval: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly matchers = new Map<string, ScheduledTask>();
  private checkedUntil: Date | undefined;
  private inFlight = new Set<Promise<void>>();
  private ticking: Promise<void> = Promise.resolve();

  constructor(private readonly o: SchedulerOptions) {
    for (const job of o.jobs) {
      if (!cron.validate(job.cron)) throw new Error(`job ${job.name}: invalid cron expression "${job.cron}"`);
      // An unstarted task is used only for its matcher (time-zone aware, DST included).
      this.matchers.set(job.name, cron.createTask(job.cron, () => {}, { timezone: job.timeZone ?? 'UTC', name: `match:${job.name}` }));
    }
  }

  /** Catches up, then ticks every minute. */
  async start(): Promise<void> {
    await this.catchUp();
    if (this.o.tickEveryMs !== undefined) {
      // A tick still running when the next is due is left to finish: the next one covers both.
      let busy = false;
      this.interval = setInterval(() => {
        if (busy) return;
        busy = true;
        void this.tick()
          .catch(() => undefined /* logged by serially */)
          .finally(() => (busy = false));
      }, this.o.tickEveryMs);
      return;
    }
    this.ticker = cron.schedule('* * * * *', () => void this.tick().catch(() => undefined /* logged by serially */), { name: `po-desk-scheduler-${this.id}`, noOverlap: true });
  }

  async stop(): Promise<void> {
    clearInterval(this.interval);
    await this.ticker?.destroy();
    this.ticker = undefined;
    this.stopped = true;
    // The tick under way still needs the matchers: they go only once it is done.
    await this.ticking;
    await Promise.allSettled([...this.inFlight]);
    for (const m of this.matchers.values()) await m.destroy();
    this.matchers.clear();
  }

  /**
   * Forgets how far it has checked, so occurrences after `now` run again when they come: for a clock
   * set back (the playground's reset), whose later slots were claimed and then deleted.
   */
  restartFrom(now: Date): Promise<void> {
    return this.serially(async () => {
      this.checkedUntil = floorMinute(now);
    });
  }

  /** Runs every occurrence due since the last tick, up to `now`. Safe to call at any time. */
  tick(now = this.o.clock.now()): Promise<void> {
    return this.serially(() => this.runDue(floorMinute(now)));
  }

  /**
   * Runs `step` after the steps queued before it. The caller sees its failure; the queue does not, so
   * one failed tick (a database blip) never stops the ticks after it.
   */
  private serially(step: () => Promise<void>): Promise<void> {
    const next = this.ticking.then(step);
    this.ticking = next.catch((error: unknown) => this.o.log.error({ err: error }, 'scheduler: tick failed'));
    return next;
  }

  private async runDue(now: Date): Promise<void> {
    if (this.stopped) return;
    const from = this.checkedUntil ?? new Date(now.getTime() - MINUTE);
    if (now <= from) return;
    this.checkedUntil = now;
    for (const job of this.o.jobs) {
      for (const slot of this.due(job, this.slots(job, from, now))) await this.claimAndRun(job, slot);
    }
  }

  private due(job: Job, slots: Date[]): Date[] {
    return job.latestOnly ? slots.slice(-1) : slots;
  }

  /** On start: run missed occurrences within the grace window, record older ones as skipped. */
  async catchUp(now = floorMinute(this.o.clock.now())): Promise<void> {
    const graceStart = new Date(now.getTime() - this.o.graceMinutes * MINUTE);
    for (const job of this.o.jobs) {
      const last = await this.o.db.jobRun.findFirst({ where: { job: job.name }, orderBy: { slot: 'desc' } });
      // A job never seen before has missed nothing: it starts counting from now.
      const from = last ? last.slot : new Date(now.getTime() - MINUTE);
      const floor = new Date(now.getTime() - LOOKBACK_MINUTES * MINUTE);
      const missed = this.slots(job, from < floor ? floor : from, now);
      const tooOld = missed.filter((s) => s < graceStart);
      if (tooOld.length > 0) {
        const log = this.o.log.child({ job: job.name });
        log.warn({ skipped: tooOld.length, first: tooOld[0], last: tooOld.at(-1), graceMinutes: this.o.graceMinutes }, 'scheduler: occurrences missed while down are older than the grace window; skipped');
        await this.o.db.jobRun.createMany({
          data: tooOld.map((slot) => ({ job: job.name, slot, claimedBy: this.id, status: 'skipped', finishedAt: this.o.clock.now() })),
          skipDuplicates: true,
        });
        this.o.metrics?.jobRuns.inc({ job: job.name, outcome: 'skipped' }, tooOld.length);
      }
      for (const slot of this.due(job, missed.filter((s) => s >= graceStart))) await this.claimAndRun(job, slot);
    }
    this.checkedUntil = now;
  }

  /** Slots of `job` in (from, to], minute by minute. */
  private slots(job: Job, from: Date, to: Date): Date[] {
    const matcher = this.matchers.get(job.name)!;
    const out: Date[] = [];
    for (let t = floorMinute(from).getTime() + MINUTE; t <= to.getTime(); t += MINUTE) {
      const d = new Date(t);
      if (matcher.match(d)) out.push(d);
    }
    return out;
  }

  /** Claims (job, slot) and runs it. Returns false when another process claimed it first. */
  async claimAndRun(job: Job, slot: Date): Promise<boolean> {
    const claimed = await this.o.db.jobRun.createMany({ data: [{ job: job.name, slot, claimedBy: this.id }], skipDuplicates: true });
    if (claimed.count === 0) return false;
    const log = this.o.log.child({ job: job.name, slot: slot.toISOString() });
    const run = (async () => {
      try {
        await job.run(slot, log);
        await this.o.db.jobRun.update({ where: { job_slot: { job: job.name, slot } }, data: { status: 'done', finishedAt: this.o.clock.now() } });
        this.o.metrics?.jobRuns.inc({ job: job.name, outcome: 'done' });
      } catch (error) {
        log.error({ err: error }, 'scheduler: job failed');
        this.o.metrics?.jobRuns.inc({ job: job.name, outcome: 'failed' });
        await this.o.db.jobRun
          .update({ where: { job_slot: { job: job.name, slot } }, data: { status: 'failed', finishedAt: this.o.clock.now(), error: String(error).slice(0, 1000) } })
          .catch((e: unknown) => log.error({ err: e }, 'scheduler: could not record the failure'));
      }
    })();
    this.inFlight.add(run);
    await run;
    this.inFlight.delete(run);
    return true;
  }
}
