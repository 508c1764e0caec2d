import { CloudAdapter } from 'botbuilder';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Deps } from '../../app/context.js';
import type { TeamsConfig } from '../../config.js';
import { isRecord } from '../../messages/render-common.js';
import type { Metrics } from '../../metrics.js';
import type { Db } from '../../store/database.js';
import type { TeamsConversations } from '../../store/teams-conversations.js';
import type { BotConnector } from './bot-connector.js';
import type { TeamsAuth } from './teams-auth.js';
import { makeWellFormed } from '../well-formed-text.js';
import { handleTurn } from './teams-turn.js';

const TEAMS_ENDPOINT = '/api/messages';

/**
 * The Teams surface: botbuilder's CloudAdapter on POST /api/messages of the shared Express app. The
 * adapter authenticates every activity (Bot Framework JWT) unless TEAMS_AUTH=off; po-desk's own
 * code then maps it to the use cases.
 */
export function createTeamsSurface(options: {
  config: TeamsConfig;
  express: Express;
  deps: Deps;
  db: Db;
  conversations: TeamsConversations;
  log: Logger;
  metrics: Metrics;
  auth: TeamsAuth;
  connector: BotConnector;
}): void {
  const { config, connector } = options;
  const log = options.log.child({ platform: 'teams' });
  const adapter = new CloudAdapter(options.auth.authentication);
  const turnDeps = { deps: options.deps, db: options.db, connector, conversations: options.conversations, log, metrics: options.metrics };

  options.express.post(
    TEAMS_ENDPOINT,
    express.json({ limit: '1mb' }),
    async (req: Request, res: Response) => {
      const body = req.body as { type?: unknown } | undefined;
      if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof body.type !== 'string') {
        res.status(400).json({ error: 'Expected a Bot Framework activity (a JSON object with a "type").' });
        return;
      }
      const problem = activityShapeProblem(body as Record<string, unknown>);
      if (problem) {
        res.status(400).json({ error: `Malformed activity: ${problem}.` });
        return;
      }
      // Text people wrote may hold a NUL or half a surrogate pair; neither can be stored, so neither stays.
      makeWellFormed(body);
      // Refuse requests without any token before botbuilder logs a stack trace for each of them.
      if (!config.authOff && !/^Bearer \S+$/i.test(req.headers.authorization ?? '')) {
        res.status(401).json({ error: 'A Bot Framework token is required.' });
        return;
      }
      try {
        await adapter.process(req, res, (turn) => handleTurn(turn, turnDeps));
      } catch (error) {
        // botbuilder rejects malformed activities by throwing before it answers.
        if (!res.headersSent) res.status(400).json({ error: 'Malformed activity.' });
        log.warn({ err: error }, 'teams: malformed activity refused');
      }
    },
    (error: unknown, _req: Request, res: Response, next: NextFunction) => {
      // express.json's errors: malformed JSON (400) or a body over the limit (413).
      const status = (error as { status?: number }).status;
      if (status === 400 || status === 413) {
        res.status(status).json({ error: status === 413 ? 'Activity too large.' : 'Malformed JSON.' });
        return;
      }
      next(error);
    },
  );
}

const withStringId = (v: unknown) => isRecord(v) && typeof v.id === 'string';

/**
 * What botbuilder and the turn handler take for granted about an activity, checked before either reads
 * it: a field of the wrong type is the sender's mistake (400), not ours (500). Also before botbuilder's
 * token checks, some of which read `channelId` before they look at the audience.
 */
export function activityShapeProblem(a: Record<string, unknown>): string | undefined {
  if (typeof a.channelId !== 'string' || a.channelId.trim() === '') return 'no channelId';
  if (typeof a.serviceUrl !== 'string' || a.serviceUrl.trim() === '') return 'no serviceUrl';
  if (!withStringId(a.from)) return 'no from.id';
  if (!withStringId(a.recipient)) return 'no recipient.id';
  if (!withStringId(a.conversation)) return 'no conversation.id';
  if (a.text !== undefined && a.text !== null && typeof a.text !== 'string') return 'text is not a string';
  if (a.name !== undefined && a.name !== null && typeof a.name !== 'string') return 'name is not a string';
  if (a.entities !== undefined && a.entities !== null && !(Array.isArray(a.entities) && a.entities.every(isRecord))) return 'entities is not a list of objects';
  return undefined;
}

