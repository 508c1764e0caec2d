import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from '../../src/store/data-dir-lock.js';
import { openDatabase } from '../../src/store/database.js';

describe('the embedded database directory lock', () => {
  let dir: string;
  const lockFile = () => path.join(dir, 'po-desk.lock');
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'po-desk-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('holds our pid while taken and is gone once given back', async () => {
    const release = lockDataDir(dir);
    expect(await readFile(lockFile(), 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(lockFile())).toBe(false);
  });

  it('refuses a directory another running process holds, naming it', async () => {
    const other = spawn('sleep', ['30']);
    try {
      await writeFile(lockFile(), String(other.pid));
      let refused: unknown;
      try {
        lockDataDir(dir);
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(DataDirInUseError);
      expect((refused as Error).message).toContain(`in use by another po-desk process (pid ${other.pid})`);
      expect(await readFile(lockFile(), 'utf8')).toBe(String(other.pid));
    } finally {
      other.kill();
    }
  });

  it('takes over a lock left by a process that is gone', async () => {
    const gone = spawn('true');
    await new Promise((resolve) => gone.on('exit', resolve));
    await writeFile(lockFile(), String(gone.pid));
    const release = lockDataDir(dir);
    expect(await readFile(lockFile(), 'utf8')).toBe(String(process.pid));
    release();
  });

  it('is taken by opening the database and given back by closing it', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir: dir });
    expect(await readFile(lockFile(), 'utf8')).toBe(String(process.pid));
    await db.close();
    expect(existsSync(lockFile())).toBe(false);
  });
});
