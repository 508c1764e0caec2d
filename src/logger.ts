import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

/** Structured logs. Secrets are redacted wherever they might appear in a logged object. */
export function createLogger(level: string, destination?: pino.DestinationStream, pretty = false): Logger {
  return pino(
    {
      level,
      base: { service: 'po-desk' },
      redact: {
        paths: [
          'token', '*.token', 'botToken', '*.botToken', 'appToken', '*.appToken',
          'signingSecret', '*.signingSecret', 'password', '*.password', 'appPassword', '*.appPassword',
          'headers.authorization', '*.headers.authorization', 'headers["x-slack-signature"]',
          // HTTP clients (fetch, axios) spell it with a capital A; an axios error carries it in err.original.config.
          'headers.Authorization', '*.headers.Authorization', 'err.original.config.headers.Authorization',
          'config.slack', 'config.teams', 'config.database.url', 'config.playground.token', 'database.url', 'databaseUrl', 'url',
        ],
        censor: '[redacted]',
      },
    },
    // Pretty lines are formatted on the main thread: pino.transport() would start a worker thread, a
    // second V8 isolate costing ~12 MB of RSS, for a terminal's few lines a second.
    destination ?? (pretty ? pinoPretty({ translateTime: 'HH:MM:ss', ignore: 'pid,hostname,service', sync: true }) : undefined),
  );
}

export type { Logger };
