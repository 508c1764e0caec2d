/**
 * Ack path: how many signed `/po ask` slash commands po-desk acknowledges per second, and how fast, next to
 * what the same load gets from a bare Bolt app (ExpressReceiver, processBeforeResponse, acking only) and
 * from a bare node:http server answering 200. autocannon keeps ACK_CONNECTIONS connections (default 20)
 * busy for ACK_SECONDS (default 10) per server, after a 2-second warm-up that is not measured; it runs in
 * a worker thread of its own, so signing requests does not take the servers' event loop. Each request is
 * signed with a fresh timestamp and carries a trigger_id of its own (po-desk asks a redelivery only once).
 *
 * po-desk runs in process on a fresh embedded database (PGlite in a temporary DATA_DIR), and on PostgreSQL
 * too when TEST_DATABASE_URL or DATABASE_URL is set (a temporary schema, dropped afterwards), talking to
 * a fake Slack. After its run the bench counts: every acknowledged question must be in the database, and
 * every question must have reached the PO as a DM in the fake Slack once the outbox has drained. A request
 * still in flight when the load generator stops is never answered, yet po-desk may finish it: such a
 * question is counted apart. A mismatch fails the run (exit code 1). The baselines run first, while the process
 * is fresh.
 *
 * Run: npx tsx bench/ack-path.ts  (ACK_CONNECTIONS, ACK_SECONDS, TEST_DATABASE_URL or DATABASE_URL; ACK_DATABASES=pglite or
 * postgresql runs po-desk on that database only, for profiling; ACK_COUNTS=off skips the drain and the counts, which take
 * minutes, for comparing speeds over many short runs: such a run checks nothing about what was acknowledged)
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';
import type { RunningApp } from '../src/start.js';
import type { FakeSlack } from '../test/support/fake-slack.js';
import { addCast, ALI, ANN, BOB, CHANNEL, PAT } from '../test/support/slack-cast.js';
import { postToSlackEndpoint, sign, SIGNING_SECRET, slashCommandBody } from '../test/support/slack-requests.js';

// The heavy modules (po-desk, Bolt, the fake Slack) are imported where used, so the load generator's
// worker, which loads this file too, stays small.

const CONNECTIONS = Number(process.env.ACK_CONNECTIONS ?? 20);
const SECONDS = Number(process.env.ACK_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
const COUNTS = process.env.ACK_COUNTS !== 'off';
/** As test/support/test-app.ts (which needs vitest, so it is not imported here). */
const TEAM_ID = 'T0PODESK01';
const BOT_TOKEN = 'xoxb-bench-token';
/** What po-desk's ack says when the question was asked. */
const ASKED = 'the Product Owner) as Q';
/** The fake Slack records posts to a response_url under this pseudo-method (as test/support/fake-slack.ts). */
const RESPONSE_URL = 'response_url';

// --- the load generator (in a worker thread) ------------------------------------------------------------------

interface LoadSpec {
  ackPathLoad: true;
  baseUrl: string;
  /** Makes trigger ids unique across servers. */
  tag: string;
  connections: number;
  seconds: number;
  /** For po-desk: a non-empty 2xx reply must contain this, or it is an error answered as 200. */
  expectReply?: string;
  /** Each request's response_url is this followed by its trigger id. */
  responseUrlPrefix?: string;
}

interface PhaseResult {
  reqPerSec: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  /** trigger ids answered 2xx. */
  acked: string[];
  /** trigger ids sent but never answered: in flight when the generator stopped (or timed out). */
  unanswered: string[];
  /** 2xx replies without `expectReply`, and the first of them. */
  offReplies: number;
  offSample?: string;
}

interface LoadReport {
  warmup: PhaseResult;
  measured: PhaseResult;
}

let questionNumber = 0;

async function runPhase(spec: LoadSpec, phase: string, seconds: number): Promise<PhaseResult> {
  const sent = new Set<string>();
  const answered = new Set<string>();
  const acked: string[] = [];
  let offReplies = 0;
  let offSample: string | undefined;
  const raw = await autocannon({
    url: spec.baseUrl,
    connections: spec.connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (request, context) => {
          questionNumber += 1;
          const triggerId = `${spec.tag}.${phase}.${questionNumber}`;
          const responseUrl = spec.responseUrlPrefix === undefined ? undefined : `${spec.responseUrlPrefix}${triggerId}`;
          const body = slashCommandBody({ text: `ask Bench question ${questionNumber}?`, userId: ALI, channelId: CHANNEL, teamId: TEAM_ID, triggerId, responseUrl });
          const timestamp = Math.floor(Date.now() / 1000);
          (context as { triggerId?: string }).triggerId = triggerId;
          sent.add(triggerId);
          return {
            ...request,
            method: 'POST',
            path: '/slack/events',
            body,
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'x-slack-request-timestamp': String(timestamp),
              'x-slack-signature': sign(body, timestamp, SIGNING_SECRET),
            },
          };
        },
        onResponse: (status, body, context) => {
          const triggerId = (context as { triggerId?: string }).triggerId!;
          answered.add(triggerId);
          if (status < 200 || status > 299) return;
          acked.push(triggerId);
          // po-desk acks a saved question empty and confirms it through the response_url (counted afterwards).
          if (spec.expectReply !== undefined && body !== '' && !body.includes(spec.expectReply)) {
            offReplies += 1;
            offSample ??= body.slice(0, 300);
          }
        },
      },
    ],
  });
  const { latency, completed, duration } = summarise(raw, spec.baseUrl);
  return {
    reqPerSec: completed / duration,
    p50: latency.p50,
    p99: latency.p99,
    max: latency.max,
    non2xx: raw.non2xx,
    errors: raw.errors,
    acked,
    unanswered: [...sent].filter((id) => !answered.has(id)),
    offReplies,
    offSample,
  };
}

/**
 * Off the main thread autocannon takes itself for one of its own workers and leaves its result raw (the
 * latencies an encoded histogram): summarise it as it would. Its per-second request histogram is not in
 * the raw result, so req/s is responses over the run's duration.
 */
function summarise(raw: autocannon.Result, url: string): { latency: autocannon.Histogram; completed: number; duration: number } {
  const { aggregateResult } = autocannon as unknown as { aggregateResult(results: unknown[], opts: { url: string }): autocannon.Result };
  const { totalCompletedRequests } = raw as unknown as { totalCompletedRequests: number };
  return { latency: aggregateResult([raw], { url }).latency, completed: totalCompletedRequests, duration: raw.duration };
}

async function generateLoad(spec: LoadSpec): Promise<LoadReport> {
  const warmup = await runPhase(spec, 'warmup', WARMUP_SECONDS);
  const measured = await runPhase(spec, 'measured', spec.seconds);
  return { warmup, measured };
}

/** Runs the load generator in a worker thread (this file again, with tsx registered first). */
function runLoad(spec: Omit<LoadSpec, 'ackPathLoad' | 'connections' | 'seconds'>): Promise<LoadReport> {
  const data: LoadSpec = { ackPathLoad: true, connections: CONNECTIONS, seconds: SECONDS, ...spec };
  const code = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const worker = new Worker(code, { eval: true, workerData: data });
  return new Promise((resolve, reject) => {
    worker.once('message', (report: LoadReport) => {
      resolve(report);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (exitCode) => reject(new Error(`the load generator exited (${exitCode}) without a report`)));
  });
}

// --- the servers ---------------------------------------------------------------------------------------------------

interface Row {
  server: string;
  load: LoadReport;
}

interface Count {
  database: string;
  acked: number;
  inFlight: number;
  /** Questions asked by requests that were in flight when the generator stopped. */
  finishedLate: number;
  questions: number;
  dms: number;
  /** Askers told their question's number through their response_url, once. */
  confirmed: number;
  dead: number;
  drainMs: number;
  /** The longest the event loop was blocked during the load and the drain. */
  maxStallMs: number;
  problems: string[];
}

async function startFakeSlack(): Promise<FakeSlack> {
  const { FakeSlack } = await import('../test/support/fake-slack.js');
  return FakeSlack.start({ teamId: TEAM_ID, expectedToken: BOT_TOKEN });
}

/** Sends one signed `/po` command and checks the ack says `expected`. */
async function po(baseUrl: string, text: string, userId: string, expected: string): Promise<void> {
  const res = await postToSlackEndpoint(baseUrl, slashCommandBody({ text, userId, channelId: CHANNEL, teamId: TEAM_ID }), { contentType: 'application/x-www-form-urlencoded' });
  if (res.status !== 200 || !res.text.includes(expected)) throw new Error(`/po ${text}: expected "${expected}", got ${res.status} ${res.text.slice(0, 300)}`);
}

/** A product as people set it up (see test/adapters/slack/questions-world.ts): a PO with hours, team Checkout. */
async function setUpProduct(app: RunningApp, baseUrl: string, fake: FakeSlack): Promise<void> {
  addCast(fake);
  fake.setChannelMembers(CHANNEL, [ANN, PAT, ALI, BOB, fake.botUserId]);
  await po(baseUrl, `owner <@${PAT}>`, ANN, 'is now the Product Owner');
  await po(baseUrl, 'hours 09:00-17:00 mon-fri Europe/Berlin', PAT, 'Your working hours are now');
  await po(baseUrl, 'team Checkout', ALI, 'This channel is now team');
  // No weekly digest in the PO's DMs during the run: they are counted.
  await app.db.prisma.product.updateMany({ data: { digestWeekday: 7, digestTimeMin: 23 * 60 + 59 } });
  await settle(app, 30_000);
  fake.reset(); // the PO's welcome DM is not a question's
}

/**
 * Waits until every saved question has been asked, requests the generator left in flight have finished (the
 * question count holds still for a second) and the outbox has delivered (or given up on) everything. Returns
 * how long that took. Fails when nothing moves for `stuckMs`.
 */
async function settle(app: RunningApp, stuckMs: number): Promise<number> {
  const started = Date.now();
  let last = '';
  let stillSince = Date.now();
  for (;;) {
    const [questions, outbox, inbound] = await Promise.all([
      app.db.prisma.question.count(),
      app.db.prisma.outboxMessage.count({ where: { status: 'pending' } }),
      app.db.prisma.inboundCommand.count({ where: { status: 'pending' } }),
    ]);
    const now = `${questions}/${outbox}/${inbound}`;
    if (now !== last) [last, stillSince] = [now, Date.now()];
    if (outbox + inbound === 0 && Date.now() - stillSince >= 1000) return Date.now() - started;
    if (Date.now() - stillSince > stuckMs) throw new Error(`${inbound} questions are still to be asked and ${outbox} messages to be sent, and nothing moved for ${stuckMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every acknowledged question in the database, and every question's DM delivered to the PO. */
async function countDeliveries(database: string, app: RunningApp, fake: FakeSlack, load: LoadReport): Promise<Count> {
  const drainMs = await settle(app, 60_000);
  const phases = [load.warmup, load.measured];
  const acked = new Set(phases.flatMap((p) => p.acked));
  const inFlight = new Set(phases.flatMap((p) => p.unanswered));
  const prefix = `slack:command:${TEAM_ID}:`;
  const rows = await app.db.prisma.question.findMany({ select: { requestKey: true } });
  const asked = new Set(rows.map((q) => q.requestKey?.slice(prefix.length) ?? '(no request key)'));
  const missing = [...acked].filter((id) => !asked.has(id));
  const unexplained = [...asked].filter((id) => !acked.has(id) && !inFlight.has(id));
  const finishedLate = [...asked].filter((id) => inFlight.has(id)).length;
  const dms = fake.callsTo('chat.postMessage').filter((c) => c.answer.ok && c.args.channel === `D${PAT}`).length;
  // The confirmation each asker sees: through the response_url of their own request, once.
  const confirmations = new Map<string, number>();
  for (const call of fake.callsTo(RESPONSE_URL)) {
    if (call.answer.ok && call.responseId && JSON.stringify(call.args).includes(ASKED)) confirmations.set(call.responseId, (confirmations.get(call.responseId) ?? 0) + 1);
  }
  const unconfirmed = [...asked].filter((id) => confirmations.get(id) !== 1);
  const dead = await app.db.prisma.outboxMessage.count({ where: { status: 'dead' } });
  const offReplies = phases.reduce((n, p) => n + p.offReplies, 0);

  const problems: string[] = [];
  if (missing.length > 0) problems.push(`${missing.length} acknowledged questions are not in the database (e.g. ${missing[0]})`);
  if (unexplained.length > 0) problems.push(`${unexplained.length} questions in the database were never acknowledged nor in flight (e.g. ${unexplained[0]})`);
  if (asked.size !== acked.size + finishedLate) problems.push(`questions in the database (${asked.size}) ≠ acknowledged (${acked.size}) + finished after the generator stopped (${finishedLate})`);
  if (dms !== asked.size) problems.push(`PO DMs delivered (${dms}) ≠ questions (${asked.size})`);
  if (unconfirmed.length > 0) problems.push(`${unconfirmed.length} askers were not told their question's number exactly once (e.g. ${unconfirmed[0]}: ${confirmations.get(unconfirmed[0]!) ?? 0} times)`);
  if (dead > 0) problems.push(`${dead} outbox messages dead-lettered`);
  if (offReplies > 0) problems.push(`${offReplies} 2xx replies did not confirm the question, e.g. ${phases.find((p) => p.offSample)?.offSample}`);
  if (fake.unexpected.length > 0) problems.push(`the fake Slack saw ${fake.unexpected.length} unexpected calls (e.g. ${fake.unexpected[0]!.method})`);
  return { database, acked: acked.size, inFlight: inFlight.size, finishedLate, questions: asked.size, dms, confirmed: asked.size - unconfirmed.length, dead, drainMs, maxStallMs: 0, problems };
}

/** po-desk in process (real Bolt surface, outbox, scheduler), Slack pointed at a fake, on the database `dbEnv` names. */
async function benchPoDesk(database: string, dbEnv: Record<string, string>): Promise<{ row: Row; count: Count | undefined }> {
  const { startPoDeskOnFakeSlack } = await import('./support.js');
  const fake = await startFakeSlack();
  const app = await startPoDeskOnFakeSlack(fake, { signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN }, dbEnv);
  try {
    const baseUrl = `http://127.0.0.1:${app.port}`;
    await setUpProduct(app, baseUrl, fake);
    process.stderr.write(`po-desk (${database}): load…\n`);
    const loop = monitorEventLoopDelay({ resolution: 20 });
    loop.enable();
    const load = await runLoad({ baseUrl, tag: `podesk-${database}`, expectReply: ASKED, responseUrlPrefix: fake.responseUrl('x').slice(0, -1) });
    const count = COUNTS ? await countDeliveries(database, app, fake, load) : undefined;
    loop.disable();
    return { row: { server: `po-desk (${database})`, load }, count: count && { ...count, maxStallMs: loop.max / 1e6 } };
  } finally {
    await app.stop();
    await fake.close();
  }
}

async function benchPoDeskOnPglite() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'po-desk-ack-'));
  try {
    return await benchPoDesk('PGlite', { DATA_DIR: dataDir });
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function benchPoDeskOnPostgres(pgUrl: string) {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const url = new URL(pgUrl);
  url.searchParams.set('schema', schema);
  try {
    return await benchPoDesk('PostgreSQL', { DATABASE_URL: url.toString() });
  } finally {
    url.searchParams.delete('schema');
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect().then(() => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).finally(() => client.end());
  }
}

/** Bolt 5 alone: the same receiver setup as po-desk's, one listener that only acks. */
async function benchBareBolt(): Promise<Row> {
  const { App, ExpressReceiver, LogLevel } = await import('@slack/bolt');
  const fake = await startFakeSlack(); // answers Bolt's auth.test
  const receiver = new ExpressReceiver({ signingSecret: SIGNING_SECRET, endpoints: '/slack/events', processBeforeResponse: true, logLevel: LogLevel.ERROR });
  const app = new App({ token: BOT_TOKEN, receiver, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: fake.url } });
  app.command('/po', async ({ ack }) => ack());
  const server = await receiver.start(0);
  try {
    process.stderr.write('bare Bolt: load…\n');
    return { server: 'bare Bolt (ExpressReceiver)', load: await runLoad({ baseUrl: urlOf(server), tag: 'bolt' }) };
  } finally {
    await receiver.stop();
    await fake.close();
  }
}

async function benchNodeHttp(): Promise<Row> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    process.stderr.write('bare node:http: load…\n');
    return { server: 'bare node:http', load: await runLoad({ baseUrl: urlOf(server), tag: 'http' }) };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// --- the report --------------------------------------------------------------------------------------------------

/** autocannon's latencies are whole milliseconds. */
const ms = (v: number) => (v < 1 ? '<1 ms' : `${v.toFixed(0)} ms`);
const times = (v: number) => `${Number(v.toPrecision(2))}×`;

function printReport(rows: Row[], counts: Count[]): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const cpus = os.cpus();
  out(`\nAck path: signed \`/po ask\` slash commands; Node ${process.version}, ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}); ` +
    `${CONNECTIONS} connections, ${SECONDS} s measured after a ${WARMUP_SECONDS} s warm-up per server; autocannon in a worker thread\n`);
  out('| server | req/s | p50 | p99 | max | non-2xx |\n| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const { server, load: { measured: m } } of rows) {
    out(`| ${server} | ${m.reqPerSec.toFixed(0)} | ${ms(m.p50)} | ${ms(m.p99)} | ${ms(m.max)} | ${m.non2xx}${m.errors > 0 ? ` (+${m.errors} errors)` : ''} |`);
  }
  const bolt = rows.find((r) => r.server.startsWith('bare Bolt'))!.load.measured;
  const http = rows.find((r) => r.server.startsWith('bare node:http'))!.load.measured;
  out('\n| po-desk on | req/s ÷ bare Bolt | p99 ÷ bare Bolt | req/s ÷ node:http | p99 ÷ node:http |\n| --- | ---: | ---: | ---: | ---: |');
  for (const { server, load: { measured: m } } of rows.filter((r) => r.server.startsWith('po-desk'))) {
    out(`| ${server.replace(/^po-desk \((.*)\)$/, '$1')} | ${times(m.reqPerSec / bolt.reqPerSec)} | ${times(m.p99 / bolt.p99)} | ${times(m.reqPerSec / http.reqPerSec)} | ${times(m.p99 / http.p99)} |`);
  }
  if (!COUNTS) {
    out('\nCounts not checked (ACK_COUNTS=off): this run compares speeds only.');
    return;
  }
  out('\nCounts (warm-up + measured): every acknowledged question in the database, DMed to the PO, and confirmed to its asker');
  out('| po-desk on | acknowledged (2xx) | in flight at stop | of those asked anyway | questions in DB | PO DMs delivered | askers told once | dead-lettered | all asked and sent after | longest event-loop stall | check |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const c of counts) {
    out(`| ${c.database} | ${c.acked} | ${c.inFlight} | ${c.finishedLate} | ${c.questions} | ${c.dms} | ${c.confirmed} | ${c.dead} | ${(c.drainMs / 1000).toFixed(1)} s | ${c.maxStallMs.toFixed(0)} ms | ${c.problems.length === 0 ? 'ok' : 'FAILED'} |`);
  }
  for (const c of counts) for (const p of c.problems) out(`FAILED (${c.database}): ${p}`);
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const counts: Count[] = [];
  const pgUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  const only = process.env.ACK_DATABASES?.toLowerCase().split(',');
  const unknown = only?.filter((name) => name !== 'pglite' && name !== 'postgresql') ?? [];
  // A misspelt name would otherwise run neither database and print a table of baselines alone.
  if (unknown.length > 0) throw new Error(`ACK_DATABASES: unknown ${unknown.join(', ')}; use pglite, postgresql or both (comma-separated)`);
  const runs = [...(only && !only.includes('pglite') ? [] : [benchPoDeskOnPglite]), ...(pgUrl && (!only || only.includes('postgresql')) ? [() => benchPoDeskOnPostgres(pgUrl)] : [])];
  // The baselines first, in a process nothing has run in yet. After po-desk's run and its drain (tens of
  // thousands of questions asked and sent) bare Bolt acked 1,707–1,926 a second here, against 2,000–3,000
  // when it ran first: the ratio flattered po-desk.
  rows.push(await benchBareBolt());
  rows.push(await benchNodeHttp());
  for (const run of runs) {
    const { row, count } = await run();
    rows.push(row);
    if (count) counts.push(count);
  }
  if (!pgUrl) process.stdout.write('PostgreSQL skipped: set TEST_DATABASE_URL or DATABASE_URL to include it.\n');
  printReport(rows, counts);
  if (counts.some((c) => c.problems.length > 0)) process.exitCode = 1;
}

if (isMainThread) {
  await main();
} else if ((workerData as Partial<LoadSpec> | undefined)?.ackPathLoad) {
  parentPort!.postMessage(await generateLoad(workerData as LoadSpec));
}
