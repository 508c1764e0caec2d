import { describe, expect, it } from 'vitest';

import { createLogger } from '../src/logger.js';

/** A logger writing JSON lines to memory. */
function memoryLogger(level = 'info') {
  const chunks: string[] = [];
  const log = createLogger(level, { write: (s: string) => void chunks.push(s) });
  const output = () => chunks.join('');
  const records = () =>
    output()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, output, records };
}

const SECRET = 's3cr3t-value';

describe('createLogger', () => {
  it('writes JSON lines with the level, the service name and the message', () => {
    const { log, records } = memoryLogger();
    log.info({ port: 3000 }, 'listening');
    expect(records()).toEqual([expect.objectContaining({ level: 30, service: 'po-desk', port: 3000, msg: 'listening' })]);
  });

  it('respects the level', () => {
    const { log, records } = memoryLogger('warn');
    log.info('quiet');
    log.warn('loud');
    expect(records().map((r) => r.msg)).toEqual(['loud']);
  });
});

describe('createLogger redaction', () => {
  it('redacts a top-level token', () => {
    const { log, output, records } = memoryLogger();
    log.info({ token: 'xoxb-secret', team: 'T1' }, 'x');
    expect(output()).not.toContain('xoxb-secret');
    expect(records()[0]).toMatchObject({ token: '[redacted]', team: 'T1' });
  });

  it('redacts the Slack config inside a logged config', () => {
    const { log, output } = memoryLogger();
    log.info({ config: { slack: { botToken: 'xoxb-secret', signingSecret: SECRET }, port: 3000 } }, 'x');
    expect(output()).not.toContain('xoxb-secret');
    expect(output()).not.toContain(SECRET);
    expect(output()).toContain('3000');
  });

  it('redacts the authorization header, at the top and one level down', () => {
    const { log, output } = memoryLogger();
    log.info({ headers: { authorization: 'Bearer secret', accept: 'json' } }, 'x');
    log.info({ req: { headers: { authorization: 'Bearer secret' } } }, 'x');
    expect(output()).not.toContain('Bearer secret');
    expect(output()).toContain('json');
  });

  it('redacts the Slack signature header', () => {
    const { log, output } = memoryLogger();
    log.info({ headers: { 'x-slack-signature': `v0=${SECRET}` } }, 'x');
    expect(output()).not.toContain(SECRET);
  });

  it('redacts credentials one level down, as when a component logs its options', () => {
    const { log, output } = memoryLogger();
    log.info(
      {
        slack: { botToken: 'xoxb-secret', appToken: 'xapp-secret', signingSecret: SECRET },
        teams: { appPassword: 'teams-secret' },
        db: { password: 'pg-secret' },
        body: { token: 'verification-secret' },
      },
      'x',
    );
    for (const s of ['xoxb-secret', 'xapp-secret', SECRET, 'teams-secret', 'pg-secret', 'verification-secret']) expect(output()).not.toContain(s);
  });

  it('redacts the Teams config and the database URL inside a logged config', () => {
    const { log, output } = memoryLogger();
    log.info({ config: { teams: { appPassword: 'teams-secret' }, database: { kind: 'postgres', url: 'postgres://u:pg-secret@db/po' } } }, 'x');
    expect(output()).not.toContain('teams-secret');
    expect(output()).not.toContain('pg-secret');
  });

  it('redacts the playground token inside a logged config', () => {
    const { log, output } = memoryLogger();
    log.info({ config: { playground: { enabled: true, token: 'pg-token-secret' } } }, 'x');
    expect(output()).not.toContain('pg-token-secret');
  });

  it('redacts the secrets of a Config object logged as the merge object', () => {
    const { log, output } = memoryLogger();
    log.info(
      {
        slack: { signingSecret: SECRET, botToken: 'xoxb-secret' },
        playground: { enabled: true, token: 'pg-token-secret' },
        database: { kind: 'postgres', url: 'postgres://u:pg-secret@db/po' },
      },
      'config',
    );
    for (const s of [SECRET, 'xoxb-secret', 'pg-token-secret', 'pg-secret']) expect(output()).not.toContain(s);
  });

  it('redacts database URLs', () => {
    const { log, output } = memoryLogger();
    log.info({ databaseUrl: 'postgres://u:pg-secret@db/po' }, 'x');
    log.info({ url: 'postgres://u:pg-secret@db/po' }, 'x');
    expect(output()).not.toContain('pg-secret');
  });

  it('redacts an Authorization header spelled with a capital A (fetch/axios style)', () => {
    const { log, output } = memoryLogger();
    log.info({ headers: { Authorization: 'Bearer xoxb-secret' } }, 'x');
    log.info({ request: { headers: { Authorization: 'Bearer xoxb-secret' } } }, 'x');
    expect(output()).not.toContain('xoxb-secret');
  });

  it('redacts the Authorization header of an HTTP client error wrapped in a Slack request error', () => {
    const { log, output } = memoryLogger();
    const original = Object.assign(new Error('socket hang up'), { config: { headers: { Authorization: 'Bearer xoxb-secret' } } });
    const err = Object.assign(new Error('A request error occurred: socket hang up'), { code: 'slack_webapi_request_error', original });
    log.error({ err }, 'x');
    expect(output()).not.toContain('xoxb-secret');
    expect(output()).toContain('socket hang up');
  });

  it('redacts secrets in child logger bindings', () => {
    const { log, output } = memoryLogger();
    log.child({ token: 'xoxb-secret' }).info('x');
    expect(output()).not.toContain('xoxb-secret');
  });

  it('does not modify the logged object', () => {
    const { log } = memoryLogger();
    const obj = { token: 'xoxb-secret', headers: { authorization: 'Bearer secret' } };
    log.info(obj, 'x');
    expect(obj).toEqual({ token: 'xoxb-secret', headers: { authorization: 'Bearer secret' } });
  });
});
