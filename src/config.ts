import { z } from 'zod';

/**
 * Every setting po-desk reads, from the environment only (never elsewhere in src/).
 * A wrong value stops the process with one line naming the variable and what it expects.
 */

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const onOff = z.enum(['on', 'off']);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_BOT_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xoxb-'), 'a bot token starting with xoxb-'),
  SLACK_APP_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xapp-'), 'an app-level token starting with xapp-'),
  SLACK_API_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).optional()),
  MICROSOFT_APP_ID: optionalString,
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TENANT_ID: optionalString,
  MICROSOFT_APP_TYPE: optionalString.pipe(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional()),
  TEAMS_AUTH: optionalString.pipe(onOff.optional()),
  PLAYGROUND: optionalString.pipe(onOff.optional()),
  PLAYGROUND_TOKEN: optionalString,
  DATABASE_URL: optionalString.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'a postgresql:// connection URL').optional(),
  ),
  DATA_DIR: z.string().trim().min(1).default('./.data'),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  SCHEDULER_GRACE_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(30),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  // Test-only (NODE_ENV=test): real processes on a simulated clock, for the replicas' reliability suite.
  PODESK_TEST_CLOCK_START: optionalString.pipe(z.iso.datetime({ offset: true, error: 'an ISO 8601 date and time, e.g. 2027-03-07T20:00:00Z' }).optional()),
  PODESK_TEST_CLOCK_REAL_START: optionalString.pipe(z.iso.datetime({ offset: true, error: 'an ISO 8601 date and time, e.g. 2027-03-07T20:00:00Z' }).optional()),
  PODESK_TEST_CLOCK_RATE: z.coerce.number().min(1).max(100_000).optional(),
});

export interface SlackConfig {
  /** Verifies HTTP requests; unused (and optional) in Socket Mode. */
  signingSecret: string | undefined;
  botToken: string;
  appToken: string | undefined;
  apiUrl: string | undefined;
}

export interface TeamsConfig {
  appId: string | undefined;
  appPassword: string | undefined;
  tenantId: string | undefined;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  authOff: boolean;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  logLevel: string;
  slack: SlackConfig | undefined;
  teams: TeamsConfig | undefined;
  playground: { enabled: boolean; token: string | undefined };
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };
  outbox: { maxAttempts: number };
  scheduler: { graceMinutes: number };
  shutdownTimeoutMs: number;
  /** Test-only: the process's clock reads `start` until the real instant `realStart` (default: its start) or a SIGUSR2, then runs `rate` times as fast. */
  testClock?: { start: Date; realStart: Date | undefined; rate: number };
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

type Env = Record<string, string | undefined>;

/** Reads and validates the configuration. Throws ConfigError with a one-line message. */
export function readConfig(rawEnv: Env = process.env): Config {
  // A variable set to blanks is a variable not set: defaults apply, as they would if it were absent.
  const env = Object.fromEntries(Object.entries(rawEnv).map(([k, v]) => [k, v?.trim() === '' ? undefined : v]));
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    const value = env[name];
    throw new ConfigError(
      `${name}: expected ${describeExpectation(issue)}${value === undefined || isSecret(name) ? '' : `, got ${JSON.stringify(value)}`} (from the environment)`,
    );
  }
  const e = parsed.data;
  const fail = (name: string, expected: string) => {
    throw new ConfigError(`${name}: ${expected} (from the environment)`);
  };

  let slack: SlackConfig | undefined;
  if (e.SLACK_SIGNING_SECRET || e.SLACK_BOT_TOKEN || e.SLACK_APP_TOKEN) {
    if (!e.SLACK_BOT_TOKEN) fail('SLACK_BOT_TOKEN', 'required to enable Slack (OAuth & Permissions → Bot User OAuth Token, xoxb-…)');
    // Socket Mode (an app-level token) receives no HTTP requests, so it has nothing to verify.
    if (!e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN) {
      fail('SLACK_SIGNING_SECRET', 'required when SLACK_BOT_TOKEN is set (Basic Information → Signing Secret), unless SLACK_APP_TOKEN selects Socket Mode');
    }
    slack = { signingSecret: e.SLACK_SIGNING_SECRET, botToken: e.SLACK_BOT_TOKEN!, appToken: e.SLACK_APP_TOKEN, apiUrl: e.SLACK_API_URL };
  }

  let teams: TeamsConfig | undefined;
  const appType = e.MICROSOFT_APP_TYPE ?? 'MultiTenant';
  if (e.MICROSOFT_APP_ID || e.MICROSOFT_APP_PASSWORD) {
    if (!e.MICROSOFT_APP_ID) fail('MICROSOFT_APP_ID', 'required when MICROSOFT_APP_PASSWORD is set');
    if (!e.MICROSOFT_APP_PASSWORD && appType !== 'UserAssignedMSI') fail('MICROSOFT_APP_PASSWORD', 'required when MICROSOFT_APP_ID is set');
    if (appType === 'SingleTenant' && !e.MICROSOFT_APP_TENANT_ID) fail('MICROSOFT_APP_TENANT_ID', 'required when MICROSOFT_APP_TYPE is SingleTenant');
    teams = { appId: e.MICROSOFT_APP_ID, appPassword: e.MICROSOFT_APP_PASSWORD, tenantId: e.MICROSOFT_APP_TENANT_ID, appType, authOff: false };
  } else if (e.TEAMS_AUTH === 'off') {
    if (e.NODE_ENV === 'production') fail('TEAMS_AUTH', '"off" is refused when NODE_ENV=production: set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD');
    teams = { appId: undefined, appPassword: undefined, tenantId: undefined, appType, authOff: true };
  }

  const anyChat = slack !== undefined || (teams !== undefined && !teams.authOff);
  const playgroundEnabled = e.PLAYGROUND ? e.PLAYGROUND === 'on' : !anyChat && e.NODE_ENV !== 'production';
  if (playgroundEnabled && e.NODE_ENV === 'production' && !e.PLAYGROUND_TOKEN) {
    fail('PLAYGROUND_TOKEN', 'required when PLAYGROUND=on in production (the playground would be open to anyone)');
  }

  let testClock: Config['testClock'];
  if (e.PODESK_TEST_CLOCK_START || e.PODESK_TEST_CLOCK_REAL_START || e.PODESK_TEST_CLOCK_RATE !== undefined) {
    const name = ['PODESK_TEST_CLOCK_START', 'PODESK_TEST_CLOCK_REAL_START', 'PODESK_TEST_CLOCK_RATE'].find((n) => env[n] !== undefined)!;
    if (e.NODE_ENV !== 'test') fail(name, 'a test-only setting, refused unless NODE_ENV=test');
    if (!e.PODESK_TEST_CLOCK_START) fail('PODESK_TEST_CLOCK_START', 'required with PODESK_TEST_CLOCK_REAL_START or PODESK_TEST_CLOCK_RATE');
    testClock = {
      start: new Date(e.PODESK_TEST_CLOCK_START!),
      realStart: e.PODESK_TEST_CLOCK_REAL_START ? new Date(e.PODESK_TEST_CLOCK_REAL_START) : undefined,
      rate: e.PODESK_TEST_CLOCK_RATE ?? 1,
    };
  }

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    slack,
    teams,
    playground: { enabled: playgroundEnabled, token: e.PLAYGROUND_TOKEN },
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL } : { kind: 'pglite', dataDir: e.DATA_DIR },
    outbox: { maxAttempts: e.OUTBOX_MAX_ATTEMPTS },
    scheduler: { graceMinutes: e.SCHEDULER_GRACE_MINUTES },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    ...(testClock ? { testClock } : {}),
  };
}

// URLs may carry credentials (user:password@host), so their values are never echoed either.
const SECRET = /SECRET|TOKEN|PASSWORD|URL/;
const isSecret = (name: string) => SECRET.test(name);

function describeExpectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_type':
      if (issue.expected === 'int') return 'a whole number';
      return issue.expected === 'number' ? 'a number' : `a ${issue.expected}`;
    case 'too_small':
      return `a number of at least ${String(issue.minimum)}`;
    case 'too_big':
      return `a number of at most ${String(issue.maximum)}`;
    default:
      return issue.message.replace(/^Invalid (input|string): ?/i, '') || 'a valid value';
  }
}

/** Which surfaces are on, and what to set to turn the others on: logged at every start. */
export function describeSurfaces(config: Config, port: number): string[] {
  const lines: string[] = [];
  if (config.slack) {
    lines.push(config.slack.appToken ? 'Slack: on (Socket Mode)' : 'Slack: on (HTTP, POST /slack/events)');
  } else {
    lines.push('Slack: off — set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN to enable it');
  }
  if (config.teams?.authOff) {
    lines.push('Teams: on at POST /api/messages without authentication (TEAMS_AUTH=off, local testing only)');
  } else if (config.teams) {
    lines.push(`Teams: on at POST /api/messages (app ${config.teams.appId}, ${config.teams.appType})`);
  } else {
    lines.push('Teams: off — set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD to enable it');
  }
  if (!config.playground.enabled) {
    lines.push('Playground: off — set PLAYGROUND=on to try po-desk in a browser');
  } else {
    const url = `http://localhost:${port}/`;
    lines.push(
      config.playground.token
        ? `Playground: open ${url}?token=<PLAYGROUND_TOKEN> in your browser`
        : `Playground: open ${url} in your browser to try po-desk without Slack or Teams`,
    );
  }
  return lines;
}
