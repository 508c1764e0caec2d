import { describe, expect, it } from 'vitest';

import { ConfigError, describeSurfaces, readConfig, type Config } from '../src/config.js';

type Env = Record<string, string | undefined>;

const SLACK: Env = { SLACK_SIGNING_SECRET: 'sign-s3cr3t', SLACK_BOT_TOKEN: 'xoxb-bot-s3cr3t' };
const TEAMS: Env = { MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'teams-pa55word' };

/** Runs readConfig and returns the ConfigError it throws; fails the test if it does not throw one. */
function configError(env: Env): ConfigError {
  try {
    readConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.code).toBe('CONFIG_INVALID');
    return e;
  }
  throw new Error(`readConfig accepted ${JSON.stringify(env)}`);
}

/** The shape every configuration error must have: one line, starting with the variable name. */
function expectConfigMessage(env: Env, name: string, expected: RegExp | string, secrets: string[] = []): string {
  const { message } = configError(env);
  expect(message.startsWith(`${name}: `)).toBe(true);
  expect(message).not.toMatch(/[\r\n\u2028\u2029]/);
  if (typeof expected === 'string') expect(message).toContain(expected);
  else expect(message).toMatch(expected);
  for (const secret of secrets) expect(message).not.toContain(secret);
  return message;
}

describe('readConfig defaults', () => {
  it('runs with an empty environment: port 3000, PGlite in ./.data, playground on, no chat surface', () => {
    const config = readConfig({});
    expect(config).toEqual<Config>({
      env: 'development',
      port: 3000,
      logLevel: 'info',
      slack: undefined,
      teams: undefined,
      playground: { enabled: true, token: undefined },
      database: { kind: 'pglite', dataDir: './.data' },
      outbox: { maxAttempts: 8 },
      scheduler: { graceMinutes: 30 },
      shutdownTimeoutMs: 10_000,
    });
  });

  it('reads numbers, levels and directories from the environment', () => {
    const config = readConfig({
      NODE_ENV: 'test',
      PORT: '8080',
      LOG_LEVEL: 'debug',
      DATA_DIR: '  /var/lib/po-desk  ',
      OUTBOX_MAX_ATTEMPTS: '3',
      SCHEDULER_GRACE_MINUTES: '0',
      SHUTDOWN_TIMEOUT_MS: '2500',
    });
    expect(config.env).toBe('test');
    expect(config.port).toBe(8080);
    expect(config.logLevel).toBe('debug');
    expect(config.database).toEqual({ kind: 'pglite', dataDir: '/var/lib/po-desk' });
    expect(config.outbox.maxAttempts).toBe(3);
    expect(config.scheduler.graceMinutes).toBe(0);
    expect(config.shutdownTimeoutMs).toBe(2500);
  });

  it('turns the playground off by default in production', () => {
    expect(readConfig({ NODE_ENV: 'production' }).playground.enabled).toBe(false);
  });

  it('turns the playground off by default once a chat surface is configured', () => {
    expect(readConfig(SLACK).playground.enabled).toBe(false);
    expect(readConfig(TEAMS).playground.enabled).toBe(false);
  });

  it('keeps the playground on by default when Teams runs without authentication (development only)', () => {
    const config = readConfig({ TEAMS_AUTH: 'off' });
    expect(config.teams).toMatchObject({ authOff: true, appId: undefined, appPassword: undefined });
    expect(config.playground.enabled).toBe(true);
  });

  it('honours an explicit PLAYGROUND=off or PLAYGROUND=on', () => {
    expect(readConfig({ PLAYGROUND: 'off' }).playground.enabled).toBe(false);
    expect(readConfig({ ...SLACK, PLAYGROUND: 'on' }).playground.enabled).toBe(true);
    expect(readConfig({ NODE_ENV: 'production', PLAYGROUND: 'on', PLAYGROUND_TOKEN: 'pg-t0ken' }).playground).toEqual({
      enabled: true,
      token: 'pg-t0ken',
    });
  });
});

describe('readConfig: Slack', () => {
  it('builds the Slack config from the signing secret and the bot token', () => {
    expect(readConfig(SLACK).slack).toEqual({
      signingSecret: 'sign-s3cr3t',
      botToken: 'xoxb-bot-s3cr3t',
      appToken: undefined,
      apiUrl: undefined,
    });
  });

  it('takes an app token (Socket Mode) and an API URL', () => {
    const config = readConfig({ ...SLACK, SLACK_APP_TOKEN: 'xapp-1-app', SLACK_API_URL: 'http://localhost:9999/api/' });
    expect(config.slack?.appToken).toBe('xapp-1-app');
    expect(config.slack?.apiUrl).toBe('http://localhost:9999/api/');
  });

  it('trims surrounding whitespace from tokens', () => {
    expect(readConfig({ SLACK_SIGNING_SECRET: ' sign ', SLACK_BOT_TOKEN: '\txoxb-1\n' }).slack).toMatchObject({
      signingSecret: 'sign',
      botToken: 'xoxb-1',
    });
  });

  it('refuses a bot token without the xoxb- prefix, without echoing it', () => {
    expectConfigMessage({ ...SLACK, SLACK_BOT_TOKEN: 'abc-secret' }, 'SLACK_BOT_TOKEN', /expected .*xoxb-/, ['abc-secret']);
  });

  it('refuses an app token without the xapp- prefix, without echoing it', () => {
    expectConfigMessage({ ...SLACK, SLACK_APP_TOKEN: 'xoxb-wrong-kind' }, 'SLACK_APP_TOKEN', /expected .*xapp-/, ['xoxb-wrong-kind']);
  });

  it('refuses a signing secret without a bot token', () => {
    expectConfigMessage({ SLACK_SIGNING_SECRET: 'sign-s3cr3t' }, 'SLACK_BOT_TOKEN', 'required to enable Slack', ['sign-s3cr3t']);
  });

  it('refuses a bot token without a signing secret', () => {
    expectConfigMessage({ SLACK_BOT_TOKEN: 'xoxb-bot-s3cr3t' }, 'SLACK_SIGNING_SECRET', 'required when SLACK_BOT_TOKEN', ['xoxb-bot-s3cr3t']);
  });

  it('refuses an app token on its own', () => {
    expectConfigMessage({ SLACK_APP_TOKEN: 'xapp-1-app' }, 'SLACK_BOT_TOKEN', 'required to enable Slack', ['xapp-1-app']);
  });

  it('needs no signing secret in Socket Mode, which receives no HTTP requests', () => {
    const config = readConfig({ SLACK_BOT_TOKEN: 'xoxb-bot', SLACK_APP_TOKEN: 'xapp-1-app' });
    expect(config.slack).toMatchObject({ botToken: 'xoxb-bot', appToken: 'xapp-1-app', signingSecret: undefined });
  });

  it('refuses an API URL that is not http(s)', () => {
    expectConfigMessage({ ...SLACK, SLACK_API_URL: 'ftp://slack.example' }, 'SLACK_API_URL', 'expected an http(s) URL');
    expectConfigMessage({ ...SLACK, SLACK_API_URL: 'not a url' }, 'SLACK_API_URL', 'expected an http(s) URL');
  });

  it('does not echo credentials embedded in a bad SLACK_API_URL', () => {
    expectConfigMessage({ ...SLACK, SLACK_API_URL: 'ftp://user:pw-s3cr3t@slack.example' }, 'SLACK_API_URL', 'http(s)', ['pw-s3cr3t']);
  });
});

describe('readConfig: Teams', () => {
  it('builds the Teams config from an app id and password, MultiTenant by default', () => {
    expect(readConfig(TEAMS).teams).toEqual({
      appId: TEAMS.MICROSOFT_APP_ID,
      appPassword: 'teams-pa55word',
      tenantId: undefined,
      appType: 'MultiTenant',
      authOff: false,
    });
  });

  it('refuses an app id without a password', () => {
    expectConfigMessage({ MICROSOFT_APP_ID: 'app-id' }, 'MICROSOFT_APP_PASSWORD', 'required when MICROSOFT_APP_ID is set');
  });

  it('refuses a password without an app id, without echoing it', () => {
    expectConfigMessage({ MICROSOFT_APP_PASSWORD: 'teams-pa55word' }, 'MICROSOFT_APP_ID', 'required when MICROSOFT_APP_PASSWORD is set', [
      'teams-pa55word',
    ]);
  });

  it('accepts a user-assigned managed identity without a password', () => {
    expect(readConfig({ MICROSOFT_APP_ID: 'app-id', MICROSOFT_APP_TYPE: 'UserAssignedMSI' }).teams).toMatchObject({
      appType: 'UserAssignedMSI',
      appPassword: undefined,
    });
  });

  it('refuses SingleTenant without a tenant id, and accepts it with one', () => {
    expectConfigMessage({ ...TEAMS, MICROSOFT_APP_TYPE: 'SingleTenant' }, 'MICROSOFT_APP_TENANT_ID', 'required when MICROSOFT_APP_TYPE is SingleTenant', [
      'teams-pa55word',
    ]);
    expect(readConfig({ ...TEAMS, MICROSOFT_APP_TYPE: 'SingleTenant', MICROSOFT_APP_TENANT_ID: 'tenant-1' }).teams).toMatchObject({
      appType: 'SingleTenant',
      tenantId: 'tenant-1',
    });
  });

  it('refuses an unknown app type, listing the accepted ones', () => {
    expectConfigMessage({ ...TEAMS, MICROSOFT_APP_TYPE: 'Foo' }, 'MICROSOFT_APP_TYPE', '"MultiTenant", "SingleTenant", "UserAssignedMSI"', ['teams-pa55word']);
  });

  it('refuses TEAMS_AUTH=off in production', () => {
    expectConfigMessage({ NODE_ENV: 'production', TEAMS_AUTH: 'off' }, 'TEAMS_AUTH', 'refused when NODE_ENV=production');
  });

  it('refuses a TEAMS_AUTH that is neither on nor off', () => {
    expectConfigMessage({ TEAMS_AUTH: 'disabled' }, 'TEAMS_AUTH', 'expected one of "on", "off"');
  });
});

describe('readConfig: playground', () => {
  it('refuses PLAYGROUND=on in production without PLAYGROUND_TOKEN', () => {
    expectConfigMessage({ NODE_ENV: 'production', PLAYGROUND: 'on' }, 'PLAYGROUND_TOKEN', 'required when PLAYGROUND=on in production');
  });

  it('refuses a PLAYGROUND that is neither on nor off', () => {
    expectConfigMessage({ PLAYGROUND: 'yes' }, 'PLAYGROUND', 'expected one of "on", "off"');
  });
});

describe('readConfig: database', () => {
  it('selects PostgreSQL when DATABASE_URL is set, for both URL schemes', () => {
    expect(readConfig({ DATABASE_URL: 'postgres://u:p@db:5432/po' }).database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/po' });
    expect(readConfig({ DATABASE_URL: ' postgresql://db/po ', DATA_DIR: '/ignored' }).database).toEqual({
      kind: 'postgres',
      url: 'postgresql://db/po',
    });
  });

  it('refuses a non-PostgreSQL URL without leaking its password', () => {
    expectConfigMessage({ DATABASE_URL: 'mysql://user:pw@x' }, 'DATABASE_URL', 'expected a postgresql:// connection URL', ['pw', 'mysql://']);
  });
});

describe('readConfig: numbers and enums', () => {
  it('accepts the ends of the port range', () => {
    expect(readConfig({ PORT: '0' }).port).toBe(0);
    expect(readConfig({ PORT: '65535' }).port).toBe(65535);
  });

  it('refuses ports out of range, naming the bound', () => {
    expectConfigMessage({ PORT: '65536' }, 'PORT', 'expected a number of at most 65535, got "65536"');
    expectConfigMessage({ PORT: '-1' }, 'PORT', 'expected a number of at least 0, got "-1"');
  });

  it('refuses a port that is not a number', () => {
    expectConfigMessage({ PORT: 'abc' }, 'PORT', 'expected a number, got "abc"');
  });

  it('refuses a fractional port', () => {
    expectConfigMessage({ PORT: '3000.5' }, 'PORT', /expected .*, got "3000\.5"/);
  });

  it('says "an integer" (not "a int") for a fractional port', () => {
    expectConfigMessage({ PORT: '3000.5' }, 'PORT', /expected (an integer|a whole number)/);
  });

  it('refuses an unknown NODE_ENV and LOG_LEVEL, listing the accepted values', () => {
    expectConfigMessage({ NODE_ENV: 'staging' }, 'NODE_ENV', 'expected one of "development", "production", "test", got "staging"');
    expectConfigMessage({ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL', /expected one of .*"info".*got "verbose"/);
  });

  it('refuses out-of-range outbox and scheduler settings', () => {
    expectConfigMessage({ OUTBOX_MAX_ATTEMPTS: '0' }, 'OUTBOX_MAX_ATTEMPTS', 'at least 1');
    expectConfigMessage({ OUTBOX_MAX_ATTEMPTS: '101' }, 'OUTBOX_MAX_ATTEMPTS', 'at most 100');
    expectConfigMessage({ SCHEDULER_GRACE_MINUTES: '1441' }, 'SCHEDULER_GRACE_MINUTES', 'at most 1440');
    expectConfigMessage({ SHUTDOWN_TIMEOUT_MS: '-5' }, 'SHUTDOWN_TIMEOUT_MS', 'at least 0');
  });

  it('reports the first bad variable when several are wrong', () => {
    const { message } = configError({ PORT: 'abc', LOG_LEVEL: 'verbose' });
    expect(message.startsWith('PORT: ')).toBe(true);
  });

  it('keeps the message on one line when the bad value contains a newline', () => {
    expectConfigMessage({ NODE_ENV: 'prod\nuction' }, 'NODE_ENV', 'expected one of');
  });
});

describe('readConfig: whitespace-only values count as unset', () => {
  it('for the optional settings', () => {
    const config = readConfig({
      SLACK_SIGNING_SECRET: '  ',
      SLACK_BOT_TOKEN: '',
      SLACK_APP_TOKEN: '\t',
      SLACK_API_URL: ' ',
      MICROSOFT_APP_ID: ' ',
      MICROSOFT_APP_PASSWORD: '\n',
      MICROSOFT_APP_TYPE: ' ',
      TEAMS_AUTH: ' ',
      PLAYGROUND: ' ',
      PLAYGROUND_TOKEN: ' ',
      DATABASE_URL: '   ',
    });
    expect(config.slack).toBeUndefined();
    expect(config.teams).toBeUndefined();
    expect(config.playground).toEqual({ enabled: true, token: undefined });
    expect(config.database).toEqual({ kind: 'pglite', dataDir: './.data' });
  });

  it('does not let a blank bot token satisfy the Slack pair', () => {
    expectConfigMessage({ SLACK_SIGNING_SECRET: 'sign', SLACK_BOT_TOKEN: '   ' }, 'SLACK_BOT_TOKEN', 'required');
  });

  it('does not let a blank PLAYGROUND_TOKEN satisfy production', () => {
    expectConfigMessage({ NODE_ENV: 'production', PLAYGROUND: 'on', PLAYGROUND_TOKEN: '  ' }, 'PLAYGROUND_TOKEN', 'required');
  });

  it('a blank PORT falls back to 3000', () => {
    expect(readConfig({ PORT: '' }).port).toBe(3000);
    expect(readConfig({ PORT: '  ' }).port).toBe(3000);
  });

  it('blank numeric settings fall back to their defaults', () => {
    const config = readConfig({ OUTBOX_MAX_ATTEMPTS: ' ', SCHEDULER_GRACE_MINUTES: ' ', SHUTDOWN_TIMEOUT_MS: ' ' });
    expect(config.outbox.maxAttempts).toBe(8);
    expect(config.scheduler.graceMinutes).toBe(30);
    expect(config.shutdownTimeoutMs).toBe(10_000);
  });

  it('blank NODE_ENV and LOG_LEVEL fall back to development / info', () => {
    const config = readConfig({ NODE_ENV: ' ', LOG_LEVEL: '' });
    expect(config.env).toBe('development');
    expect(config.logLevel).toBe('info');
  });

  it('a blank DATA_DIR falls back to ./.data', () => {
    expect(readConfig({ DATA_DIR: '  ' }).database).toEqual({ kind: 'pglite', dataDir: './.data' });
  });
});

describe('describeSurfaces', () => {
  it('says how to turn everything on with an empty environment', () => {
    expect(describeSurfaces(readConfig({}), 3000)).toEqual([
      'Slack: off — set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN to enable it',
      'Teams: off — set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD to enable it',
      'Playground: open http://localhost:3000/ in your browser to try po-desk without Slack or Teams',
    ]);
  });

  it('names the playground URL and says a token is needed, without printing it', () => {
    const lines = describeSurfaces(readConfig({ NODE_ENV: 'production', PLAYGROUND: 'on', PLAYGROUND_TOKEN: 'pg-s3cr3t' }), 8080);
    expect(lines[2]).toBe('Playground: open http://localhost:8080/?token=<PLAYGROUND_TOKEN> in your browser');
  });

  it('tells HTTP mode from Socket Mode for Slack', () => {
    expect(describeSurfaces(readConfig(SLACK), 3000)[0]).toBe('Slack: on (HTTP, POST /slack/events)');
    expect(describeSurfaces(readConfig({ ...SLACK, SLACK_APP_TOKEN: 'xapp-1' }), 3000)[0]).toBe('Slack: on (Socket Mode)');
  });

  it('says Teams is on with credentials, and whether authentication is off', () => {
    const lines = describeSurfaces(readConfig(TEAMS), 3000);
    expect(lines[1]).toBe('Teams: on at POST /api/messages (app 00000000-0000-0000-0000-000000000001, MultiTenant)');
    expect(describeSurfaces(readConfig({ TEAMS_AUTH: 'off' }), 3000)[1]).toBe('Teams: on at POST /api/messages without authentication (TEAMS_AUTH=off, local testing only)');
    expect(lines[2]).toBe('Playground: off — set PLAYGROUND=on to try po-desk in a browser');
  });

  it('never includes secret values', () => {
    const text = describeSurfaces(readConfig({ ...SLACK, ...TEAMS, SLACK_APP_TOKEN: 'xapp-app-s3cr3t', PLAYGROUND: 'on', PLAYGROUND_TOKEN: 'pg-s3cr3t' }), 3000).join('\n');
    for (const secret of ['sign-s3cr3t', 'xoxb-bot-s3cr3t', 'teams-pa55word', 'xapp-app-s3cr3t', 'pg-s3cr3t']) expect(text).not.toContain(secret);
  });
});

describe('readConfig: the test clock', () => {
  it('is off unless set, and reads its start, real start and rate', () => {
    expect(readConfig({}).testClock).toBeUndefined();
    expect(readConfig({ NODE_ENV: 'test', PODESK_TEST_CLOCK_START: '2027-03-07T20:00:00Z' }).testClock).toEqual({ start: new Date('2027-03-07T20:00:00Z'), realStart: undefined, rate: 1 });
    expect(
      readConfig({ NODE_ENV: 'test', PODESK_TEST_CLOCK_START: '2027-03-07T21:00:00+01:00', PODESK_TEST_CLOCK_REAL_START: '2026-12-05T21:00:00.123Z', PODESK_TEST_CLOCK_RATE: '7200' }).testClock,
    ).toEqual({ start: new Date('2027-03-07T20:00:00Z'), realStart: new Date('2026-12-05T21:00:00.123Z'), rate: 7200 });
  });

  it('is refused outside NODE_ENV=test', () => {
    expectConfigMessage({ PODESK_TEST_CLOCK_START: '2027-03-07T20:00:00Z' }, 'PODESK_TEST_CLOCK_START', 'a test-only setting, refused unless NODE_ENV=test');
    expectConfigMessage({ NODE_ENV: 'production', PODESK_TEST_CLOCK_RATE: '60' }, 'PODESK_TEST_CLOCK_RATE', 'refused unless NODE_ENV=test');
  });

  it('needs a start, a valid instant and a rate from 1 to 100000', () => {
    expectConfigMessage({ NODE_ENV: 'test', PODESK_TEST_CLOCK_RATE: '60' }, 'PODESK_TEST_CLOCK_START', 'required with PODESK_TEST_CLOCK_REAL_START or PODESK_TEST_CLOCK_RATE');
    expectConfigMessage({ NODE_ENV: 'test', PODESK_TEST_CLOCK_START: 'monday' }, 'PODESK_TEST_CLOCK_START', 'expected an ISO 8601 date and time');
    const base = { NODE_ENV: 'test', PODESK_TEST_CLOCK_START: '2027-03-07T20:00:00Z' };
    expectConfigMessage({ ...base, PODESK_TEST_CLOCK_RATE: '0' }, 'PODESK_TEST_CLOCK_RATE', 'at least 1');
    expectConfigMessage({ ...base, PODESK_TEST_CLOCK_RATE: '100001' }, 'PODESK_TEST_CLOCK_RATE', 'at most 100000');
    expectConfigMessage({ ...base, PODESK_TEST_CLOCK_RATE: 'fast' }, 'PODESK_TEST_CLOCK_RATE', 'expected a number');
  });
});
