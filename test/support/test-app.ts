import pino from 'pino';
import { readConfig } from '../../src/config.js';
import { renderSlackMessage } from '../../src/messages/render-slack.js';
import { startPoDesk, type RunningApp } from '../../src/start.js';
import { FakeSlack } from './fake-slack.js';
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

/** The real app (Bolt over HTTP, real outbox and scheduler) on a fresh database, talking to a fake Slack. */
export async function startTestApp(kind: TestDbKind, options: { fake?: FakeSlack } = {}): Promise<TestApp> {
  const fake = options.fake ?? (await FakeSlack.start({ teamId: TEAM_ID }));
  const database = await createTestDatabase(kind);
  const config = readConfig({
    NODE_ENV: 'test',
    PORT: '0',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: fake.url,
    OUTBOX_MAX_ATTEMPTS: '3',
  });
  const app = await startPoDesk(config, {
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    database: database.options(),
    dispatcherPollMs: 50,
    outboxBackoff: { baseMs: 20, maxMs: 200 },
  });
  const baseUrl = `http://127.0.0.1:${app.port}`;
  return {
    app,
    fake,
    database,
    baseUrl,
    async po(text, as) {
      const res = await postToSlackEndpoint(baseUrl, slashCommandBody({ ...as, text }), { contentType: 'application/x-www-form-urlencoded' });
      return { status: res.status, reply: replyText(res.json), body: res.json };
    },
    async stop() {
      await app.stop();
      await database.drop().catch(() => {});
      if (!options.fake) await fake.close();
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
