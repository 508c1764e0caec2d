/**
 * Ack path: how many signed `/po ask` slash commands po-desk acknowledges per second, and how fast, next to
 * what the same load gets from a bare Bolt app (ExpressReceiver, processBeforeResponse, acking only) and
 * from a bare node:http server answering 200. autocannon keeps ACK_CONNECTIONS connections (default 20)
 * busy; it runs in a worker thread of its own, so signing requests does not take the servers' event loop.
 * Each request is signed with a fresh timestamp and carries a trigger_id of its own (po-desk asks a
 * redelivery only once).
 *
 * po-desk and bare Bolt take turns: after a 2-second warm-up each (not measured), ACK_SECONDS (default 6)
 * each, in ACK_ROUNDS (default 3) turns, in the order Bolt, po-desk, po-desk, Bolt, Bolt, po-desk… These
 * machines' speed drifts by a third within a minute; measured one after the other, the ratio moved with
 * it (0.52–0.92× in three runs of the same code). While bare Bolt has its turn, po-desk's workers (the
 * questions' worker and the outbox) are paused: what po-desk saved in its turn must not be asked on bare
 * Bolt's time. In its own turns they run as they would; the questions' worker asks one at least every 2 s
 * under load, so turns shorter than 2 s would have it ask more often than it does (one at each turn's
 * start). node:http, a reference only, runs on its own first.
 *
 * Why 6 seconds: every question acknowledged is asked and sent afterwards, and that is ~100 times slower
 * than acknowledging it (~37 questions a second on PostgreSQL, ~30 on PGlite, against 3,000+ acks): 8 s of
 * load per database was 28,000-37,000 questions and 16-31 minutes of drain. Speeds alone over longer or
 * many runs: ACK_COUNTS=off.
 *
 * po-desk runs in process on a fresh embedded database (PGlite in a temporary DATA_DIR), and on PostgreSQL
 * too when TEST_DATABASE_URL or DATABASE_URL is set (a temporary schema, dropped afterwards), talking to
 * a fake Slack. After its run the bench counts: every acknowledged question must be in the database, and
 * every question must have reached the PO as a DM in the fake Slack once the outbox has drained. A request
 * still in flight when the load generator stops is never answered, yet po-desk may finish it: such a
 * question is counted apart. A mismatch fails the run (exit code 1).
 *
 * Run: npx tsx bench/ack-path.ts  (ACK_CONNECTIONS, ACK_SECONDS, ACK_ROUNDS, TEST_DATABASE_URL or DATABASE_URL;
 * ACK_DATABASES=pglite or postgresql runs po-desk on that database only, for profiling; ACK_COUNTS=off skips the
 * drain and the counts, which take minutes, for comparing speeds over many short runs: such a run checks nothing
 * about what was acknowledged)
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
const SECONDS = Number(process.env.ACK_SECONDS ?? 6);
const ROUNDS = Number(process.env.ACK_ROUNDS ?? 3);
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
  /** For po-desk: a non-empty 2xx reply must contain this, or it is an error answered as 200. */
  expectReply?: string;
  /** Each request's response_url is this followed by its trigger id. */
  responseUrlPrefix?: string;
}

interface PhaseResult {
  non2xx: number;
  errors: number;
  /** trigger ids answered 2xx. */
  acked: string[];
  /** trigger ids sent but never answered: in flight when the generator stopped (or timed out). */
  unanswered: string[];
  /** 2xx replies without `expectReply`, and the first of them. */
  offReplies: number;
  offSample?: string;
  /** autocannon's result as it came (histograms encoded), to add turns together (see `measured`). */
  raw: autocannon.Result;
}

/** A server's turns added together. */
interface Measured {
  reqPerSec: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
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
  return {
    non2xx: raw.non2xx,
    errors: raw.errors,
    acked,
    unanswered: [...sent].filter((id) => !answered.has(id)),
    offReplies,
    offSample,
    raw,
  };
}

/**
 * Off the main thread autocannon takes itself for one of its own workers and leaves its result raw (the
 * latencies an encoded histogram): add the turns' results together as it adds its workers'. Its per-second
 * request histogram is not in the raw result, so req/s is responses over the turns' total duration.
 */
function summarise(raws: autocannon.Result[], url: string): { latency: autocannon.Histogram; completed: number; duration: number } {
  const { aggregateResult } = autocannon as unknown as { aggregateResult(results: unknown[], opts: { url: string }): autocannon.Result };
  const completed = raws.reduce((n, raw) => n + (raw as unknown as { totalCompletedRequests: number }).totalCompletedRequests, 0);
  const duration = raws.reduce((n, raw) => n + raw.duration, 0);
  return { latency: aggregateResult(raws, { url }).latency, completed, duration };
}

function measured(phases: PhaseResult[], url: string): Measured {
  const { latency, completed, duration } = summarise(phases.map((p) => p.raw), url);
  const sum = (key: 'non2xx' | 'errors') => phases.reduce((n, p) => n + p[key], 0);
  return { reqPerSec: completed / duration, p50: latency.p50, p99: latency.p99, max: latency.max, non2xx: sum('non2xx'), errors: sum('errors') };
}

/** The load generator for one server: a worker thread (this file again, with tsx registered first) that runs phases on request. */
class LoadGenerator {
  private readonly worker: Worker;
  private readonly phases: { phase: string; result: PhaseResult }[] = [];

  constructor(readonly spec: Omit<LoadSpec, 'ackPathLoad' | 'connections'>) {
    const data: LoadSpec = { ackPathLoad: true, connections: CONNECTIONS, ...spec };
    const code = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); });`;
    this.worker = new Worker(code, { eval: true, workerData: data });
  }

  /** Runs one phase (its name keeps trigger ids apart) and keeps its result; every phase but 'warmup' is measured. */
  run(phase: string, seconds: number): Promise<PhaseResult> {
    return new Promise((resolve, reject) => {
      const onExit = (exitCode: number) => reject(new Error(`the load generator exited (${exitCode}) without a report`));
      this.worker.once('message', (result: PhaseResult) => {
        this.worker.off('error', reject).off('exit', onExit);
        this.phases.push({ phase, result });
        resolve(result);
      });
      this.worker.once('error', reject).once('exit', onExit);
      this.worker.postMessage({ phase, seconds });
    });
  }

  /** Every phase run, the warm-up too. */
  get all(): PhaseResult[] {
    return this.phases.map((p) => p.result);
  }

  measured(): Measured {
    return measured(this.phases.filter((p) => p.phase !== 'warmup').map((p) => p.result), this.spec.baseUrl);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

// --- the servers ---------------------------------------------------------------------------------------------------

interface Row {
  server: string;
  measured: Measured;
}

/** po-desk on one database, and bare Bolt measured in turns with it. */
interface Pair {
  database: string;
  podesk: Measured;
  bolt: Measured;
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
async function settle(app: RunningApp, stuckMs: number, label?: string): Promise<number> {
  const started = Date.now();
  let last = '';
  let stillSince = Date.now();
  let toldAt = Date.now();
  for (;;) {
    const [questions, outbox, inbound] = await Promise.all([
      app.db.prisma.question.count(),
      app.db.prisma.outboxMessage.count({ where: { status: 'pending' } }),
      app.db.prisma.inboundCommand.count({ where: { status: 'pending' } }),
    ]);
    const now = `${questions}/${outbox}/${inbound}`;
    if (now !== last) [last, stillSince] = [now, Date.now()];
    if (label && Date.now() - toldAt >= 30_000) {
      toldAt = Date.now();
      process.stderr.write(`${label}: ${Math.round((toldAt - started) / 1000)} s, ${inbound} questions still to ask, ${outbox} messages to send\n`);
    }
    if (outbox + inbound === 0 && Date.now() - stillSince >= 1000) return Date.now() - started;
    if (Date.now() - stillSince > stuckMs) throw new Error(`${inbound} questions are still to be asked and ${outbox} messages to be sent, and nothing moved for ${stuckMs / 1000} s`);
    // Not more often: on PGlite, counting the questions reads the whole table, on the connection po-desk is using.
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Every acknowledged question in the database, and every question's DM delivered to the PO. */
async function countDeliveries(database: string, app: RunningApp, fake: FakeSlack, phases: PhaseResult[]): Promise<Count> {
  process.stderr.write(`po-desk (${database}): asking and sending what was acknowledged…\n`);
  const drainMs = await settle(app, 60_000, `po-desk (${database})`);
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

/**
 * po-desk in process (real Bolt surface, outbox, scheduler), Slack pointed at a fake, on the database `dbEnv`
 * names, measured in turns with bare Bolt (see the top of this file).
 */
async function benchPoDesk(database: string, dbEnv: Record<string, string>): Promise<{ pair: Pair; count: Count | undefined }> {
  const { startPoDeskOnFakeSlack } = await import('./support.js');
  const fake = await startFakeSlack();
  const app = await startPoDeskOnFakeSlack(fake, { signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN }, dbEnv);
  const bolt = await startBareBolt();
  const baseUrl = `http://127.0.0.1:${app.port}`;
  const podeskLoad = new LoadGenerator({ baseUrl, tag: `podesk-${database}`, expectReply: ASKED, responseUrlPrefix: fake.responseUrl('x').slice(0, -1) });
  const boltLoad = new LoadGenerator({ baseUrl: bolt.url, tag: `bolt-${database}` });
  // po-desk's own work after the acks: paused while bare Bolt has its turn.
  const workers = {
    pause: () => Promise.all([app.slack!.deferred.stop(), app.dispatcher.stop()]),
    resume: () => {
      app.slack!.deferred.start();
      app.dispatcher.start();
    },
  };
  const turn = async (server: 'bolt' | 'podesk', phase: string, seconds: number) => {
    if (server === 'bolt') {
      await workers.pause();
      await boltLoad.run(phase, seconds);
    } else {
      workers.resume();
      await podeskLoad.run(phase, seconds);
    }
  };
  try {
    await setUpProduct(app, baseUrl, fake);
    process.stderr.write(`po-desk (${database}) and bare Bolt, in turns: load…\n`);
    const loop = monitorEventLoopDelay({ resolution: 20 });
    loop.enable();
    await turn('bolt', 'warmup', WARMUP_SECONDS);
    await turn('podesk', 'warmup', WARMUP_SECONDS);
    // Bolt, po-desk, po-desk, Bolt, …: a drift in the machine's speed falls on both alike.
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = round % 2 === 0 ? (['bolt', 'podesk'] as const) : (['podesk', 'bolt'] as const);
      for (const server of order) await turn(server, `turn${round}`, SECONDS / ROUNDS);
    }
    workers.resume();
    const count = COUNTS ? await countDeliveries(database, app, fake, podeskLoad.all) : undefined;
    loop.disable();
    return { pair: { database, podesk: podeskLoad.measured(), bolt: boltLoad.measured() }, count: count && { ...count, maxStallMs: loop.max / 1e6 } };
  } finally {
    await podeskLoad.close();
    await boltLoad.close();
    await bolt.close();
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
async function startBareBolt(): Promise<{ url: string; close: () => Promise<void> }> {
  const { App, ExpressReceiver, LogLevel } = await import('@slack/bolt');
  const fake = await startFakeSlack(); // answers Bolt's auth.test
  const receiver = new ExpressReceiver({ signingSecret: SIGNING_SECRET, endpoints: '/slack/events', processBeforeResponse: true, logLevel: LogLevel.ERROR });
  const app = new App({ token: BOT_TOKEN, receiver, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: fake.url } });
  app.command('/po', async ({ ack }) => ack());
  const server = await receiver.start(0);
  return {
    url: urlOf(server),
    async close() {
      await receiver.stop();
      await fake.close();
    },
  };
}

async function benchNodeHttp(): Promise<Row> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const load = new LoadGenerator({ baseUrl: urlOf(server), tag: 'http' });
  try {
    process.stderr.write('bare node:http: load…\n');
    await load.run('warmup', WARMUP_SECONDS);
    await load.run('measured', SECONDS);
    return { server: 'bare node:http', measured: load.measured() };
  } finally {
    await load.close();
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
/** A ratio; none when the divisor rounds to 0 (autocannon's latencies are whole milliseconds). */
const times = (v: number) => (Number.isFinite(v) ? `${Number(v.toPrecision(2))}×` : '—');

function printReport(http: Row, pairs: Pair[], counts: Count[]): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const cpus = os.cpus();
  out(`\nAck path: signed \`/po ask\` slash commands; Node ${process.version}, ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}); ` +
    `${CONNECTIONS} connections; po-desk and bare Bolt ${SECONDS} s each in ${ROUNDS} turns (Bolt, po-desk, po-desk, Bolt, …), node:http ${SECONDS} s on its own, ` +
    `each after a ${WARMUP_SECONDS} s warm-up; autocannon in a worker thread\n`);
  out('| server | req/s | p50 | p99 | max | non-2xx |\n| --- | ---: | ---: | ---: | ---: | ---: |');
  const line = (server: string, m: Measured) =>
    out(`| ${server} | ${m.reqPerSec.toFixed(0)} | ${ms(m.p50)} | ${ms(m.p99)} | ${ms(m.max)} | ${m.non2xx}${m.errors > 0 ? ` (+${m.errors} errors)` : ''} |`);
  for (const { database, podesk, bolt } of pairs) {
    line(`po-desk (${database})`, podesk);
    line(`bare Bolt (ExpressReceiver), in turns with po-desk (${database})`, bolt);
  }
  line(http.server, http.measured);
  const h = http.measured;
  out('\n| po-desk on | req/s ÷ bare Bolt | p99 ÷ bare Bolt | req/s ÷ node:http | p99 ÷ node:http |\n| --- | ---: | ---: | ---: | ---: |');
  for (const { database, podesk: m, bolt } of pairs) {
    out(`| ${database} | ${times(m.reqPerSec / bolt.reqPerSec)} | ${times(m.p99 / bolt.p99)} | ${times(m.reqPerSec / h.reqPerSec)} | ${times(m.p99 / h.p99)} |`);
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
  const pairs: Pair[] = [];
  const counts: Count[] = [];
  const pgUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  const only = process.env.ACK_DATABASES?.toLowerCase().split(',');
  const unknown = only?.filter((name) => name !== 'pglite' && name !== 'postgresql') ?? [];
  // A misspelt name would otherwise run neither database and print a table of baselines alone.
  if (unknown.length > 0) throw new Error(`ACK_DATABASES: unknown ${unknown.join(', ')}; use pglite, postgresql or both (comma-separated)`);
  if (!Number.isInteger(ROUNDS) || ROUNDS < 2) throw new Error(`ACK_ROUNDS: a whole number of turns, at least 2; got ${process.env.ACK_ROUNDS}`);
  const runs = [...(only && !only.includes('pglite') ? [] : [benchPoDeskOnPglite]), ...(pgUrl && (!only || only.includes('postgresql')) ? [() => benchPoDeskOnPostgres(pgUrl)] : [])];
  const http = await benchNodeHttp();
  for (const run of runs) {
    const { pair, count } = await run();
    pairs.push(pair);
    if (count) counts.push(count);
  }
  if (!pgUrl) process.stdout.write('PostgreSQL skipped: set TEST_DATABASE_URL or DATABASE_URL to include it.\n');
  printReport(http, pairs, counts);
  if (counts.some((c) => c.problems.length > 0)) process.exitCode = 1;
}

if (isMainThread) {
  await main();
} else if ((workerData as Partial<LoadSpec> | undefined)?.ackPathLoad) {
  parentPort!.on('message', ({ phase, seconds }: { phase: string; seconds: number }) => {
    void runPhase(workerData as LoadSpec, phase, seconds).then((result) => parentPort!.postMessage(result));
  });
}
