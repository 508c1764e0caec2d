import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ScaledClock, type Clock } from '../../src/clock.js';
import { Scheduler, type Job } from '../../src/scheduler/scheduler.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/test-database.js';

const MIN = 60_000;
const silent = pino({ level: 'silent' });

function fixedClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => now, set: (v) => (now = new Date(v)) };
}

function countingJob(name: string, cron: string, timeZone?: string) {
  const runs: string[] = [];
  const job: Job = { name, cron, timeZone, run: async (slot) => void runs.push(slot.toISOString()) };
  return { job, runs };
}

describe.each(testDatabaseKinds())('scheduler (%s)', (kind) => {
  let database: TestDatabase;
  const schedulers: Scheduler[] = [];
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop()));
    await database.db.prisma.jobRun.deleteMany();
  });
  afterAll(async () => database.drop());

  const scheduler = (jobs: Job[], clock: Clock, db: Database = database.db, graceMinutes = 30, log = silent) => {
    const s = new Scheduler({ db: db.prisma, clock, log, jobs, graceMinutes });
    schedulers.push(s);
    return s;
  };

  it('runs an occurrence once per slot, however often it ticks', async () => {
    const clock = fixedClock('2026-11-23T10:00:30Z');
    const { job, runs } = countingJob('every-5', '*/5 * * * *');
    const s = scheduler([job], clock);
    await s.catchUp();
    await s.tick(new Date('2026-11-23T10:04:00Z'));
    await s.tick(new Date('2026-11-23T10:05:10Z'));
    await s.tick(new Date('2026-11-23T10:05:50Z'));
    await s.tick(new Date('2026-11-23T10:11:00Z')); // a late tick runs 10:10 as well
    expect(runs).toEqual(['2026-11-23T10:00:00.000Z', '2026-11-23T10:05:00.000Z', '2026-11-23T10:10:00.000Z']);
    const rows = await database.db.prisma.jobRun.findMany({ orderBy: { slot: 'asc' } });
    expect(rows.map((r) => r.status)).toEqual(['done', 'done', 'done']);
  });

  it('with tickEveryMs, ticks on a timer: every slot of a fast test clock runs as its minutes pass', async () => {
    // From 10:01:30, a simulated minute every 10 ms once it starts running (in 300 ms).
    const clock = new ScaledClock(new Date('2026-11-23T10:01:30Z'), new Date(Date.now() + 300), 6000);
    const { job, runs } = countingJob('every-10', '*/10 * * * *');
    const s = new Scheduler({ db: database.db.prisma, clock, log: silent, jobs: [job], graceMinutes: 30, tickEveryMs: 20 });
    schedulers.push(s);
    await s.start();
    await vi.waitFor(() => expect(runs.length).toBeGreaterThanOrEqual(3), { timeout: 10_000, interval: 20 });
    await s.stop();
    expect(runs.slice(0, 3)).toEqual(['2026-11-23T10:10:00.000Z', '2026-11-23T10:20:00.000Z', '2026-11-23T10:30:00.000Z']);
  });

  it('stopping during a tick lets it finish its jobs, and a tick asked for after the stop runs nothing', async () => {
    const clock = fixedClock('2026-11-23T10:00:30Z');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let blocked = false;
    const slow: Job = {
      name: 'slow',
      cron: '* * * * *',
      run: async (slot) => {
        if (slot.toISOString() !== '2026-11-23T10:01:00.000Z') return;
        blocked = true;
        await gate;
      },
    };
    const { job, runs } = countingJob('after-slow', '* * * * *');
    const s = scheduler([slow, job], clock);
    await s.catchUp();
    const ticking = s.tick(new Date('2026-11-23T10:01:10Z'));
    await vi.waitFor(() => expect(blocked).toBe(true));
    const stopping = s.stop();
    release();
    await ticking; // before the fix: "Cannot read properties of undefined (reading 'match')"
    await stopping;
    await s.tick(new Date('2026-11-23T10:05:00Z'));
    expect(runs).toEqual(['2026-11-23T10:00:00.000Z', '2026-11-23T10:01:00.000Z']);
  });

  it('a tick that fails (a database blip) is reported to its caller, and the ticks after it still run', async () => {
    const clock = fixedClock('2026-11-23T10:00:30Z');
    const { job, runs } = countingJob('blip', '* * * * *');
    const real = database.db.prisma;
    let failNext = true;
    const flaky = {
      jobRun: {
        findFirst: real.jobRun.findFirst.bind(real.jobRun),
        update: real.jobRun.update.bind(real.jobRun),
        createMany: (args: Parameters<typeof real.jobRun.createMany>[0]) => {
          if (failNext) {
            failNext = false;
            return Promise.reject(new Error('db blip'));
          }
          return real.jobRun.createMany(args);
        },
      },
    } as unknown as typeof real;
    const s = new Scheduler({ db: flaky, clock, log: silent, jobs: [job], graceMinutes: 30 });
    schedulers.push(s);
    await expect(s.tick(new Date('2026-11-23T10:01:00Z'))).rejects.toThrow('db blip');
    await s.tick(new Date('2026-11-23T10:02:00Z'));
    await s.restartFrom(new Date('2026-11-23T10:02:00Z'));
    await s.tick(new Date('2026-11-23T10:03:00Z'));
    expect(runs).toEqual(['2026-11-23T10:02:00.000Z', '2026-11-23T10:03:00.000Z']);
  });

  it('two schedulers racing on one database never run the same occurrence twice', async () => {
    const other = await openDatabase(database.options());
    try {
      const clock = fixedClock('2026-11-23T09:00:00Z');
      const a = countingJob('race', '* * * * *');
      const b = countingJob('race', '* * * * *');
      const sa = scheduler([a.job], clock, database.db);
      const sb = scheduler([b.job], clock, other);
      for (let m = 1; m <= 20; m++) {
        const at = new Date(Date.parse('2026-11-23T09:00:00Z') + m * MIN);
        await Promise.all([sa.tick(at), sb.tick(at)]);
      }
      const all = [...a.runs, ...b.runs].sort();
      expect(all).toHaveLength(20);
      expect(new Set(all).size).toBe(20);
      expect(await database.db.prisma.jobRun.count({ where: { job: 'race' } })).toBe(20);
    } finally {
      await Promise.all(schedulers.splice(0).map((s) => s.stop()));
      if (kind === 'postgres') await other.close();
    }
  });

  it('on start, runs occurrences missed within the grace window and skips and logs older ones', async () => {
    const { job, runs } = countingJob('every-10', '*/10 * * * *');
    await database.db.prisma.jobRun.create({ data: { job: 'every-10', slot: new Date('2026-11-23T08:00:00Z'), claimedBy: 'before-the-crash', status: 'done' } });
    const lines: { msg: string; skipped?: number }[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const clock = fixedClock('2026-11-23T10:00:20Z');
    await scheduler([job], clock, database.db, 30, log).catchUp();
    expect(runs).toEqual(['2026-11-23T09:30:00.000Z', '2026-11-23T09:40:00.000Z', '2026-11-23T09:50:00.000Z', '2026-11-23T10:00:00.000Z']);
    const skipped = await database.db.prisma.jobRun.findMany({ where: { status: 'skipped' }, orderBy: { slot: 'asc' } });
    expect(skipped.map((r) => r.slot.toISOString().slice(11, 16))).toEqual(['08:10', '08:20', '08:30', '08:40', '08:50', '09:00', '09:10', '09:20']);
    expect(lines.some((l) => l.skipped === 8 && /older than the grace window/.test(l.msg))).toBe(true);
  });

  it('runs only the latest due slot of a job that looks at "now", after a jump or a restart', async () => {
    const { job, runs } = countingJob('latest-only', '*/5 * * * *');
    const latest: Job = { ...job, latestOnly: true };
    await database.db.prisma.jobRun.create({ data: { job: 'latest-only', slot: new Date('2026-11-23T09:40:00Z'), claimedBy: 'before', status: 'done' } });
    const clock = fixedClock('2026-11-23T10:00:20Z');
    const s = scheduler([latest], clock);
    await s.catchUp(); // 09:45 … 10:00 were missed within the grace window
    expect(runs).toEqual(['2026-11-23T10:00:00.000Z']);
    await s.tick(new Date('2026-11-23T13:07:00Z')); // a three-hour jump
    expect(runs).toEqual(['2026-11-23T10:00:00.000Z', '2026-11-23T13:05:00.000Z']);
    await s.tick(new Date('2026-11-23T13:10:30Z'));
    expect(runs.at(-1)).toBe('2026-11-23T13:10:00.000Z');
  });

  it('a job seen for the first time has missed nothing', async () => {
    const { job, runs } = countingJob('new-job', '0 * * * *');
    await scheduler([job], fixedClock('2026-11-23T10:30:00Z')).catchUp();
    expect(runs).toEqual([]);
  });

  it('records a failed occurrence and does not run it again', async () => {
    let calls = 0;
    const job: Job = { name: 'flaky', cron: '* * * * *', run: async () => { calls++; throw new Error('boom'); } };
    const s = scheduler([job], fixedClock('2026-11-23T10:00:00Z'));
    await s.tick(new Date('2026-11-23T10:01:00Z'));
    await s.claimAndRun(job, new Date('2026-11-23T10:01:00Z'));
    expect(calls).toBe(1);
    const row = await database.db.prisma.jobRun.findFirstOrThrow({ where: { job: 'flaky' } });
    expect(row).toMatchObject({ status: 'failed', error: 'Error: boom' });
  });

  it('schedules in the job’s time zone across DST: 09:20 in Berlin all year', async () => {
    const { job, runs } = countingJob('berlin', '20 9 * * *', 'Europe/Berlin');
    const s = scheduler([job], fixedClock('2026-03-27T00:00:00Z'));
    await s.tick(new Date('2026-03-27T00:00:00Z'));
    await s.tick(new Date('2026-03-31T00:00:00Z')); // DST starts 29 March
    expect(runs).toEqual(['2026-03-27T08:20:00.000Z', '2026-03-28T08:20:00.000Z', '2026-03-29T07:20:00.000Z', '2026-03-30T07:20:00.000Z']);
  });
});
