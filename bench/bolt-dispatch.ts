/**
 * Bolt's dispatch: the CPU time Bolt spends on one request before any handler does work, in po-desk's
 * Slack app (no listeners: one global middleware routes every request, see SlackRoutes) and in a bare
 * Bolt app with one listener (the ack bench's baseline). Bolt runs every global middleware and every
 * listener's middleware chain for every request, so each registration costs every `/po` command on the
 * ack path. The request is a slash command nothing handles (`/other`), so what is timed is the dispatch
 * alone; calls go straight to `app.processEvent` (no HTTP, no signature), one after another, in rounds that
 * alternate the two apps. Prints the median of the rounds' means. The bare app keeps Bolt's defaults, as the
 * ack bench's baseline does, its in-memory conversation store included (po-desk turns that off): part of
 * what the bare app spends is that store, not its listener.
 *
 * Run: npm run bench:dispatch  (DISPATCH_CALLS per round, default 20,000; DISPATCH_ROUNDS, default 7)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { App, LogLevel, type Receiver } from '@slack/bolt';
import { FakeSlack } from '../test/support/fake-slack.js';
import { slashCommandBody } from '../test/support/slack-requests.js';
import { startPoDeskOnFakeSlack } from './support.js';

const CALLS = Number(process.env.DISPATCH_CALLS ?? 20_000);
const ROUNDS = Number(process.env.DISPATCH_ROUNDS ?? 7);
const TEAM_ID = 'T0PODESK01';
const TOKEN = 'xoxb-bench-token';

/** A slash command as Slack posts it (form fields), for a command no listener handles. */
const body = { ...Object.fromEntries(new URLSearchParams(slashCommandBody({ text: 'ask what is the plan for the sprint?', userId: 'U0BENCH001', teamId: TEAM_ID }))), command: '/other' };

function bareBolt(): App {
  const receiver: Receiver = { init: () => {}, start: async () => {}, stop: async () => {} };
  const app = new App({ token: TOKEN, botId: 'B0BENCH001', botUserId: 'U0BOT00001', tokenVerificationEnabled: false, receiver, logLevel: LogLevel.ERROR });
  app.command('/po', async ({ ack }) => ack());
  return app;
}

/** Mean µs per request over one round. */
async function round(app: App): Promise<number> {
  const ack = async () => {};
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) await app.processEvent({ body: { ...body }, ack });
  return ((performance.now() - started) * 1000) / CALLS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const fake = await FakeSlack.start({ teamId: TEAM_ID, expectedToken: TOKEN });
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'po-desk-dispatch-'));
const poDesk = await startPoDeskOnFakeSlack(fake, { signingSecret: 'bench-signing-secret', botToken: TOKEN }, { DATA_DIR: dataDir });
try {
  const apps = { 'po-desk (its Slack app)': poDesk.slack!.app, 'bare Bolt (one listener)': bareBolt() };
  const means: Record<string, number[]> = Object.fromEntries(Object.keys(apps).map((k) => [k, []]));
  for (const app of Object.values(apps)) await round(app); // warm-up
  for (let r = 0; r < ROUNDS; r++) for (const [name, app] of Object.entries(apps)) means[name]!.push(await round(app));
  const cpus = os.cpus();
  process.stdout.write(`\nBolt's dispatch of a slash command no listener handles; Node ${process.version}, ${cpus[0]?.model.trim() ?? 'unknown'}; ${ROUNDS} rounds of ${CALLS} calls, alternating\n\n`);
  process.stdout.write('| app | median µs per request | rounds (µs) |\n| --- | ---: | --- |\n');
  for (const [name, xs] of Object.entries(means)) process.stdout.write(`| ${name} | ${median(xs).toFixed(1)} | ${xs.map((x) => x.toFixed(0)).join(', ')} |\n`);
} finally {
  await poDesk.stop();
  await fake.close();
  await rm(dataDir, { recursive: true, force: true });
}
