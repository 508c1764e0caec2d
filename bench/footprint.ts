/**
 * Footprint: cold start to a 200 from /readyz, and idle RSS after a few seconds, for the embedded
 * database (fresh and existing data directory) and PostgreSQL (TEST_DATABASE_URL or the local default).
 * po-desk is started with the command `npm start` runs (package.json), node flags included. Besides the
 * wall time, the CPU time the process had used when /readyz first answered: on a shared machine it
 * varies far less.
 * Run: npm run bench:footprint
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { FakeSlack } from '../test/support/fake-slack.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const PORT = 39_000 + Math.floor(Math.random() * 1000);
const IDLE_MS = 5_000;

/** `npm start`'s command, e.g. `node --max-semi-space-size=1 scripts/start.mjs`, as node's arguments. */
const NPM_START_ARGS = await (async () => {
  const { scripts } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = scripts.start.split(/\s+/);
  if (command !== 'node') throw new Error(`npm start runs ${command}, not node: teach bench/footprint.ts to start it`);
  return args;
})();
const NPM_START_FLAGS = NPM_START_ARGS.filter((a) => a.startsWith('--'));

async function measure(label: string, env: Record<string, string>, args: string[] = NPM_START_ARGS) {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', PORT: String(PORT), ...env },
    stdio: 'ignore',
  });
  let readyMs = NaN;
  let cpuMs = NaN;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/readyz`)).status === 200) {
        readyMs = performance.now() - started;
        cpuMs = await cpuTimeMs(child.pid!);
        break;
      }
    } catch {
      // not listening yet
    }
    // Generous: on a loaded machine a first start (initdb, migrations, the demo seed) can take this long.
    if (performance.now() - started > 120_000) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  return { label, readyMs: Math.round(readyMs), cpuMs: Math.round(cpuMs), rssMb: Math.round(rssMb) };
}

/** User + system time of a process, all its threads, from /proc/<pid>/stat (in clock ticks of 10 ms). */
async function cpuTimeMs(pid: number) {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'po-desk-bench-'));
const schema = `bench_${randomBytes(4).toString('hex')}`;
// For the start with Slack credentials: Bolt checks the bot token with auth.test.
const slack = await FakeSlack.start({ expectedToken: 'xoxb-bench' });
const rows = [];
try {
  rows.push(await measure('embedded (PGlite), fresh data dir', { DATA_DIR: dataDir }));
  rows.push(await measure('embedded (PGlite), existing data dir', { DATA_DIR: dataDir }));
  // With no chat credentials the playground is on (and seeds on a fresh database): its share, measured.
  rows.push(await measure('embedded (PGlite), existing data dir, PLAYGROUND=off', { DATA_DIR: dataDir, PLAYGROUND: 'off' }));
  // An install for Slack loads Bolt and the Web API client (and has no playground).
  rows.push(
    await measure('embedded (PGlite), existing data dir, Slack credentials (a fake Slack)', {
      DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: 'bench-signing-secret',
      SLACK_API_URL: slack.url,
    }),
  );
  // glibc keeps memory the process freed when it sits below memory still in use, more of it once a large
  // block was freed; with this, blocks of 32 KiB and more are mapped on their own and given back.
  rows.push(await measure('embedded (PGlite), existing data dir, MALLOC_MMAP_THRESHOLD_=32768', { DATA_DIR: dataDir, MALLOC_MMAP_THRESHOLD_: '32768' }));
  // What `node scripts/start.mjs` gives, without npm start's node flags.
  rows.push(await measure(`embedded (PGlite), existing data dir, without ${NPM_START_FLAGS.join(' ')}`, { DATA_DIR: dataDir }, ['scripts/start.mjs']));
  rows.push(await measure('PostgreSQL, fresh schema', { DATABASE_URL: `${PG_URL}?schema=${schema}` }));
  rows.push(await measure('PostgreSQL, migrated schema', { DATABASE_URL: `${PG_URL}?schema=${schema}` }));
  rows.push(await measure('PostgreSQL, migrated schema, MALLOC_MMAP_THRESHOLD_=32768', { DATABASE_URL: `${PG_URL}?schema=${schema}`, MALLOC_MMAP_THRESHOLD_: '32768' }));
} finally {
  await slack.close();
  await rm(dataDir, { recursive: true, force: true });
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect().then(() => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).finally(() => client.end());
}
process.stdout.write(`\nstarted as \`npm start\` does (node ${NPM_START_ARGS.join(' ')}) unless said, Node ${process.version}; RSS after ${IDLE_MS / 1000} s idle\n\n`);
process.stdout.write('| database (playground on unless said) | cold start to /readyz | CPU time by then | idle RSS |\n| --- | ---: | ---: | ---: |\n');
for (const r of rows) process.stdout.write(`| ${r.label} | ${r.readyMs} ms | ${r.cpuMs} ms | ${r.rssMb} MB |\n`);
