import { defineConfig } from 'vitest/config';

// Vitest's default is one worker fewer than the CPUs: on a 2-CPU machine one file at a time. Most
// integration files spend their time waiting (emulator latency, BullMQ polling, Slack round trips),
// so four at once finish far sooner than one; VITEST_MAX_WORKERS overrides it.
const maxWorkers = Number(process.env.VITEST_MAX_WORKERS) || 4;

const timeouts = { testTimeout: 30_000, hookTimeout: 30_000 };

export default defineConfig({
  test: {
    maxWorkers,
    reporters: ['default'],
    // Unit files share their threads' loaded modules: importing the module graph per file was most
    // of their CPU. Sound because no unit file changes module-level state (no vi.mock, no globals;
    // fake timers are restored; the script tests only append /usr/sbin to PATH).
    projects: [
      {
        // Pure logic: no Redis, no servers; threads are the cheapest workers.
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          pool: 'threads',
          isolate: false,
          ...timeouts,
        },
      },
      {
        // Integration and browser files share one redis-server; each test uses its own key prefix
        // or DB, and every emulator, bot and sandbox listens on a port of its own, so files are
        // independent. Each file keeps a process of its own: several start child processes (npm
        // start, replicas killed with -9, Chromium), and sharing workers let those files pile up
        // at once and miss their start-up deadlines on two cores. Named before "unit", so these
        // long files are queued first (slowest first, from vitest's cache of durations).
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-redis.ts'],
          pool: 'forks',
          ...timeouts,
        },
      },
    ],
  },
});
