import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// `npm test`: everything, on PGlite, and on PostgreSQL too where TEST_DATABASE_URL is set.
// `npm run test:pg`: only the suites that touch a database, on PostgreSQL only.
// `npm run test:chaos`: the slow reliability suites (test/chaos: real processes killed, faults injected,
// PostgreSQL restarted), one file at a time because they share the machine's PostgreSQL.
const dbSuites = ['test/store/**/*.test.ts', 'test/outbox/**/*.test.ts', 'test/scheduler/**/*.test.ts', 'test/adapters/**/*.test.ts', 'test/main/**/*.test.ts'];

export default defineConfig({
  test: {
    // One file per core, not Vitest's default of one fewer: most files spend much of their time waiting on
    // child processes, PostgreSQL and timers, so on 2 cores a second worker cut `npm test` from 373 s to 249 s.
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      {
        test: {
          name: 'default',
          include: ['test/**/*.test.ts'],
          exclude: ['test/chaos/**', '**/node_modules/**'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/every-message-renders-on-teams.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'pg',
          include: dbSuites,
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/every-message-renders-on-teams.ts'],
          env: { PODESK_TEST_DATABASES: 'postgres' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'chaos',
          include: ['test/chaos/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
