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
    const url = process.env.DATABASE_URL;
    if (url && !url.includes('placeholder')) return new PrismaPg({ connectionString: url });
    // Typed against an older driver-adapter-utils than Prisma 6.19; same runtime interface.
    return new PrismaPGlite(new PGlite(process.env.DATA_DIR ?? '.data')) as unknown as SqlMigrationAwareDriverAdapterFactory;
  },
});
