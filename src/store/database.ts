import { existsSync, type Dirent } from 'node:fs';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from '../generated/prisma/client.js';
import { lockDataDir } from './data-dir-lock.js';
import { applyMigrations, loadMigrations, pendingMigrations, type Migration, type SqlSession } from './migrate.js';

export type Db = PrismaClient;

export type DatabaseOptions =
  | { kind: 'postgres'; url: string; schema?: string; poolSize?: number }
  /** `template`: a migrated data dir (pglite-template.ts) that a new `dataDir` starts as a copy of. */
  | { kind: 'pglite'; dataDir: string | undefined /* undefined = in memory */; template?: string }
  | { kind: 'pglite-instance'; pglite: PGlite };

/** One statement at a time, outside any transaction, not through Prisma. */
export type SqlQuery = Pick<SqlSession, 'query'>;

/**
 * SQL turning `expr` (an instant as an ISO string) into a `timestamp(3)` holding UTC, as Prisma writes its
 * DateTime columns, whatever the session's time zone: for the raw INSERTs on hot paths.
 */
export const utcTimestamp = (expr: string) => `(${expr}::timestamptz AT TIME ZONE 'UTC')::timestamp(3)`;

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly prisma: Db;
  /**
   * Straight to the driver, for the few statements on a hot path. Prisma 6's client engine compiles every
   * query in WASM on the event loop: a 20-row createMany costs ~8 ms of CPU there, the same INSERT ~0.2 ms.
   */
  readonly sql: SqlQuery;
  /** Applies committed migrations; returns those applied now. */
  migrate(): Promise<string[]>;
  /** True when the database answers and every committed migration is applied. */
  ready(): Promise<boolean>;
  /**
   * Reclaims the rows updates and deletes left behind, on a database with no autovacuum (PGlite; see
   * vacuum.ts). Absent on PostgreSQL, whose autovacuum does it.
   */
  vacuum?(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions, migrations?: Migration[]): Promise<Database> {
  const all = migrations ?? (await loadMigrations());
  if (options.kind === 'postgres') return openPostgres(options, all);
  if (options.kind === 'pglite-instance') return openPglite(options.pglite, all, () => {});
  let release = () => {};
  if (options.dataDir !== undefined) {
    await mkdir(options.dataDir, { recursive: true });
    release = lockDataDir(options.dataDir);
  }
  try {
    return await openPglite(await openPgliteDir(options.dataDir, options.template), all, release);
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * PGlite keeps Postgres' shared buffers inside its WASM heap, which never shrinks, and they all end up
 * resident: 128 MB (Postgres' default) → 16 MB took idle RSS from 360 to 245 MB, 16 → 4 MB another 12 MB
 * (bench/footprint.ts). A bot's working set is small, and a page not in the buffers is read from the
 * operating system's file cache (SQLite's default page cache is 2 MB).
 */
const PGLITE_CONF = ['shared_buffers = 4MB', 'wal_buffers = 1MB', 'maintenance_work_mem = 16MB', 'temp_buffers = 2MB'];

/**
 * Extensions the migrations create (pg_trgm: likely duplicates in the intake queue). A data directory
 * that has them must be opened with them loaded, so every PGlite po-desk opens takes these.
 */
export const PGLITE_EXTENSIONS = { pg_trgm };

/**
 * Fills the new data dir `dataDir` from `template` (pglite-template.ts), if there is one; false when there
 * is not. PG_VERSION, which marks a data dir as made, is copied last: a copy cut short is redone next start.
 */
export async function copyTemplate(template: string, dataDir: string): Promise<boolean> {
  const marker = path.join(template, 'PG_VERSION');
  if (!existsSync(marker)) return false;
  // Its ~560 files copied side by side: fs.cp goes one file at a time (230-600 ms of a first start with
  // 1,156 files; this, 50-75 ms on a fast disk, ~540 ms on a slow one, where creating files is the cost).
  const entries = await readdir(template, { recursive: true, withFileTypes: true });
  const inCopy = (entry: Dirent) => path.join(dataDir, path.relative(template, path.join(entry.parentPath, entry.name)));
  await mkdir(dataDir, { recursive: true });
  for (const dir of entries.filter((e) => e.isDirectory()).map(inCopy)) await mkdir(dir, { recursive: true });
  const files = entries.filter((e) => e.isFile() && path.join(e.parentPath, e.name) !== marker);
  await Promise.all(files.map((e) => copyFile(path.join(e.parentPath, e.name), inCopy(e))));
  await copyFile(marker, path.join(dataDir, 'PG_VERSION'));
  return true;
}

async function openPgliteDir(dataDir: string | undefined, template: string | undefined): Promise<PGlite> {
  if (dataDir === undefined) return PGlite.create({ postgresqlconf: PGLITE_CONF, extensions: PGLITE_EXTENSIONS });
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
  if (fresh && template !== undefined && (await copyTemplate(template, dataDir))) return PGlite.create(dataDir, { postgresqlconf: PGLITE_CONF, extensions: PGLITE_EXTENSIONS });
  const pglite = await PGlite.create(dataDir, { postgresqlconf: PGLITE_CONF, extensions: PGLITE_EXTENSIONS });
  if (!fresh) return pglite;
  // initdb grows the WASM heap to ~850 MB and it stays that size: reopen once to start small.
  await pglite.close();
  return PGlite.create(dataDir, { postgresqlconf: PGLITE_CONF, extensions: PGLITE_EXTENSIONS });
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * PGlite runs in this thread and answers through promises alone, so a loop of queries never lets the event
 * loop in: no request is read and no timer fires until the loop ends. The nudge job over 5,000 waiting
 * questions blocked the process for 89 s in the ack bench (Slack's acks, the outbox's timeouts, cron). Each
 * query, in a transaction or not, and each transaction first gives the event loop a turn.
 */
function yieldingPglite(pglite: PGlite): PGlite {
  const yielding = <T extends object>(target: T, wrap: Partial<Record<keyof T, (original: (...args: never[]) => unknown) => unknown>>): T =>
    new Proxy(target, {
      get(t, key) {
        const value = Reflect.get(t, key, t) as unknown;
        if (typeof value !== 'function') return value;
        const original = (value as (...args: never[]) => unknown).bind(t);
        return wrap[key as keyof T]?.(original) ?? original;
      },
    });
  const afterATurn = (original: (...args: never[]) => unknown) => async (...args: never[]) => {
    await nextTurn();
    return original(...args);
  };
  type Tx = Parameters<Parameters<PGlite['transaction']>[0]>[0];
  const tx = (t: Tx) => yielding(t, { query: afterATurn, sql: afterATurn, exec: afterATurn });
  return yielding(pglite, {
    query: afterATurn,
    sql: afterATurn,
    exec: afterATurn,
    transaction: (original) => async (callback: (t: Tx) => Promise<unknown>) => {
      await nextTurn();
      return (original as unknown as PGlite['transaction'])((t) => callback(tx(t)));
    },
  });
}

async function openPglite(raw: PGlite, migrations: Migration[], release: () => void): Promise<Database> {
  const pglite = yieldingPglite(raw);
  const session: SqlSession = {
    query: async <T>(sql: string, params?: unknown[]) => (await pglite.query<T>(sql, params)).rows,
    exec: async (sql) => {
      await pglite.exec(sql);
    },
  };
  const prisma = new PrismaClient({ adapter: pgliteAdapter(pglite) });
  return {
    kind: 'pglite',
    prisma,
    // PGlite runs a query only when no transaction holds the connection, so this never lands in one of Prisma's.
    sql: { query: session.query },
    migrate: () => applyMigrations(session, migrations),
    ready: () => isReady(session, migrations),
    // Outside any transaction, as VACUUM must be: PGlite runs it when no transaction holds the connection.
    vacuum: () => session.exec('VACUUM'),
    async close() {
      await prisma.$disconnect();
      await raw.close();
      release();
    },
  };
}

async function openPostgres(
  options: { url: string; schema?: string; poolSize?: number },
  migrations: Migration[],
): Promise<Database> {
  // `?schema=` in the URL is Prisma's convention; pg does not know it, so it is taken out here.
  const url = new URL(options.url);
  const schema = options.schema ?? url.searchParams.get('schema') ?? 'public';
  url.searchParams.delete('schema');
  const searchPath = { options: `-c search_path="${schema.replaceAll('"', '')}"` };
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: options.poolSize ?? 10,
    ...searchPath,
    // Slack wants an answer within 3 s: when PostgreSQL is down or unreachable, connecting (or waiting for a
    // free connection) gives up after 2 s, so the request can still be answered. pg's default waits forever.
    connectionTimeoutMillis: 2_000,
    // A connection whose server vanished without a word (a network partition) is found out, not waited on.
    keepAlive: true,
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Queries in flight report their own errors.
  });
  pool.on('connect', (client) => {
    // From a client's handover until its borrower listens, nothing does: a server that ends the connection in
    // the same packets as the handshake (pg_terminate_backend of a connection just made, a restart) would emit
    // an 'error' nobody hears and kill the process. The pool, its borrowers and their queries still see it.
    client.on('error', () => {});
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema }) });
  const withClient = async <T>(fn: (session: SqlSession) => Promise<T>) => {
    const client = await pool.connect();
    // The pool listens for a checked-out client's errors no more: a server that ends the connection between
    // two queries (PostgreSQL restarting, 57P01) would emit an unhandled 'error' and kill the process.
    let lost: Error | undefined;
    const onError = (error: Error) => {
      lost = error;
    };
    client.on('error', onError);
    try {
      return await fn({
        query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
        exec: async (sql) => {
          await client.query(sql);
        },
      });
    } finally {
      client.removeListener('error', onError);
      client.release(lost); // a lost connection is thrown away, not handed out again
    }
  };
  return {
    kind: 'postgres',
    prisma,
    sql: { query: async <T>(sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows as T[] },
    // The schema is created under the migration lock: replicas starting together would race on it.
    migrate: () => withClient((s) => applyMigrations(s, migrations, `CREATE SCHEMA IF NOT EXISTS "${schema.replaceAll('"', '')}"`)),
    ready: () => withClient((s) => isReady(s, migrations)).catch(() => false),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function isReady(session: SqlSession, migrations: Migration[]): Promise<boolean> {
  try {
    return (await pendingMigrations(session, migrations)).length === 0;
  } catch {
    // Table missing or database unreachable: not ready, which is exactly what /readyz reports.
    return false;
  }
}

/**
 * pglite-prisma-adapter 0.6 is typed against an older @prisma/driver-adapter-utils than Prisma 6.19;
 * the runtime interface is the same (verified by every test), only the declared types differ.
 */
export function pgliteAdapter(pglite: PGlite): SqlMigrationAwareDriverAdapterFactory {
  return new PrismaPGlite(pglite) as unknown as SqlMigrationAwareDriverAdapterFactory;
}
