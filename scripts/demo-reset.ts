/**
 * `npm run demo:reset`: restores the playground's demo product (people, teams, stakeholders, messages,
 * clock). With po-desk running on PORT it asks the running process (an embedded database belongs to
 * one process at a time, and a lock file refuses a second), and every open page reloads; otherwise it
 * deletes the demo from the database itself and po-desk seeds it again at its next start. With
 * PostgreSQL and po-desk running elsewhere, run it where po-desk runs: replicas do not re-seed by
 * themselves.
 */
import { ConfigError, readConfig } from '../src/config.js';
import { DataDirInUseError } from '../src/store/data-dir-lock.js';
import { openDatabase } from '../src/store/database.js';
import { playgroundWorkspace } from '../src/store/playground-workspace.js';

function fail(text: string): never {
  process.stderr.write(`demo:reset: ${text}\n`);
  process.exit(1);
}

let config;
try {
  config = readConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(`configuration error: ${error.message}`);
  throw error;
}

const url = `http://127.0.0.1:${config.port}/playground/api/reset`;
let running: Response | undefined;
try {
  running = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(config.playground.token ? { authorization: `Bearer ${config.playground.token}` } : {}) },
    body: '{}',
  });
} catch (_notRunning) {
  running = undefined; // nothing listens on PORT: reset the database directly
}

if (running) {
  if (running.ok) {
    process.stdout.write(`demo:reset: done — the po-desk running on port ${config.port} re-seeded the demo; open pages reload by themselves.\n`);
    process.exit(0);
  }
  const body = (await running.json().catch(() => ({}))) as { error?: string };
  if (running.status === 404) fail(`something on port ${config.port} answers, but not with a playground (is po-desk running with PLAYGROUND=off?). Stop it and run this again.`);
  fail(`the po-desk on port ${config.port} refused: ${body.error ?? `HTTP ${running.status}`}`);
}

let db;
try {
  db = await openDatabase(config.database.kind === 'postgres' ? { kind: 'postgres', url: config.database.url } : { kind: 'pglite', dataDir: config.database.dataDir });
} catch (error) {
  if (error instanceof DataDirInUseError) fail(`${error.message}. If that is po-desk, run this with its PORT (nothing answers on port ${config.port}).`);
  throw error;
}
try {
  await db.migrate();
  if (!(await playgroundWorkspace(db.prisma).wipe(new Date()))) {
    fail('the demo product is linked to a real Slack or Teams workspace, so it is not reset.');
  }
  process.stdout.write('demo:reset: done — the demo is seeded again when po-desk next starts (npm start).\n');
} finally {
  await db.close();
}
