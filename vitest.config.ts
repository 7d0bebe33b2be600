import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-redis.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration files share one redis-server; each test uses its own key prefix or DB, and every
    // emulator, bot and sandbox listens on a port of its own, so files are independent.
    pool: 'forks',
    // Vitest's default is one worker fewer than the CPUs: on a 2-CPU machine one file at a time.
    // Most files spend their time waiting (emulator latency, BullMQ polling, Slack round trips), so
    // four at once finish far sooner than one; VITEST_MAX_WORKERS overrides it.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS) || 4,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
