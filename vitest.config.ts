import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-redis.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration files share one redis-server; each test uses its own key prefix or DB.
    pool: 'forks',
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
