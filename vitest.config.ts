import { defineConfig } from 'vitest/config';

// Vitest's default is one worker fewer than the CPUs: on a 2-CPU machine one file at a time. Most
// integration files spend their time waiting (emulator latency, BullMQ polling, Slack round trips),
// so four at once finish far sooner than one; VITEST_MAX_WORKERS overrides it.
const maxWorkers = Number(process.env.VITEST_MAX_WORKERS) || 4;

/**
 * Files whose subject is a child process (npm start, the built image, worker replicas killed with
 * -9, Chromium): each keeps a fresh process of its own, as every file used to, so what one leaves
 * behind cannot reach the next. The rest share their workers' loaded modules.
 */
const OWN_PROCESS = [
  'test/e2e/**/*.test.ts',
  'test/integration/deploy-manifests.test.ts',
  'test/integration/execution-replicas.test.ts',
  'test/integration/handover.test.ts',
  'test/integration/least-privilege.test.ts',
  'test/integration/main-cli.test.ts',
  'test/integration/main-process.test.ts',
  'test/integration/npm-start.test.ts',
];

const timeouts = { testTimeout: 30_000, hookTimeout: 30_000 };

export default defineConfig({
  test: {
    maxWorkers,
    reporters: ['default'],
    // Importing the bot's module graph (Bolt, the ECS SDK, BullMQ) cost a worker seconds of CPU per
    // file, most of the suite's CPU on two cores; without isolation a worker imports it once and
    // runs file after file. Sound because no test file changes module-level state (no vi.mock, no
    // globals; fake timers are restored; the script tests only append /usr/sbin to PATH) and every
    // file closes what it starts.
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
        // Integration files share one redis-server; each test uses its own key prefix or DB, and
        // every emulator, bot and sandbox listens on a port of its own, so files are independent.
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: OWN_PROCESS,
          globalSetup: ['test/support/global-redis.ts'],
          pool: 'forks',
          isolate: false,
          ...timeouts,
        },
      },
      {
        // Listed first by name: vitest queues projects in name order and, inside one, the slowest
        // files first (from its cache of durations), so these long files start before the short ones.
        test: {
          name: 'child-processes',
          include: OWN_PROCESS,
          globalSetup: ['test/support/global-redis.ts'],
          pool: 'forks',
          ...timeouts,
        },
      },
    ],
  },
});
