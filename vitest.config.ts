import { defineConfig } from 'vitest/config';

// Vitest's default is one worker fewer than the CPUs: on a 2-CPU machine one file at a time. Most
// integration files spend their time waiting (emulator latency, BullMQ polling, Slack round trips),
// so four at once finish far sooner than one; VITEST_MAX_WORKERS overrides it.
const maxWorkers = Number(process.env.VITEST_MAX_WORKERS) || 4;

export default defineConfig({
  test: {
    maxWorkers,
    reporters: ['default'],
    projects: [
      {
        // Pure logic: no Redis, no servers, no module-level state shared between files (fake timers
        // are restored by the files that install them), so one thread reuses its loaded modules for
        // every file instead of a fresh process importing the same graph again per file.
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          pool: 'threads',
          isolate: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        // Integration files share one redis-server; each test uses its own key prefix or DB, and
        // every emulator, bot and sandbox listens on a port of its own, so files are independent.
        // A process per file: they start servers, child processes and signal handlers.
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-redis.ts'],
          pool: 'forks',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
