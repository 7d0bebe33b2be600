import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBot } from '../../src/bot.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { parsePolicy } from '../../src/workflow/policy.js';
import { LogCapture, TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../support/bot.js';
import { type EmulatorHarness, startHarness } from '../support/execution-emulator.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';

let emu: EmulatorHarness;
let fake: FakeSlack;
let taken: Server;
const redis = new Redis(inject('redisUrl'));

beforeAll(async () => {
  [emu, fake] = await Promise.all([startHarness(), startFakeSlack()]);
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => taken.close(resolve));
  await Promise.all([emu.close(), fake.close()]);
  redis.disconnect();
});

/** Starts a bot with a cloud on `port`; every Redis client its execution opens is kept to see it closed. */
function startWithCloud(port: number) {
  const policy = parsePolicy('actions: { attach: { approvers: { users: [U0BOB] }, quorum: 1 } }');
  if (!policy.ok) throw new Error(policy.message);
  const clients: Redis[] = [];
  const logs = new LogCapture();
  const starting = startBot({
    slack: {
      botToken: TEST_BOT_TOKEN,
      transport: { mode: 'http', signingSecret: TEST_SIGNING_SECRET },
      apiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
    },
    http: { port, host: '127.0.0.1' },
    redis,
    keyPrefix: `sdb-start-stop:${randomUUID()}:`,
    policy: policy.value,
    defaultRegion: 'cn-hangzhou',
    logger: createLogger('debug', logs),
    metrics: createMetrics(),
    cloud: {
      gateway: emu.gateway(),
      connection: () => {
        const client = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
        clients.push(client);
        return client;
      },
    },
    watch: { enabled: false },
  });
  return { starting, clients, logs };
}

describe('startBot', () => {
  it('stops what it already started when a later part cannot start', async () => {
    // The Slack server cannot listen: the execution and its worker have started by then.
    const { starting, clients, logs } = startWithCloud((taken.address() as AddressInfo).port);
    await expect(starting).rejects.toThrow(/EADDRINUSE/);
    expect(clients.length).toBeGreaterThanOrEqual(3);
    await expect.poll(() => clients.filter((c) => c.status !== 'end').length).toBe(0);
    expect(logs.text).not.toContain('app.stop_failed');
  });

  it('stop() closes the execution and its worker', async () => {
    const { starting, clients, logs } = startWithCloud(0);
    const bot = await starting;
    expect(clients.length).toBeGreaterThanOrEqual(3);
    await bot.stop();
    await expect.poll(() => clients.filter((c) => c.status !== 'end').length).toBe(0);
    expect(logs.text).not.toContain('app.stop_failed');
  });
});
