import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Another process has the embedded database open: two would corrupt it (PGlite does not lock its files). */
export class DataDirInUseError extends Error {
  readonly code = 'DATA_DIR_IN_USE';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`the embedded database in ${dataDir} is in use by another po-desk process (pid ${pid}): stop it first, or give this one another DATA_DIR`);
  }
}

const LOCK_FILE = 'po-desk.lock';

/**
 * Takes the embedded database's directory for this process: a lock file holding our pid, created
 * exclusively. A lock left by a process that no longer runs (killed, crashed) is taken over. Returns
 * the function that gives the directory back.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file);
        } catch (_gone) {
          // already removed: nothing to give back
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(readTolerantly(file), 10);
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) throw new DataDirInUseError(dataDir, holder);
    try {
      unlinkSync(file); // stale: its process is gone
    } catch (_raced) {
      // another process removed it first; try again
    }
  }
}

function readTolerantly(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (_gone) {
    return '';
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // running, as another user
  }
}
