import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTemplate, openDatabase } from '../../src/store/database.js';
import { loadMigrations, type Migration } from '../../src/store/migrate.js';
import { buildPgliteTemplate } from '../../src/store/pglite-template.js';
import { prismaStore } from '../../src/store/prisma-store.js';
import { testDatabaseKinds } from '../support/test-database.js';

/**
 * A first start on a new DATA_DIR unpacks the template `npm install` built instead of running initdb and
 * every migration; what it opens must be the same database a long first start would have made.
 */
// The template is PGlite's alone: `npm run test:pg` (PostgreSQL only) leaves it out.
describe.skipIf(!testDatabaseKinds().includes('pglite'))('the embedded database template', () => {
  let dir: string;
  let migrations: Migration[];
  let template: string;
  let olderTemplate: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'po-desk-template-'));
    migrations = await loadMigrations();
    template = path.join(dir, 'template');
    await buildPgliteTemplate(template);
    // As if po-desk was installed before the last two migrations were committed.
    olderTemplate = path.join(dir, 'older');
    await buildPgliteTemplate(olderTemplate, migrations.slice(0, -2));
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const dataDir = async () => mkdtemp(path.join(dir, 'data-'));

  /** Every entry under `root`: its path, kind, mode and, for a file, its bytes. */
  const snapshot = async (root: string) =>
    Promise.all(
      (await readdir(root, { recursive: true })).sort().map(async (name) => {
        const entry = await stat(path.join(root, name));
        const contents = entry.isFile() ? (await readFile(path.join(root, name))).toString('base64') : undefined;
        return { name, directory: entry.isDirectory(), mode: entry.mode, contents };
      }),
    );

  it('copies the template whole: every directory (empty ones too) and file, with its bytes and mode', async () => {
    const copy = path.join(await dataDir(), 'copy');
    expect(await copyTemplate(template, copy)).toBe(true);
    const original = await snapshot(template);
    expect(original.filter((e) => e.directory).length).toBeGreaterThan(10);
    expect(original.filter((e) => !e.directory).length).toBeGreaterThan(500);
    expect(await snapshot(copy)).toEqual(original);
  });

  it('copies nothing from a template whose build was cut short (files, but no PG_VERSION), nor from none', async () => {
    const unfinished = await mkdtemp(path.join(dir, 'unfinished-'));
    await mkdir(path.join(unfinished, 'base', '1'), { recursive: true });
    await writeFile(path.join(unfinished, 'base', '1', '1259'), 'half a catalog');
    const target = path.join(await dataDir(), 'copy');
    expect(await copyTemplate(unfinished, target)).toBe(false);
    expect(await copyTemplate(path.join(dir, 'missing'), target)).toBe(false);
    expect(existsSync(target)).toBe(false);
  });

  it('gives a new data dir every migration without running one, and it works', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir: await dataDir(), template });
    try {
      expect(await db.migrate()).toEqual([]);
      expect(await db.ready()).toBe(true);
      // initdb's template databases are left out of the template: half its files, and po-desk uses one database.
      expect(await db.sql.query('SELECT datname FROM pg_database')).toEqual([{ datname: 'postgres' }]);
      await db.prisma.product.create({ data: { name: 'Checkout' } });
      expect(await db.prisma.product.count()).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('applies the migrations committed since it was built, and only those', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir: await dataDir(), template: olderTemplate });
    try {
      expect(await db.ready()).toBe(false);
      expect(await db.migrate()).toEqual(migrations.slice(-2).map((m) => m.name));
      expect(await db.ready()).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('gives the decisions recorded before the last migrations their product, so the digest counts them', async () => {
    // An install from before migration 20261206030000, with a request decided back then.
    const dir = await dataDir();
    const before = await openDatabase({ kind: 'pglite', dataDir: dir, template: olderTemplate }, migrations.slice(0, -2));
    const product = await before.prisma.product.create({ data: { name: 'Before' } });
    try {
      const ws = await before.prisma.workspace.create({ data: { platform: 'slack', externalId: 'T-BEFORE', productId: product.id } });
      const person = await before.prisma.person.create({ data: { productId: product.id, workspaceId: ws.id, platformUserId: 'U-1', displayName: 'Sam' } });
      await before.prisma.$executeRawUnsafe(
        `INSERT INTO "IntakeItem" ("id", "productId", "number", "title", "urgency", "source", "requesterId", "createdById", "status", "createdAt")
         VALUES ('item-1', $1, 1, 'Export as CSV', 'normal', 'form', $2, $2, 'accepted', '2026-11-02T09:00:00Z')`,
        product.id,
        person.id,
      );
      await before.prisma.$executeRawUnsafe(`INSERT INTO "IntakeEvent" ("itemId", "action", "at") VALUES ('item-1', 'accepted', '2026-11-03T09:00:00Z')`);
    } finally {
      await before.close();
    }

    const after = await openDatabase({ kind: 'pglite', dataDir: dir, template });
    try {
      expect(await after.migrate()).toEqual(migrations.slice(-2).map((m) => m.name));
      const bounds = [new Date('2026-11-02T00:00:00Z'), new Date('2026-11-09T00:00:00Z')];
      const [week] = await prismaStore(after.prisma).transaction((tx) => tx.intake.periodFigures(product.id, bounds));
      expect(week).toMatchObject({ created: 1, accepted: 1, sentProperly: 1 });
    } finally {
      await after.close();
    }
  });

  it('leaves an existing data dir as it is, and the template as it was', async () => {
    const existing = await dataDir();
    const first = await openDatabase({ kind: 'pglite', dataDir: existing, template });
    await first.prisma.product.create({ data: { name: 'Kept' } });
    await first.close();
    const again = await openDatabase({ kind: 'pglite', dataDir: existing, template: olderTemplate });
    try {
      expect(await again.migrate()).toEqual([]);
      expect((await again.prisma.product.findMany()).map((p) => p.name)).toEqual(['Kept']);
    } finally {
      await again.close();
    }
    const another = await openDatabase({ kind: 'pglite', dataDir: await dataDir(), template });
    try {
      expect(await another.prisma.product.count()).toBe(0);
    } finally {
      await another.close();
    }
  });

  it('runs initdb and every migration when there is no template', async () => {
    const fresh = await dataDir();
    const db = await openDatabase({ kind: 'pglite', dataDir: fresh, template: path.join(dir, 'missing') });
    try {
      expect(await db.migrate()).toEqual(migrations.map((m) => m.name));
      expect(existsSync(path.join(fresh, 'PG_VERSION'))).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('copies again after a copy cut short (no PG_VERSION yet)', async () => {
    const cut = await dataDir();
    const first = await openDatabase({ kind: 'pglite', dataDir: cut, template });
    await first.close();
    await unlink(path.join(cut, 'PG_VERSION'));
    const db = await openDatabase({ kind: 'pglite', dataDir: cut, template });
    try {
      expect(await db.migrate()).toEqual([]);
      expect(await db.prisma.product.count()).toBe(0);
    } finally {
      await db.close();
    }
  });
});
