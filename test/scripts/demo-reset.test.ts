import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildApp, type ChildApp } from '../support/child-app.js';
import { playgroundClient } from '../support/playground-client.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** `npm run demo:reset`, as a person runs it (without npm's banner). */
function demoReset(env: Record<string, string>) {
  return run(process.execPath, ['--import', 'tsx', 'scripts/demo-reset.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', ...env },
  });
}

describe('npm run demo:reset', () => {
  let dataDir: string;
  const children: ChildApp[] = [];
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'po-desk-demo-'));
  });
  afterAll(async () => {
    for (const c of children) if (c.process.exitCode === null) c.process.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('asks a running po-desk to re-seed; with none running, clears the database for the next start to seed', async () => {
    const first = await startChildApp({ DATA_DIR: dataDir });
    children.push(first);
    const api = playgroundClient(first.baseUrl);
    expect((await api.say('U-alex', 'C-rocket', 'something to forget')).json.kind).toBe('posted');
    // The clock really moved, so an offset of 0 after the reset shows the reset brought it back.
    const moved = await api.post<{ now: string }>('/clock', { advanceMinutes: 60 * 24 });
    expect(moved.status).toBe(200);
    expect((await api.get<{ offsetMs: number }>('/workspace')).json.offsetMs).toBeGreaterThan(23 * 60 * 60_000); // a day ahead, less the moment the move took

    // Asked on the wrong port, it must not open the database the running po-desk holds.
    const wrongPort = await demoReset({ DATA_DIR: dataDir, PORT: '1' }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(wrongPort?.code).toBe(1);
    expect(wrongPort?.stderr).toContain(`is in use by another po-desk process (pid ${first.process.pid})`);
    expect((await api.messages('U-alex', 'C-rocket')).map((m) => m.text)).toContain('something to forget');

    const online = await demoReset({ DATA_DIR: dataDir, PORT: String(first.port) });
    expect(online.stdout).toContain(`the po-desk running on port ${first.port} re-seeded the demo`);
    expect((await api.messages('U-alex', 'C-rocket')).map((m) => m.text)).not.toContain('something to forget');
    expect((await api.get<{ offsetMs: number }>('/workspace')).json.offsetMs).toBe(0);

    expect((await api.say('U-alex', 'C-rocket', 'forget this too')).json.kind).toBe('posted');
    first.process.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const offline = await demoReset({ DATA_DIR: dataDir, PORT: String(first.port) });
    expect(offline.stdout).toContain('the demo is seeded again when po-desk next starts');

    const second = await startChildApp({ DATA_DIR: dataDir });
    children.push(second);
    expect(second.output()).toContain('playground: demo product seeded');
    const again = playgroundClient(second.baseUrl);
    expect((await again.messages('U-alex', 'C-rocket')).map((m) => m.text)).not.toContain('forget this too');
    await again.waitForMessage('U-priya', 'D-U-priya', (m) => m.text.includes('You are the Product Owner of Acme Shop'));
    second.process.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    // Two starts of po-desk and three runs of the script, each a real process: 23-29 s in CI, too near the
    // default 30 s when another test file shares the 2 cores.
  }, 90_000);
});
