import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { startChildApp, type ChildApp } from '../support/child-app.js';
import { FakeSlack } from '../support/fake-slack.js';
import { addCast, ANN, PAT } from '../support/slack-cast.js';
import { postToSlackEndpoint, SIGNING_SECRET, slashCommandBody } from '../support/slack-requests.js';
import { testDatabaseKinds } from '../support/test-database.js';

describe.each(testDatabaseKinds())('po-desk as a process (%s)', (kind) => {
  let fake: FakeSlack;
  let dataDir: string;
  let schema: string;
  const children: ChildApp[] = [];

  const dbEnv = (): Record<string, string> =>
    kind === 'pglite' ? { DATA_DIR: dataDir } : { DATABASE_URL: `${process.env.TEST_DATABASE_URL}?schema=${schema}` };
  const slackEnv = () => ({ SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: fake.url });
  const start = async (env: Record<string, string>) => {
    const child = await startChildApp(env);
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    fake = await FakeSlack.start();
    addCast(fake);
    dataDir = await mkdtemp(path.join(tmpdir(), 'po-desk-restart-'));
    schema = `t_${randomBytes(6).toString('hex')}`;
  });
  afterAll(async () => {
    for (const c of children) if (c.process.exitCode === null) c.process.kill('SIGKILL');
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
    if (kind === 'postgres') {
      const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });

  it('starts with no chat credentials, serves /healthz and the playground, says which surfaces are off, and stops cleanly on SIGTERM', async () => {
    // A shutdown timeout shorter than an idle connection's keep-alive (5 s): an open live-update stream
    // that delayed the shutdown would make the process exit with 1.
    const app = await start({ ...dbEnv(), SHUTDOWN_TIMEOUT_MS: '3000' });
    expect((await fetch(`${app.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.baseUrl}/readyz`)).status).toBe(200);
    expect(app.output()).toContain('Slack: off — set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN to enable it');
    expect(app.output()).toContain('Teams: off — set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD to enable it');
    expect(app.output()).toMatch(/Playground: open http:\/\/localhost:\d+\/ in your browser/);
    expect((await fetch(`${app.baseUrl}/slack/events`, { method: 'POST' })).status).toBe(404);
    const people = (await (await fetch(`${app.baseUrl}/playground/api/workspace?as=U-priya`)).json()) as { people: unknown[] };
    expect(people.people).toHaveLength(8);
    // An open live-update stream must not keep the process from stopping.
    const events = await fetch(`${app.baseUrl}/playground/api/events`);
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    app.process.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.output()).toContain('"msg":"stopped"');
  });

  it.runIf(kind === 'pglite')('refuses a second process on the same data directory, naming the first', async () => {
    const first = await start(dbEnv());
    try {
      await expect(start(dbEnv())).rejects.toThrow(`po-desk: cannot start: the embedded database in ${dataDir} is in use by another po-desk process (pid ${first.process.pid})`);
    } finally {
      first.process.kill('SIGTERM');
      await first.exited;
    }
  });

  it('refuses a wrong setting with one line naming the variable', async () => {
    await expect(start({ ...dbEnv(), PORT: 'eighty' })).rejects.toThrow(/PORT: expected a number, got "eighty"/);
  });

  it('refuses a bot token Slack refuses, with one line naming the variable', async () => {
    fake.failNext('auth.test', { error: 'invalid_auth' });
    await expect(start({ ...dbEnv(), ...slackEnv() })).rejects.toThrow(
      /exited \(1\) before listening:[\s\S]*\npo-desk: configuration error: SLACK_BOT_TOKEN: Slack refused it \(invalid_auth\); copy the Bot User OAuth Token \(xoxb-…\) from your Slack app's OAuth & Permissions page\n/,
    );
  });

  it("starts while Slack's API cannot be reached, and says so", async () => {
    // Nothing listens on the discard port: every call to Slack is refused a connection.
    const app = await start({ ...dbEnv(), ...slackEnv(), SLACK_API_URL: 'http://127.0.0.1:9/api/' });
    expect((await fetch(`${app.baseUrl}/readyz`)).status).toBe(200);
    expect(app.output()).toContain("slack: could not reach Slack's API to check the bot token; starting anyway");
    app.process.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });

  it('delivers messages left undelivered by a SIGKILL exactly once after a restart', async () => {
    // Slack is rate-limiting DMs, so the PO's welcome stays in the outbox...
    fake.failNext('conversations.open', { rateLimited: 1 }, 1000);
    const first = await start({ ...dbEnv(), ...slackEnv() });
    const res = await postToSlackEndpoint(first.baseUrl, slashCommandBody({ text: `owner <@${PAT}>`, userId: ANN }), { contentType: 'application/x-www-form-urlencoded' });
    expect(JSON.stringify(res.json)).toContain('is now the Product Owner');
    await fake.waitFor((calls) => calls.some((c) => c.method === 'conversations.open'));
    await new Promise((r) => setTimeout(r, 500)); // let it record the postponement (a kill mid-send waits for the lease instead)
    // ...when the process is killed outright.
    first.process.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);

    fake.reset();
    const second = await start({ ...dbEnv(), ...slackEnv() });
    await fake.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage'), 15_000);
    await new Promise((r) => setTimeout(r, 1500));
    const dms = fake.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${PAT}`);
    expect(dms).toHaveLength(1);
    expect(JSON.stringify(dms[0]!.args.blocks)).toContain('You are the Product Owner');

    second.process.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const db = await openDatabase(kind === 'pglite' ? { kind: 'pglite', dataDir } : { kind: 'postgres', url: process.env.TEST_DATABASE_URL!, schema });
    try {
      // The first start seeded the playground's demo (its messages stay with the playground).
      const rows = await db.prisma.outboxMessage.findMany({ where: { platform: 'slack' } });
      expect(rows.map((r) => [r.kind, r.status])).toEqual([['dm', 'sent']]);
    } finally {
      await db.close();
    }
  });
});
