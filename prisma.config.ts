import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { defineConfig } from 'prisma/config';

// The Prisma CLI (generate, migrate diff/status) with the JavaScript engine: no native engine is
// ever downloaded. The app itself applies migrations at start (src/store/migrate.ts).
process.env.DATABASE_URL ??= 'postgresql://placeholder@localhost/placeholder';
process.env.PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK ??= '1';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    const raw = process.env.DATABASE_URL;
    if (raw && !raw.includes('placeholder')) {
      // Honour Prisma's `?schema=` as the app does (src/store/database.ts); pg itself ignores it.
      const url = new URL(raw);
      const schema = url.searchParams.get('schema') ?? undefined;
      url.searchParams.delete('schema');
      return new PrismaPg({ connectionString: url.toString() }, { schema });
    }
    // An in-memory database: the CLI must never open the app's data directory, which a running
    // po-desk may hold (two processes on one PGlite directory corrupt it). `migrate diff` from
    // schema files needs no database at all; the app's own state is reported by /readyz.
    // Typed against an older driver-adapter-utils than Prisma 6.19; same runtime interface.
    return new PrismaPGlite(new PGlite()) as unknown as SqlMigrationAwareDriverAdapterFactory;
  },
});
