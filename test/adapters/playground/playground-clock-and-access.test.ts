import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tokenGuard } from '../../../src/adapters/playground/playground-routes.js';
import { readConfig } from '../../../src/config.js';
import { startPoDesk } from '../../../src/start.js';
import type { StartedApp } from '../../support/test-app.js';
import { playgroundClient, startPlaygroundApp, type PlaygroundClient } from '../../support/playground-client.js';
import { testDatabaseKinds } from '../../support/test-database.js';
import { demoCadence } from '../../../src/adapters/playground/demo-seed.js';

const MINUTE = 60_000;

/** The next 03:17 UTC (the housekeeping job's slot) at least two minutes after `from`. */
function nextHousekeeping(from: Date): Date {
  const slot = new Date(from);
  slot.setUTCHours(3, 17, 0, 0);
  while (slot.getTime() < from.getTime() + 2 * MINUTE) slot.setUTCDate(slot.getUTCDate() + 1);
  return slot;
}

describe.each(testDatabaseKinds())('the playground clock and reset (%s)', (kind) => {
  let started: StartedApp;
  let api: PlaygroundClient;
  const db = () => started.app.db.prisma;
  const now = async () => new Date(((await api.get<{ now: string }>('/workspace?as=U-priya')).json).now);

  beforeAll(async () => {
    ({ api, ...started } = await startPlaygroundApp(kind));
  });
  afterAll(async () => {
    await started?.stop();
  });

  it('moves the scheduler’s time: a job due on the way runs, and the page sees it', async () => {
    const slot = nextHousekeeping(await now());
    const moved = await api.post<{ now: string }>('/clock', { to: new Date(slot.getTime() + MINUTE).toISOString() });
    expect(moved.status).toBe(200);
    expect(new Date(moved.json.now).getTime()).toBeGreaterThanOrEqual(slot.getTime() + MINUTE);
    const run = await db().jobRun.findUnique({ where: { job_slot: { job: 'housekeeping', slot } } });
    expect(run?.status).toBe('done');
    const page = await api.get<{ offsetMs: number; jobRuns: { job: string; slot: string; status: string }[] }>('/workspace?as=U-priya');
    expect(page.json.jobRuns).toContainEqual({ job: 'housekeeping', slot: slot.toISOString(), status: 'done' });
    expect(page.json.offsetMs).toBeGreaterThan(0);
    // The offset is stored, so a restart keeps the demo's time.
    expect(Number((await db().playgroundState.findUniqueOrThrow({ where: { id: 1 } })).clockOffsetMs)).toBe(page.json.offsetMs);
  });

  it('moves by minutes, never backwards, and at most two months at a time', async () => {
    const before = await now();
    const moved = await api.post<{ now: string }>('/clock', { advanceMinutes: 60 });
    expect(new Date(moved.json.now).getTime() - before.getTime()).toBeGreaterThanOrEqual(60 * MINUTE);
    const back = await api.post('/clock', { to: before.toISOString() });
    expect(back).toEqual({ status: 409, json: { error: 'Time only moves forward here: pick a later time (or reset the demo to go back to now).' } });
    // The page shows `json.error`: a nonsense move is refused with a reason, not only a status.
    expect(await api.post('/clock', { advanceMinutes: 0 })).toEqual({ status: 400, json: { error: 'That request is malformed (advanceMinutes: Too small: expected number to be >=1).' } });
    expect(await api.post('/clock', { to: 'tomorrow' })).toEqual({ status: 400, json: { error: 'That request is malformed (to: Invalid ISO datetime).' } });
    expect((await now()).getTime() - before.getTime()).toBeLessThan(61 * MINUTE); // none of the refused moves moved the clock
    const far = await api.post('/clock', { to: new Date(before.getTime() + 90 * 24 * 60 * MINUTE).toISOString() });
    expect(far).toEqual({ status: 400, json: { error: 'That is too far ahead: move the clock at most two months at a time.' } });
  });

  it('resets the demo: the seed again, real time again, and the jobs of the skipped-ahead time forgotten', async () => {
    expect((await api.say('U-priya', 'C-stakeholders', '/po stakeholder remove @sam')).json).toEqual({ kind: 'reply' });
    expect((await api.say('U-alex', 'C-rocket', 'a message to be forgotten')).json.kind).toBe('posted');
    expect((await api.messages('U-alex', 'C-rocket')).map((m) => m.text)).toContain('a message to be forgotten');
    expect(await db().jobRun.count({ where: { slot: { gt: new Date() } } })).toBeGreaterThan(0);

    expect(await api.post('/reset', {})).toEqual({ status: 200, json: { ok: true } });

    const page = await api.get<{ offsetMs: number }>('/workspace?as=U-priya');
    expect(page.json.offsetMs).toBe(0);
    expect(Math.abs((await now()).getTime() - Date.now())).toBeLessThan(5_000);
    expect(await db().jobRun.count({ where: { slot: { gt: new Date() } } })).toBe(0);
    const sam = await db().person.findFirstOrThrow({ where: { platformUserId: 'U-sam' }, include: { stakeholderOf: true } });
    expect(sam.stakeholderOf).toHaveLength(1);
    expect((await api.messages('U-alex', 'C-rocket')).map((m) => m.text)).not.toContain('a message to be forgotten');
    expect(await db().product.count()).toBe(1);
    await api.waitForMessage('U-priya', 'D-U-priya', (m) => m.text.includes('You are the Product Owner of Acme Shop'));
  });

  it('takes resets and clock moves one at a time: three resets at once leave one demo', async () => {
    const answers = await Promise.all([api.post('/reset', {}), api.post('/clock', { advanceMinutes: 30 }), api.post('/reset', {}), api.post('/reset', {})]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(await db().playgroundMessage.count({ where: { authorId: null, visibleTo: { not: null } } })).toBe(6); // the six setup replies
    expect(await db().product.count()).toBe(1);
    expect(await db().playgroundUser.count()).toBe(8);
    expect((await api.get<{ offsetMs: number }>('/workspace')).json.offsetMs).toBe(0);
  });

  it('seeds again at start when an earlier start died halfway through seeding', async () => {
    await db().playgroundState.update({ where: { id: 1 }, data: { seededAt: null } });
    await db().stakeholder.deleteMany({}); // as if the process died before the stakeholders were added
    await started.app.playground!.start();
    expect((await db().playgroundState.findUniqueOrThrow({ where: { id: 1 } })).seededAt).not.toBeNull();
    expect(await db().stakeholder.count()).toBe(3);
    expect(await db().product.count()).toBe(1);
  });

  it('lets only one process claim the seeding', async () => {
    expect(await started.app.playground!.workspace.seed({ people: [], channels: [], sprintCalendar: demoCadence(new Date()) })).toBe(false);
  });
});

describe('the playground when real chat platforms are connected', () => {
  let started: StartedApp | undefined;
  afterEach(async () => {
    await started?.stop();
    started = undefined;
  });

  it('keeps its clock at real time, and says why', async () => {
    const { api, ...app } = await startPlaygroundApp('pglite', { TEAMS_AUTH: 'off' });
    started = app;
    const page = await api.get<{ clockAdjustable: boolean; clockNote: string }>('/workspace?as=U-priya');
    expect(page.json.clockAdjustable).toBe(false);
    expect(page.json.clockNote).toContain('Slack or Teams is connected');
    const moved = await api.post<{ error: string }>('/clock', { advanceMinutes: 10 });
    expect(moved).toEqual({ status: 409, json: { error: 'The clock cannot be moved: Slack or Teams is connected to this po-desk, and its people live in real time.' } });
    expect(page.json.clockNote).toBe('The clock follows real time: Slack or Teams is connected to this po-desk, and its people live in real time.');
  });
});

describe('a playground protected by PLAYGROUND_TOKEN (production)', () => {
  const TOKEN = 'pg-token-0123456789';
  let started: StartedApp;
  beforeAll(async () => {
    started = await startPlaygroundApp('pglite', { NODE_ENV: 'production', PLAYGROUND_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await started?.stop();
  });

  it('refuses the page and the API without the token', async () => {
    const refusal = 'This playground is protected by PLAYGROUND_TOKEN: open it with the link that ends in ?token=… (ask whoever runs po-desk).';
    const page = await fetch(`${started.baseUrl}/`);
    expect(page.status).toBe(401);
    expect(await page.text()).toBe(`${refusal}\n`);
    expect(await playgroundClient(started.baseUrl).get('/workspace?as=U-priya')).toEqual({ status: 401, json: { error: refusal } });
    expect(await playgroundClient(started.baseUrl, { authorization: 'Bearer wrong' }).say('U-priya', 'C-rocket', '/po help')).toEqual({ status: 401, json: { error: refusal } });
    const wrongLink = await fetch(`${started.baseUrl}/?token=wrong`, { redirect: 'manual' });
    expect([wrongLink.status, wrongLink.headers.get('set-cookie'), await wrongLink.text()]).toEqual([401, null, `${refusal}\n`]);
    expect(await started.app.db.prisma.playgroundMessage.count({ where: { command: '/po help' } })).toBe(0);
  });

  it('lets the token in once through the link, then by its cookie; or as a bearer token', async () => {
    const entry = await fetch(`${started.baseUrl}/?token=${TOKEN}`, { redirect: 'manual' });
    expect(entry.status).toBe(303);
    expect(entry.headers.get('location')).toBe('/');
    const cookie = entry.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const withCookie = playgroundClient(started.baseUrl, { cookie: cookie.split(';')[0]! });
    expect((await withCookie.get('/workspace?as=U-priya')).status).toBe(200);
    const page = await fetch(`${started.baseUrl}/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>po-desk playground</title>');
    expect((await playgroundClient(started.baseUrl, { authorization: `Bearer ${TOKEN}` }).say('U-priya', 'C-rocket', '/po help')).json).toEqual({ kind: 'reply' });
  });
});

describe('a playground without PLAYGROUND_TOKEN', () => {
  /** Runs the guard on a request from `address`; returns what it answered, or 'next' when it let the request through. */
  function guard(address: string, baseUrl = '/playground/api'): { status?: number; body?: unknown } | 'next' {
    const answered: { status?: number; body?: unknown } = {};
    const res = {
      status(code: number) {
        answered.status = code;
        return res;
      },
      json(body: unknown) {
        answered.body = body;
        return res;
      },
      type() {
        return res;
      },
      send(body: unknown) {
        answered.body = body;
        return res;
      },
    };
    let passed = false;
    tokenGuard(undefined)({ socket: { remoteAddress: address }, baseUrl } as never, res as never, () => (passed = true));
    return passed ? 'next' : answered;
  }

  it('answers this machine only: whoever uses it can act as anyone in the demo', () => {
    expect(guard('127.0.0.1')).toBe('next');
    expect(guard('::1')).toBe('next');
    expect(guard('::ffff:127.0.0.1')).toBe('next');
    const refusal =
      'This playground has no PLAYGROUND_TOKEN, so it answers only the machine po-desk runs on (open http://localhost:PORT/ there). To open it to others, set PLAYGROUND_TOKEN.';
    expect(guard('192.168.1.20')).toEqual({ status: 403, body: { error: refusal } });
    expect(guard('::ffff:10.0.0.7', '')).toEqual({ status: 403, body: `${refusal}\n` });
  });
});

describe('a start on real time after the playground clock ran ahead', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'po-desk-clock-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = (env: Record<string, string>) =>
    startPoDesk(readConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dataDir, ...env }), { log: pino({ level: 'silent' }), dispatcherPollMs: 50 });

  it('goes back to real time, and forgets the job claims made ahead, when Slack or Teams is connected', async () => {
    const first = await start({ PLAYGROUND: 'on' });
    const api = playgroundClient(`http://127.0.0.1:${first.port}`);
    // A day is enough to claim job runs ahead of real time (a week of five-minute question-nudge slots takes long).
    expect((await api.post('/clock', { advanceMinutes: 24 * 60 })).status).toBe(200);
    expect(await first.db.prisma.jobRun.count({ where: { slot: { gt: new Date() } } })).toBeGreaterThan(0);
    await first.stop();

    const second = await start({ PLAYGROUND: 'on', TEAMS_AUTH: 'off' });
    try {
      const page = await playgroundClient(`http://127.0.0.1:${second.port}`).get<{ offsetMs: number; now: string; clockAdjustable: boolean }>('/workspace');
      expect(page.json.clockAdjustable).toBe(false);
      expect(page.json.offsetMs).toBe(0);
      expect(Math.abs(new Date(page.json.now).getTime() - Date.now())).toBeLessThan(5_000);
      expect(await second.db.prisma.jobRun.count({ where: { slot: { gt: new Date() } } })).toBe(0);
      expect(Number((await second.db.prisma.playgroundState.findUniqueOrThrow({ where: { id: 1 } })).clockOffsetMs)).toBe(0);
    } finally {
      await second.stop();
    }
  });
});
