import { App, AuthorizationError, ExpressReceiver, HTTPModuleFunctions, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Deps } from '../../app/context.js';
import type { SlackConfig } from '../../config.js';
import type { Metrics } from '../../metrics.js';
import type { Db, SqlQuery } from '../../store/database.js';
import { registerAppMention } from './app-mention.js';
import { registerAskShortcut } from './ask-shortcut.js';
import { registerChannelMessages } from './channel-messages.js';
import { registerIntakeTriggers } from './intake-triggers.js';
import { registerAppHome } from './app-home.js';
import { boltLogger } from './bolt-logger.js';
import { BotIdentity } from './bot-identity.js';
import { dropRedeliveries } from './dedupe-retries.js';
import { registerInteractions } from './interactions.js';
import { DeferredCommands } from './deferred-commands.js';
import { registerPoCommand } from './po-command.js';
import { SlackRoutes } from './slack-routes.js';
import { makeWellFormed } from '../well-formed-text.js';

export interface SlackSurface {
  app: App;
  /** `/po ask` questions saved before their ack and run afterwards. */
  deferred: DeferredCommands;
  /** Checks the bot token with Slack: throws ConfigError if Slack refuses it, warns if Slack cannot be reached. */
  checkToken(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** For the outbox and the directory: a client that never retries or queues by itself. */
export function slackClient(config: SlackConfig, log: Logger): WebClient {
  return new WebClient(config.botToken, {
    slackApiUrl: config.apiUrl,
    logger: boltLogger(log),
    logLevel: LogLevel.WARN,
    // The outbox owns retries and honours Retry-After itself; the client must fail fast.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    // Shorter than the outbox lease, so a hung call can never outlive its claim on a message.
    timeout: 10_000,
  });
}

/**
 * The Slack surface: Bolt on POST /slack/events of the shared Express app (or Socket Mode when an
 * app-level token is set). Signatures are verified by Bolt over the raw body, so no body parser may
 * run before it on that route.
 */
export function createSlackSurface(options: {
  config: SlackConfig;
  express: Express;
  deps: Deps;
  db: Db;
  sql: SqlQuery;
  log: Logger;
  metrics: Metrics;
  /** Called when an answer to a deferred command is queued in the outbox. */
  wakeOutbox?: () => void;
}): SlackSurface {
  const { config, log } = options;
  const slackLog = log.child({ platform: 'slack' });
  const clientOptions = { slackApiUrl: config.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true };
  // Bolt's conversation store (context.conversation) is not used, and its in-memory default builds an Error with
  // a stack trace for every request ("Conversation not found").
  const convoStore = false as const;
  const identity = new BotIdentity(slackClient(config, slackLog), config.botToken);
  let app: App;
  if (config.appToken) {
    const receiver = new SocketModeReceiver({ appToken: config.appToken, logger: boltLogger(slackLog) });
    app = new App({ authorize: identity.authorize, receiver, logger: boltLogger(slackLog), clientOptions, convoStore });
  } else {
    const receiver = new ExpressReceiver({
      signingSecret: config.signingSecret!, // required by the config whenever there is no app token
      endpoints: '/slack/events',
      app: options.express,
      // Ack after the listener finished: a command's reply is its ack, and events are acked only once
      // they are safely in the database (Slack redelivers otherwise).
      processBeforeResponse: true,
      // Nothing Slack sends comes near 1 MB; a bigger body is refused before it is read and hashed.
      bodyLimit: 1024 * 1024,
      logger: boltLogger(slackLog),
      // Bolt throws here only before any listener ran (listener errors go to app.error): for a signed body it
      // cannot route, such as an interactivity payload without a user. That is the request's fault: 400, not 500.
      processEventErrorHandler: async (args) => {
        if (args.response.headersSent || args.error instanceof AuthorizationError) return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
        slackLog.warn({ err: args.error }, 'slack: a signed request Bolt could not process; answered 400');
        args.response.writeHead(400);
        args.response.end();
        return true;
      },
    });
    app = new App({ authorize: identity.authorize, receiver, logger: boltLogger(slackLog), clientOptions, convoStore });
  }
  app.error(async (error) => {
    // Bolt acks a request it could not authorize (the bot's identity unknown: Slack's API unreachable) with an
    // empty 200 once this returns, and Slack never sends an acked event again. Thrown on, it is answered 401
    // over HTTP (processEventErrorHandler above): Slack retries events, and a person sees their command fail.
    if (error instanceof AuthorizationError) {
      slackLog.warn({ err: error.original ?? error }, 'slack: could not authorize a request; answered 401');
      throw error;
    }
    slackLog.error({ err: error.original ?? error, code: error.code }, 'slack: unhandled listener error');
  });
  const deferred = new DeferredCommands({
    db: options.db,
    sql: options.sql,
    deps: options.deps,
    log: slackLog.child({ component: 'inbound' }),
    metrics: options.metrics,
    wakeOutbox: options.wakeOutbox ?? (() => {}),
  });
  // Text people wrote may hold characters the database cannot store (see makeWellFormed): gone before anything reads it.
  app.use(async ({ body, next }) => {
    makeWellFormed(body);
    await next();
  });
  const routes = new SlackRoutes();
  registerPoCommand(routes, options.deps, slackLog, options.metrics, deferred);
  registerInteractions(routes, options.deps, slackLog, options.metrics);
  registerAppMention(routes, options.deps, slackLog);
  registerChannelMessages(routes, options.deps, slackLog);
  registerAskShortcut(routes, options.deps, slackLog, options.metrics);
  registerIntakeTriggers(routes, options.deps, slackLog, options.metrics);
  registerAppHome(routes, options.deps, slackLog);
  routes.register(app, [dropRedeliveries(options.db, slackLog)]);

  return {
    app,
    deferred,
    checkToken: () => identity.check(slackLog),
    async start() {
      if (config.appToken) await app.start();
      deferred.start();
    },
    async stop() {
      if (config.appToken) await app.stop();
      await deferred.stop();
    },
  };
}
