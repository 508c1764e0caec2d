import pino, { type Logger } from 'pino';

/** Structured logs. Secrets are redacted wherever they might appear in a logged object. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'po-desk' },
      redact: {
        paths: [
          'token', '*.token', 'botToken', '*.botToken', 'appToken', '*.appToken',
          'signingSecret', '*.signingSecret', 'password', '*.password', 'appPassword', '*.appPassword',
          'headers.authorization', '*.headers.authorization', 'headers["x-slack-signature"]',
          'config.slack', 'config.teams', 'config.database.url', 'databaseUrl', 'url',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

export type { Logger };
