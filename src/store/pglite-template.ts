import { readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { openDatabase } from './database.js';
import type { Migration } from './migrate.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Where `npm install` leaves the embedded database's template (scripts/build-pglite-template.ts): an empty
 * data dir with every migration applied. A first start on a new DATA_DIR copies it (a fraction of a second)
 * instead of running PGlite's initdb and every migration (seconds, and a WASM heap grown to ~850 MB that
 * must be reopened to shrink); migrations committed since the install are applied on top as usual. The name
 * carries PGlite's version, since a data dir is only for the PGlite that made it; undefined when that
 * version cannot be read.
 */
export function defaultPgliteTemplate(): string | undefined {
  try {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string };
    return path.join(ROOT, 'node_modules', '.cache', 'po-desk', `pglite-${version}-template`);
  } catch {
    return undefined;
  }
}

/** Builds the template into `dir`, replacing any there; a po-desk starting meanwhile finds none or a whole one. */
export async function buildPgliteTemplate(dir: string, migrations?: Migration[]): Promise<void> {
  const building = `${dir}.${process.pid}.tmp`;
  await rm(building, { recursive: true, force: true });
  const db = await openDatabase({ kind: 'pglite', dataDir: building }, migrations);
  try {
    await db.migrate();
    // initdb's template0 and template1 are there for CREATE DATABASE, which po-desk never runs: its
    // embedded database is the one named postgres. They were 600 of the template's 1,156 files, and on a
    // slow disk creating files is what the copy costs: a first start's copy took 0.6 s there, 0.25 s without.
    for (const name of ['template0', 'template1']) {
      await db.sql.query(`ALTER DATABASE ${name} IS_TEMPLATE false`);
      await db.sql.query(`DROP DATABASE ${name}`);
    }
  } finally {
    await db.close();
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.dirname(dir), { recursive: true });
  await rename(building, dir);
}
