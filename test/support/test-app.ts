import pino from 'pino';
import type { Clock } from '../../src/clock.js';
import { readConfig } from '../../src/config.js';
import { renderSlackMessage } from '../../src/messages/render-slack.js';
import { startPoDesk, type RunningApp, type StartOptions } from '../../src/start.js';
import { FakeSlack, SLACK_TEST_TOKEN } from './fake-slack.js';
import { postToSlackEndpoint, SIGNING_SECRET, slashCommandBody, type SlackReplyBody, type SlashCommandInput } from './slack-requests.js';
import { createTestDatabase, type TestDbKind, type TestDatabase } from './test-database.js';

export const TEAM_ID = 'T0PODESK01';

export interface TestApp {
  app: RunningApp;
  fake: FakeSlack;
  database: TestDatabase;
  baseUrl: string;
  /** Sends a signed `/po` command; returns the HTTP status and the ephemeral reply (text of every block). */
  po(text: string, as: Omit<SlashCommandInput, 'text'>): Promise<{ status: number; reply: string; body: SlackReplyBody | undefined }>;
  stop(): Promise<void>;
}

export interface StartedApp {
  app: RunningApp;
  database: TestDatabase;
  baseUrl: string;
  stop(): Promise<void>;
}

/** The real app on a fresh database of `kind`, configured by `env` on top of the test defaults. */
export async function startAppOn(kind: TestDbKind, env: Record<string, string>, options: Partial<StartOptions> = {}): Promise<StartedApp> {
  const database = await createTestDatabase(kind);
  const config = readConfig({ NODE_ENV: 'test', PORT: '0', OUTBOX_MAX_ATTEMPTS: '3', PLAYGROUND: 'off', ...env });
  const app = await startPoDesk(config, {
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    database: database.options(),
    dispatcherPollMs: 50,
    outboxBackoff: { baseMs: 20, maxMs: 200 },
    ...options,
  }).catch(async (error: unknown) => {
    await database.drop().catch(() => {});
    throw error;
  });
  return {
    app,
    database,
    baseUrl: `http://127.0.0.1:${app.port}`,
    async stop() {
      await app.stop();
      await database.drop().catch(() => {});
    },
  };
}

/**
 * The environment that points po-desk's Slack surface at a fake Slack. The fake then expects that bot
 * token on every Web API call: a call with another token (or none) is in its `unexpected`.
 */
export function slackEnv(fake: FakeSlack): Record<string, string> {
  fake.expectedToken ??= SLACK_TEST_TOKEN;
  return { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: fake.expectedToken, SLACK_API_URL: fake.url };
}

let commandSequence = 0;

/**
 * Sends signed `/po` commands. Their response_url is the fake's (`responsesTo('po-command')`), so
 * anything the app says later through it is recorded rather than posted to hooks.slack.com. Like Slack,
 * each command gets a trigger_id of its own unless the test gives one (a redelivery repeats it).
 *
 * A question (`ask …`) acked empty was saved to be asked right after: its answer comes through its own
 * response_url (`responsesTo('po-ask-<n>')`), and that is the reply returned, as the person sees it.
 */
export function slackCommander(baseUrl: string, fake: FakeSlack): TestApp['po'] {
  return async (text, as) => {
    commandSequence += 1;
    const triggerId = `13345224609.738474920.${String(commandSequence).padStart(6, '0')}`;
    const asking = /^\s*ask\b/i.test(text);
    const responseId = asking ? `po-ask-${commandSequence}` : 'po-command';
    const body = slashCommandBody({ responseUrl: fake.responseUrl(responseId), triggerId, ...as, text });
    const res = await postToSlackEndpoint(baseUrl, body, { contentType: 'application/x-www-form-urlencoded' });
    if (asking && res.status === 200 && res.json === undefined) {
      const answer = (await waitForResponse(fake, responseId)) as SlackReplyBody;
      return { status: res.status, reply: replyText(answer), body: answer };
    }
    return { status: res.status, reply: replyText(res.json), body: res.json };
  };
}

/** The first post to `responseUrl(id)`, once the app has made it. */
export async function waitForResponse(fake: FakeSlack, id: string, timeoutMs = 10_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [first] = fake.responsesTo(id);
    if (first) return first;
    if (Date.now() > deadline) throw new Error(`nothing was posted to response_url ${id} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A clock that stands still until the test moves it, for exact latencies. Keep it ahead of the real time:
 * the outbox takes a message when its `nextAttemptAt` (the database's own now() when it was queued) is not
 * after this clock's now.
 */
export class TestClock implements Clock {
  private at: Date;
  constructor(at: Date) {
    this.at = new Date(at);
  }
  now(): Date {
    return new Date(this.at);
  }
  set(at: Date): void {
    if (at.getTime() < this.at.getTime()) throw new Error(`TestClock: time only moves forward (${this.at.toISOString()} → ${at.toISOString()})`);
    this.at = new Date(at);
  }
  advance(ms: number): void {
    this.set(new Date(this.at.getTime() + ms));
  }
}

/**
 * The real app (Bolt over HTTP, real outbox and scheduler) on a fresh database, talking to a fake Slack.
 * With `clock`, the app (and the fake's users' time zones) run on it instead of the system clock.
 */
export async function startTestApp(kind: TestDbKind, options: { fake?: FakeSlack; clock?: Clock } = {}): Promise<TestApp> {
  const now = options.clock ? () => options.clock!.now().getTime() : undefined;
  const fake = options.fake ?? (await FakeSlack.start({ teamId: TEAM_ID, expectedToken: SLACK_TEST_TOKEN, ...(now ? { now } : {}) }));
  const started = await startAppOn(kind, slackEnv(fake), options.clock ? { clock: options.clock } : {});
  return {
    ...started,
    fake,
    po: slackCommander(started.baseUrl, fake),
    /** Also fails when the fake still lists unexpected calls (the last test's, or ones that came after its checks). */
    async stop() {
      await started.stop();
      const unexpected = fake.unexpected.map((call) => `${call.method} (token ${call.token ?? 'none'}, answered ${call.answer.error ?? call.answer.status})`);
      if (!options.fake) await fake.close();
      if (unexpected.length > 0) throw new Error(`the fake Slack saw unexpected calls: ${unexpected.join('; ')}`);
    },
  };
}

/** Everything a person would read in a Block Kit message: section, header, context, field texts. */
export function replyText(body: { text?: string; blocks?: unknown[] } | undefined): string {
  if (!body) return '';
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') parts.push(o.text);
      for (const [k, v] of Object.entries(o)) if (k !== 'text' || typeof v !== 'string') walk(v);
    }
  };
  walk(body.blocks ?? []);
  return parts.length > 0 ? parts.join('\n') : (body.text ?? '');
}

export { renderSlackMessage };
