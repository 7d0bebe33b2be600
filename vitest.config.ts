import { configDefaults, defineConfig } from 'vitest/config';
import { CHILD_PROCESS_PROJECT, SHARED_PROJECT, SuiteSequencer } from './test/support/suite-sequencer.js';

// Vitest's default is one worker fewer than the CPUs: on a 2-CPU machine one file at a time. Most
// integration files spend their time waiting (emulator latency, BullMQ polling, Slack round trips),
// so four at once finish far sooner than one; VITEST_MAX_WORKERS overrides it.
const maxWorkers = Number(process.env.VITEST_MAX_WORKERS) || 4;

const timeouts = { testTimeout: 30_000, hookTimeout: 30_000 };

// Files whose subject is a child process (npm start, the emulator's CLI, the built image, worker
// replicas killed with -9, the commands CLI) or Chromium.
const CHILD_PROCESS_FILES = [
  'test/e2e/**/*.test.ts',
  'test/integration/deploy-manifests.test.ts',
  'test/integration/emulator-done.test.ts',
  'test/integration/emulator-protocol.test.ts',
  'test/integration/execution-replicas.test.ts',
  'test/integration/handover.test.ts',
  'test/integration/least-privilege.test.ts',
  'test/integration/main-cli.test.ts',
  'test/integration/main-process.test.ts',
  'test/integration/npm-start.test.ts',
];

// Integration and browser files share one redis-server; each test uses its own key prefix or DB,
// and every emulator, bot and sandbox listens on a port of its own, so files are independent.
const integration = {
  globalSetup: ['test/support/global-redis.ts'],
  pool: 'forks' as const,
  ...timeouts,
};

export default defineConfig({
  test: {
    maxWorkers,
    reporters: ['default'],
    sequence: { sequencer: SuiteSequencer },
    projects: [
      {
        // Pure logic: no Redis, no servers; threads are the cheapest workers. A thread imports the
        // code once and runs file after file: sound because no unit file changes module-level
        // state (no vi.mock, no globals; fake timers are restored; the script tests only append
        // /usr/sbin to PATH).
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          pool: 'threads',
          isolate: false,
          ...timeouts,
        },
      },
      {
        // A process imports the bot's module graph (Bolt, the ECS SDK, BullMQ, ioredis, zod) once
        // and runs file after file: that import was most of each file's CPU. Sound because every
        // file closes what it starts and src/ keeps no per-run state at module level (metrics
        // collect the process's own figures once per process).
        test: {
          name: SHARED_PROJECT,
          include: ['test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...CHILD_PROCESS_FILES],
          isolate: false,
          ...integration,
        },
      },
      {
        // A fresh process per file, so a file's children and signals never meet another file's.
        test: { name: CHILD_PROCESS_PROJECT, include: CHILD_PROCESS_FILES, ...integration },
      },
    ],
  },
});
