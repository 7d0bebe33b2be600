// The ECS call budget (policy `limits.ecs`): one shared bucket per class of call, AIMD under
// throttling, against real Redis and, end to end, the emulator's throttling through the real SDK.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { ResilientGateway } from '../../src/cloud/resilient-gateway.js';
import { SEED } from '../../src/emulator/index.js';
import { RedisRateLimiter } from '../../src/store/rate-limiter.js';
import { createAvailableDisk, type EmulatorHarness, startHarness } from '../support/execution-emulator.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const BUDGET = {
  read: { callsPerSecond: 10, burst: 3 },
  mutate: { callsPerSecond: 10, burst: 3 },
  assistant: { callsPerSecond: 4, burst: 2 },
};

let redis: Redis;
let other: Redis;
let prefix: string;
/** The replicas' shared clock in the bucket tests: time moves only when a test advances it. */
let nowMs: number;
const clock = { now: () => nowMs };
const advance = (ms: number) => {
  nowMs += ms;
};

beforeEach(() => {
  redis = new Redis(inject('redisUrl'));
  other = new Redis(inject('redisUrl'));
  prefix = `sdb-budget:${randomUUID().slice(0, 8)}:`;
  nowMs = 1_700_000_000_000;
});
afterEach(async () => {
  await redis.quit();
  await other.quit();
});

/** Two replicas' limiters: separate Redis clients, the same keys, the same fake clock. */
function replicas(aimd = {}) {
  return [
    new RedisRateLimiter(redis, BUDGET, { prefix, aimd, clock }),
    new RedisRateLimiter(other, BUDGET, { prefix, aimd, clock }),
  ] as const;
}

describe('the shared ECS budget', () => {
  it('lets a burst through, then spaces calls at the class rate across replicas', async () => {
    const [a, b] = replicas();
    const waits = [];
    for (let i = 0; i < 6; i++) waits.push(await (i % 2 === 0 ? a : b).reserve('read'));
    // A burst of 3 at once, then one slot every 100 ms (10 calls/s), whichever replica asks.
    expect(waits).toEqual([0, 0, 0, 100, 200, 300]);
    advance(300);
    expect(await a.reserve('read')).toBe(100);
  });

  it('keeps reads, mutations and Cloud Assistant calls in separate buckets', async () => {
    const [a, b] = replicas();
    for (let i = 0; i < 20; i++) await a.reserve('read');
    // The 21st read is booked 1.8 s ahead (3 at once, then 100 ms each); the other classes go at once.
    expect(await b.reserve('read')).toBe(1_800);
    expect(await b.reserve('mutate')).toBe(0);
    expect(await b.reserve('assistant')).toBe(0);
    expect(await a.reserve('assistant')).toBe(0);
    // The assistant bucket has its own burst (2) and rate (4/s: one slot every 250 ms).
    expect(await a.reserve('assistant')).toBe(250);
  });

  it('refuses a budget that cannot work', () => {
    expect(() => new RedisRateLimiter(redis, { ...BUDGET, mutate: { callsPerSecond: 0, burst: 1 } })).toThrow(
      /mutate/,
    );
    expect(() => new RedisRateLimiter(redis, { ratePerSecond: 5, burst: 0 })).toThrow(RangeError);
  });
});

describe('AIMD under throttling', () => {
  it('halves the class rate for every replica, once per congestion event, down to a floor', async () => {
    const [a, b] = replicas({ holdMs: 300, floorFraction: 0.1 });
    expect((await a.throttled('mutate')).ratePerSecond).toBe(5);
    // The same congestion event (within holdMs), seen by the other replica: no second decrease.
    advance(299);
    const same = (await b.throttled('mutate')).ratePerSecond;
    expect(same).toBeGreaterThanOrEqual(5);
    expect(same).toBeLessThan(5.5);
    advance(51);
    const second = (await b.throttled('mutate')).ratePerSecond;
    expect(second).toBeGreaterThanOrEqual(2.5);
    expect(second).toBeLessThan(3);
    for (let i = 0; i < 4; i++) {
      advance(320);
      await a.throttled('mutate');
    }
    // The floor: 10 % of the policy rate.
    expect((await a.state('mutate')).ratePerSecond).toBe(1);
    // Other classes keep their full rate.
    expect((await b.state('read')).ratePerSecond).toBe(10);
    expect((await b.state('assistant')).ratePerSecond).toBe(4);
  });

  it('grows the rate back additively, and the slower rate spaces the bookings', async () => {
    const [a, b] = replicas(); // grows by 5 % of the policy rate per second: 0.5 calls/s per second
    await a.throttled('read'); // 10 → 5 calls/s
    expect((await b.state('read')).ratePerSecond).toBe(5);
    // At 5 calls/s the slots are 200 ms apart (100 ms at the policy rate).
    const waits = [await b.reserve('read'), await b.reserve('read'), await b.reserve('read')];
    expect(waits[2]! - waits[1]!).toBe(200);
    advance(4_000);
    expect((await b.state('read')).ratePerSecond).toBe(7);
    advance(6_000);
    expect((await b.state('read')).ratePerSecond).toBe(10);
    expect(await redis.hexists(`${prefix}{ecs}:rate:read`, 'base')).toBe(1);
    await b.reserve('read'); // back at the policy rate: the AIMD fields are dropped
    expect(await redis.hexists(`${prefix}{ecs}:rate:read`, 'base')).toBe(0);
  });

  it('holds every replica back for the retry-after hint', async () => {
    const [a, b] = replicas();
    await a.throttled('assistant', 600);
    expect(await b.reserve('assistant')).toBe(600);
  });
});

describe('through the emulator throttling the account', () => {
  let emu: EmulatorHarness;
  beforeAll(async () => {
    emu = await startHarness();
  });
  afterAll(async () => emu.close());

  it('a throttling spell longer than maxAttempts slows AttachDisk down instead of failing it', async () => {
    const limiter = new RedisRateLimiter(redis, BUDGET, { prefix, aimd: { holdMs: 100 } });
    const gateway = new ResilientGateway(emu.gateway(), {
      limiter,
      retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 100 },
    });
    const diskId = await createAvailableDisk(emu.gateway(), `budget-${prefix}`);
    const instanceId = SEED.instances.nvmeI[0]!.id;
    await emu.setFaults({ AttachDisk: { throttleRate: 1, retryAfterMs: 100 } });
    const attach = gateway.attachDisk({ diskId, instanceId }).then(
      () => 'attached',
      (error: Error) => error.message,
    );
    const throttledCalls = async () =>
      (await emu.calls('AttachDisk')).filter((c) => c.code === 'Throttling.User').length;
    while ((await throttledCalls()) < 4) await sleep(20);
    // Reads are not slowed down by the throttled mutations.
    await gateway.describeDisks({ regionId: SEED.regionId, diskIds: [diskId] });
    expect((await limiter.state('read')).ratePerSecond).toBe(10);
    expect((await limiter.state('mutate')).ratePerSecond).toBeLessThan(5);
    await emu.setFaults({});
    expect(await attach).toBe('attached');
    expect((await emu.calls('AttachDisk')).filter((c) => c.code === 'OK')).toHaveLength(1);
  });

  it('under a per-second quota every call completes and refusals stay few', async () => {
    await emu.clearCalls();
    await emu.setFaults({ DescribeInstances: { quotaPerSecond: 5, retryAfterMs: 200 } });
    const budget = { ...BUDGET, read: { callsPerSecond: 20, burst: 5 } };
    const limiters = [redis, other].map((client) => new RedisRateLimiter(client, budget, { prefix }));
    const gateways = limiters.map(
      (limiter) =>
        new ResilientGateway(emu.gateway(), {
          limiter,
          retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 200 },
        }),
    );
    const instanceIds = [SEED.instances.nvmeI[0]!.id];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        gateways[i % 2]!.describeInstances({ regionId: SEED.regionId, instanceIds }).then((r) => r.length),
      ),
    );
    expect(results).toEqual(Array(30).fill(1));
    const calls = await emu.calls('DescribeInstances');
    const throttled = calls.filter((c) => c.code === 'Throttling.User').length;
    expect(calls.filter((c) => c.code === 'OK')).toHaveLength(30);
    expect(throttled).toBeGreaterThan(0);
    // At a steady 20 calls/s against a quota of 5, 15 of every 20 calls would be refused (≈ 90 in
    // all); the shrunken shared rate keeps the refusals well below that.
    expect(throttled).toBeLessThan(60);
    expect((await limiters[1]!.state('read')).ratePerSecond).toBeLessThan(10);
    await emu.setFaults({});
  });
});
