import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Deps } from '../../app/context.js';
import type { AdjustableClock } from '../../clock.js';
import type { Metrics } from '../../metrics.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import type { PlaygroundWorkspace } from '../../store/playground-workspace.js';
import { seedDemo } from './demo-seed.js';
import type { LiveFeed } from './live-feed.js';
import { playgroundChat, PlaygroundRefusal, type PlaygroundChat } from './playground-chat.js';
import { playgroundDirectory } from './playground-directory.js';
import { mountPlaygroundRoutes } from './playground-routes.js';

export interface PlaygroundSurface {
  chat: PlaygroundChat;
  workspace: PlaygroundWorkspace;
  feed: LiveFeed;
  clock: AdjustableClock;
  /** Why the clock cannot be moved (real Slack or Teams users share it), or undefined when it can. */
  clockFixedBecause: string | undefined;
  /** Seeds the demo on first start. */
  start(): Promise<void>;
  /** Moves the playground clock forward to `to` and runs every job that fell due on the way. */
  advanceClockTo(to: Date): Promise<Date>;
  /** Deletes the demo and seeds it again, with the clock back at real time. */
  reset(): Promise<void>;
  /** Ends the pages' live-update streams, so the HTTP server can close. */
  closeStreams(): void;
}

export interface PlaygroundOptions {
  express: Express;
  /** Store and clock of the app; the playground brings its own directory. */
  deps: Omit<Deps, 'directory'>;
  clock: AdjustableClock;
  clockFixedBecause: string | undefined;
  scheduler: Scheduler;
  workspace: PlaygroundWorkspace;
  feed: LiveFeed;
  token: string | undefined;
  log: Logger;
  metrics: Metrics;
}

/**
 * The browser playground: a third surface beside Slack and Teams. It serves the page and its JSON API
 * on the shared Express app, runs the same use cases, and receives po-desk's messages through the
 * outbox like any platform.
 */
export function createPlaygroundSurface(o: PlaygroundOptions): PlaygroundSurface {
  const log = o.log.child({ platform: 'playground' });
  const deps: Deps = { ...o.deps, directory: playgroundDirectory(o.workspace) };
  const chat = playgroundChat({ workspace: o.workspace, deps, feed: o.feed, metrics: o.metrics, log });
  // Moving the clock and resetting the demo take turns: a reset halfway through another (or through a
  // clock move) would seed twice or tick a clock it just put back.
  let turn: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = turn.then(fn);
    turn = next.catch(() => undefined);
    return next;
  };

  const surface: PlaygroundSurface = {
    chat,
    workspace: o.workspace,
    feed: o.feed,
    clock: o.clock,
    clockFixedBecause: o.clockFixedBecause,

    async start() {
      await seedDemo(o.workspace, chat, deps, o.clock, log);
    },

    advanceClockTo(to) {
      return oneAtATime(async () => {
        if (o.clockFixedBecause) throw new PlaygroundRefusal(409, `The clock cannot be moved: ${o.clockFixedBecause}.`);
        const offset = to.getTime() - o.clock.baseNow().getTime();
        if (offset < o.clock.offsetMs) throw new PlaygroundRefusal(409, 'Time only moves forward here: pick a later time (or reset the demo to go back to now).');
        // Stored first: a restart must never find the clock behind a job it already ran.
        o.clock.offsetMs = await o.workspace.advanceClockOffset(offset);
        const now = o.clock.now();
        await o.scheduler.tick(now);
        log.info({ now, offsetMs: o.clock.offsetMs }, 'playground: clock moved forward');
        o.feed.publish({ type: 'clock', now: now.toISOString() });
        return now;
      });
    },

    reset() {
      return oneAtATime(async () => {
        const realNow = o.clock.baseNow();
        if (!(await o.workspace.wipe(realNow))) {
          throw new PlaygroundRefusal(409, 'The demo product is linked to a real Slack or Teams workspace, so it is not reset.');
        }
        o.clock.offsetMs = 0;
        await o.scheduler.restartFrom(realNow);
        await seedDemo(o.workspace, chat, deps, o.clock, log);
        log.info('playground: demo reset');
        o.feed.publish({ type: 'reset' });
      });
    },

    closeStreams: () => undefined,
  };
  surface.closeStreams = mountPlaygroundRoutes(o.express, surface, { token: o.token, log, metrics: o.metrics });
  return surface;
}
