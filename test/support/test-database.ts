import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, PGLITE_EXTENSIONS, type Database, type DatabaseOptions } from '../../src/store/database.js';

export type TestDbKind = 'pglite' | 'postgres';

/**
 * The databases a suite runs on: PGlite always, PostgreSQL too when TEST_DATABASE_URL is set;
 * `npm run test:pg` runs PostgreSQL only (and fails without TEST_DATABASE_URL).
 */
export function testDatabaseKinds(): TestDbKind[] {
  if (process.env.PODESK_TEST_DATABASES === 'postgres') {
    if (!process.env.TEST_DATABASE_URL) throw new Error('test:pg needs TEST_DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/test');
    return ['postgres'];
  }
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabase {
  kind: TestDbKind;
  /** How to open another connection to the same database (a second replica, a restart). */
  options(): DatabaseOptions;
  db: Database;
  /** Closes the connection and removes the database. */
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own: a PGlite copy of the snapshot, or a new PostgreSQL schema. */
export async function createTestDatabase(kind: TestDbKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const snapshot = await readFile(inject('pgliteSnapshot'));
    const pglite = await PGlite.create({ loadDataDir: new Blob([snapshot]), extensions: PGLITE_EXTENSIONS });
    const options: DatabaseOptions = { kind: 'pglite-instance', pglite };
    const db = await openDatabase(options);
    return { kind, options: () => options, db, drop: () => db.close() };
  }
  const url = process.env.TEST_DATABASE_URL!;
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const options: DatabaseOptions = { kind: 'postgres', url, schema, poolSize: 5 };
  const db = await openDatabase(options);
  await db.migrate();
  return {
    kind,
    options: () => options,
    db,
    async drop() {
      await db.close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}
