import type { Logger } from 'pino';
import type { SlackSurface } from './adapters/slack/slack-app.js';
import type { TeamsAuthEndpoints } from './adapters/teams/teams-auth.js';
import type { Deps } from './app/context.js';
import type { Directory } from './app/ports.js';
import { createPlaygroundSurface, type PlaygroundSurface } from './adapters/playground/playground-app.js';
import { LiveFeed } from './adapters/playground/live-feed.js';
import { playgroundSender } from './adapters/playground/playground-sender.js';
import { AdjustableClock, ScaledClock, systemClock, type Clock } from './clock.js';
import { describeSurfaces, type Config } from './config.js';
import { createMetrics } from './metrics.js';
import { Dispatcher } from './outbox/dispatcher.js';
import type { Sender } from './outbox/sender.js';
import { housekeepingJob } from './scheduler/housekeeping-job.js';
import { questionNudgeJob } from './scheduler/question-nudge-job.js';
import { intakeAgingJob, intakeNotifyJob } from './scheduler/intake-jobs.js';
import { dailyReminderJob, reviewPromptJob, weeklyDigestJob } from './scheduler/ceremony-jobs.js';
import { Scheduler } from './scheduler/scheduler.js';
import { createHttpServer } from './server.js';
import { openDatabase, type Database, type DatabaseOptions } from './store/database.js';
import { vacuumEmbeddedDatabase, warnIfAutovacuumIsOff } from './store/vacuum.js';
import { defaultPgliteTemplate } from './store/pglite-template.js';
import { prismaStore } from './store/prisma-store.js';
import { playgroundWorkspace } from './store/playground-workspace.js';
import { teamsConversations } from './store/teams-conversations.js';

export interface RunningApp {
  port: number;
  db: Database;
  dispatcher: Dispatcher;
  scheduler: Scheduler;
  slack: SlackSurface | undefined;
  playground: PlaygroundSurface | undefined;
  /** Graceful shutdown: stop taking requests, finish in-flight work, stop jobs, close the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  log: Logger;
  clock?: Clock;
  /** Overrides the database chosen by the config (tests pass a per-file database). */
  database?: DatabaseOptions;
  dispatcherPollMs?: number;
  /** How often the embedded database is vacuumed (a minute). */
  vacuumEveryMs?: number;
  outboxBackoff?: { baseMs: number; maxMs: number };
  /** Where the Bot Framework's identity services are (tests point them at local fakes). */
  teamsEndpoints?: TeamsAuthEndpoints;
}

const noDirectory: Directory = {
  lookupUser: async () => undefined,
  channelMembers: async () => [],
};

/** Wires everything together and starts serving. `main.ts` is the only production caller. */
export async function startPoDesk(config: Config, options: StartOptions): Promise<RunningApp> {
  const { log } = options;
  // The playground's clock control moves this clock; without the playground it is just the base clock.
  // Moving time would move it for real Slack or Teams users too (their reminders, their digests).
  const clockFixedBecause = config.slack || config.teams ? 'Slack or Teams is connected to this po-desk, and its people live in real time' : undefined;
  const testClock = config.testClock && new ScaledClock(config.testClock.start, config.testClock.realStart ?? new Date(), config.testClock.rate);
  // The test that runs this process starts its clock with SIGUSR2 once it has set things up.
  const startTestClock = () => testClock?.startNow();
  if (testClock) process.on('SIGUSR2', startTestClock);
  const baseClock = options.clock ?? testClock ?? systemClock;
  const playgroundClock = config.playground.enabled ? new AdjustableClock(baseClock) : undefined;
  const clock: Clock = playgroundClock ?? baseClock;
  // On a test clock running `rate` times as fast, the outbox's lease and back-off (about the platform's
  // real time) stretch with it: a 30 s lease lapsing in 5 ms would let another replica send it again.
  const rate = testClock?.rate ?? 1;
  const started = performance.now();
  const db = await openDatabase(
    options.database ??
      (config.database.kind === 'postgres' ? { kind: 'postgres', url: config.database.url } : { kind: 'pglite', dataDir: config.database.dataDir, template: defaultPgliteTemplate() }),
  );
  let stopVacuuming = async () => {};
  // A start that fails after this point closes the database (and gives the embedded one's directory back).
  const closingOnFailure = <T>(step: Promise<T>) =>
    step.catch(async (error: unknown) => {
      await stopVacuuming();
      await db.close();
      throw error;
    });
  const applied = await closingOnFailure(db.migrate());
  if (applied.length > 0) log.info({ migrations: applied }, 'database: migrations applied');
  stopVacuuming = vacuumEmbeddedDatabase(db, log, options.vacuumEveryMs);
  await closingOnFailure(warnIfAutovacuumIsOff(db, log));

  const playgroundStore = playgroundWorkspace(db.prisma);
  const ahead = await playgroundStore.clockOffsetMs();
  if (playgroundClock && !clockFixedBecause) {
    playgroundClock.offsetMs = ahead;
  } else if (ahead > 0) {
    const forgotten = await playgroundStore.returnToRealTime(baseClock.now());
    log.warn({ offsetMs: ahead, jobRunsForgotten: forgotten }, 'playground: its clock had been moved ahead, and this start runs on real time; back to real time');
  }
  const feed = new LiveFeed();

  const metrics = createMetrics(async () =>
    (await db.prisma.outboxMessage.groupBy({ by: ['status'], where: { status: { in: ['pending', 'dead'] } }, _count: { _all: true } })).map((g) => ({ status: g.status, count: g._count._all })),
  );
  const slackSdk = config.slack && (await loadSlackSdk());
  const slackApi = config.slack && slackSdk ? slackSdk.slackClient(config.slack, log.child({ platform: 'slack' })) : undefined;
  const senders: Partial<Record<'slack' | 'teams' | 'playground', Sender>> = slackApi && slackSdk ? { slack: slackSdk.slackSender(slackApi, log.child({ component: 'outbox' })) } : {};
  const conversations = teamsConversations(db.prisma);
  const teamsSdk = config.teams && (await loadTeamsSdk());
  const teams = config.teams && teamsSdk ? { sdk: teamsSdk, auth: teamsSdk.teamsAuth(config.teams, options.teamsEndpoints) } : undefined;
  const connector = teams ? new teams.sdk.BotConnector(teams.auth.connectorToken) : undefined;
  if (teams && connector) senders.teams = teams.sdk.teamsSender(connector, conversations);
  if (playgroundClock) senders.playground = playgroundSender(playgroundStore, feed, clock);
  const directory: Directory = slackApi && slackSdk ? slackSdk.slackDirectory(slackApi) : noDirectory;
  const dispatcher = new Dispatcher({
    db: db.prisma,
    senders,
    clock,
    log: log.child({ component: 'outbox' }),
    metrics,
    maxAttempts: config.outbox.maxAttempts,
    pollMs: options.dispatcherPollMs,
    backoff: options.outboxBackoff ?? (rate === 1 ? undefined : { baseMs: 2_000 * rate, maxMs: 15 * 60_000 * rate }),
    leaseMs: rate === 1 ? undefined : 30_000 * rate,
  });
  const store = prismaStore(db.prisma, () => dispatcher.wake());
  const deps: Deps = { store, directory, clock };

  const scheduler = new Scheduler({
    db: db.prisma,
    clock,
    log: log.child({ component: 'scheduler' }),
    jobs: [housekeepingJob(db.prisma), questionNudgeJob(store), intakeNotifyJob(store), intakeAgingJob(store), dailyReminderJob(store), reviewPromptJob(store), weeklyDigestJob(store)],
    graceMinutes: config.scheduler.graceMinutes,
    // A test clock's minutes need not start with the wall clock's (it may stand still, or start mid-minute),
    // so it is ticked at least every second, and each simulated minute on a fast one, but no more often than
    // every 100 ms: ticking flat out would starve the rest. A tick within the same minute does nothing.
    tickEveryMs: testClock ? Math.min(1_000, Math.max(100, 60_000 / rate)) : undefined,
    metrics,
  });

  const http = createHttpServer({ log, metrics, ready: () => db.ready() });
  let slack: SlackSurface | undefined;
  if (config.slack && slackSdk) {
    slack = slackSdk.createSlackSurface({ config: config.slack, express: http.express, deps, db: db.prisma, sql: db.sql, log, metrics, wakeOutbox: () => dispatcher.wake() });
  }

  if (slack) await closingOnFailure(slack.checkToken());

  if (config.teams && teams && connector) {
    teams.sdk.createTeamsSurface({ config: config.teams, express: http.express, deps, db: db.prisma, conversations, log, metrics, auth: teams.auth, connector });
  }

  let playground: PlaygroundSurface | undefined;
  if (playgroundClock) {
    playground = createPlaygroundSurface({
      express: http.express,
      deps: { store, clock },
      clock: playgroundClock,
      clockFixedBecause,
      scheduler,
      workspace: playgroundStore,
      feed,
      token: config.playground.token,
      log,
      metrics,
    });
    await closingOnFailure(playground.start());
  }

  const port = await http.listen(config.port);
  await slack?.start();
  dispatcher.start();
  await scheduler.start();
  log.info(
    { port, database: db.kind, startupMs: Math.round(performance.now() - started) },
    `po-desk is listening on http://localhost:${port} (database: ${db.kind === 'pglite' ? `embedded, ${config.database.kind === 'pglite' ? config.database.dataDir : 'custom'}` : 'PostgreSQL'})`,
  );
  for (const line of describeSurfaces(config, port)) log.info(line);
  if (config.teams?.authOff) {
    log.warn('Teams: TEAMS_AUTH=off — /api/messages accepts activities WITHOUT authentication. Use this only for local testing.');
  }

  let stopping: Promise<void> | undefined;
  return {
    port,
    db,
    dispatcher,
    scheduler,
    slack,
    playground,
    stop() {
      stopping ??= (async () => {
        process.off('SIGUSR2', startTestClock);
        // Live-update streams never end by themselves: end them first, or closing waits for them.
        playground?.closeStreams();
        await http.close();
        await slack?.stop();
        await scheduler.stop();
        await dispatcher.stop();
        await stopVacuuming();
        await db.close();
      })();
      return stopping;
    },
  };
}

/**
 * A platform's SDK is loaded only when that platform is configured: Bolt and botbuilder with their
 * dependencies cost some 60 MB of RSS and a second of start-up (bench/footprint.ts), which a po-desk
 * serving only the other platform, or only the playground, would carry for nothing.
 */
async function loadSlackSdk() {
  const [app, directory, sender] = await Promise.all([
    import('./adapters/slack/slack-app.js'),
    import('./adapters/slack/slack-directory.js'),
    import('./adapters/slack/slack-sender.js'),
  ]);
  return { ...app, ...directory, ...sender };
}

async function loadTeamsSdk() {
  const [app, auth, connector, sender] = await Promise.all([
    import('./adapters/teams/teams-app.js'),
    import('./adapters/teams/teams-auth.js'),
    import('./adapters/teams/bot-connector.js'),
    import('./adapters/teams/teams-sender.js'),
  ]);
  return { ...app, ...auth, ...connector, ...sender };
}
