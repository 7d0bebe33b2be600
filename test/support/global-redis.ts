import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { type RedisServerHandle, startRedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let server: RedisServerHandle | undefined;

/** One Redis for the whole run: REDIS_URL when given, otherwise a private redis-server on a free port. */
export async function setup(project: TestProject): Promise<void> {
  const fromEnv = process.env.REDIS_URL?.trim();
  if (fromEnv) {
    project.provide('redisUrl', fromEnv);
    return;
  }
  server = await startRedisServer();
  project.provide('redisUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
